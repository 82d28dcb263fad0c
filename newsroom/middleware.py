from django.utils.cache import patch_cache_control

from newsroom.models import PressRelease

PUBLIC_MAX_AGE = 60


class PublicCacheMiddleware:
    """Let browsers and proxies keep public pages briefly, but never past the second the next
    scheduled release goes public. Staff, previews and anything already marked keep theirs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.method in ("GET", "HEAD")
            and response.status_code == 200
            and not response.has_header("Cache-Control")
            and not request.path.startswith("/admin/")
            and not request.user.is_authenticated
            and response.get("Content-Type", "").startswith("text/html")
        ):
            max_age = min(PUBLIC_MAX_AGE, PressRelease.objects.seconds_until_next_publication())
            # private: pages carry a CSRF token for the language switch, so no shared caches.
            patch_cache_control(response, private=True, max_age=max_age)
        return response
