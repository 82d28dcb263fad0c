"""The interface language comes from the URL: Danish at /, English under /en/."""

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

# Staff pages follow the browser's language (Accept-Language or the language cookie).
BROWSER_LANGUAGE_PREFIXES = ("/admin/",)


class LanguageFromURLMiddleware:
    """Public pages speak the language of their address and never the browser's, so a page's
    bytes depend on its URL alone and any cache may keep it (no Vary: Accept-Language, no
    cookie). Replaces Django's LocaleMiddleware, which would also read the browser's choice."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = translation.get_language_from_path(request.path_info)
        follows_browser = language is None and request.path_info.startswith(
            BROWSER_LANGUAGE_PREFIXES
        )
        if follows_browser:
            language = translation.get_language_from_request(request)
        translation.activate(language or settings.LANGUAGE_CODE)
        request.LANGUAGE_CODE = translation.get_language()
        try:
            response = self.get_response(request)
        finally:
            # Nothing after this request (a worker thread's next job, a test) inherits it.
            translation.deactivate()
        if follows_browser:
            patch_vary_headers(response, ("Accept-Language",))
        response.headers.setdefault("Content-Language", request.LANGUAGE_CODE)
        return response
