from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediaConfig(AppConfig):
    name = "media"
    verbose_name = _("Media library and contacts")

    def ready(self):
        from common import richtext
        from media.lookup import alts_for_urls, credits_for_urls

        # Body images show their photographer's credit on the page and in the feeds, and take
        # the text alternative written in the library when none was typed in the editor.
        richtext.credit_lookup = credits_for_urls
        richtext.alt_lookup = alts_for_urls
