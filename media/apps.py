from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediaConfig(AppConfig):
    name = "media"
    verbose_name = _("Media library and contacts")

    def ready(self):
        from common import richtext
        from media.lookup import credits_for_urls

        # Body images show their photographer's credit on the page and in the feeds.
        richtext.credit_lookup = credits_for_urls
