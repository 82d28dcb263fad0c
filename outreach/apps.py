from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutreachConfig(AppConfig):
    """Reaching journalists: the press office's own media lists and pitches."""

    name = "outreach"
    verbose_name = _("Journalists and pitches")
    default_auto_field = "django.db.models.BigAutoField"
