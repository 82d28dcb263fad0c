from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    """What happened to a release: counts per day, kept without cookies or personal data."""

    name = "stats"
    verbose_name = _("Readers")
    default_auto_field = "django.db.models.BigAutoField"
