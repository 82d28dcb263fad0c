import math
import time

from django.conf import settings
from django.http import HttpResponsePermanentRedirect
from django.utils.cache import patch_cache_control
from django.utils.http import http_date

from newsroom.cache import current_generation
from newsroom.models import ReleaseSource
from newsroom.parts import public_state

PUBLIC_MAX_AGE = 60


def seconds_until_next_publication(request) -> int:
    if settings.PAGE_CACHE:
        # The shared generation knows the next scheduled second: no query per request.
        next_at = current_generation(request)["next_at"]
        if next_at is None:
            return 24 * 3600
        return max(0, math.floor(next_at - time.time()))
    # Read with the content version, once per request (and shared with the kept parts).
    return public_state(request).seconds_until_next_publication()


def last_modified(request) -> float | None:
    """When what the public sees last changed, or None while that is within this second: a
    date has whole seconds, and a client holding it would be told "not modified" after a
    second change in the same second (RFC 9110 counts such a date as weak)."""
    changed = public_state(request).last_modified.timestamp()
    return changed if time.time() - changed >= 1 else None


class PublicCacheMiddleware:
    """Anonymous public pages may be kept by browsers, proxies and our own page cache, but never
    past the second the next scheduled release goes public. Staff (a session cookie) get
    private answers; views that set their own Cache-Control (previews, forms) keep it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.method in ("GET", "HEAD")
            and response.status_code in (200, 404, 410)
            and not response.has_header("Cache-Control")
            and not request.path.startswith("/admin/")
            and not response.streaming
        ):
            max_age = min(PUBLIC_MAX_AGE, seconds_until_next_publication(request))
            if mark_public_or_private(request, response, max_age):
                changed = last_modified(request)
                if changed is not None and not response.has_header("Last-Modified"):
                    response["Last-Modified"] = http_date(changed)
        return response


def mark_public_or_private(request, response, max_age: int) -> bool:
    """Cache-Control for a public page or feed: public for anonymous visitors (and True), private
    for staff and for an answer that sets a cookie."""
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        # Staff check their own edits on the public page: the browser asks every time.
        patch_cache_control(response, private=True, no_cache=True)
        return False
    if response.cookies:
        patch_cache_control(response, private=True, max_age=max_age)
        return False
    # No Vary on Cookie or language: the bytes depend on the URL alone.
    patch_cache_control(response, public=True, max_age=max_age, s_maxage=max_age)
    return True


class ImportedAddressMiddleware:
    """The old site's address of an imported release (import_feed --redirects) answers 301 to
    the release once this site's domain has taken the old one's place. Only where nothing else
    answers (a 404), so no page of ours is ever shadowed, and only for public releases."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # A NUL byte cannot be in an old address (PostgreSQL refuses it in text).
        if (
            response.status_code == 404
            and request.method in ("GET", "HEAD")
            and "\x00" not in request.path
        ):
            source = ReleaseSource.objects.redirecting(request.path).first()
            if source is not None:
                return HttpResponsePermanentRedirect(source.release.get_absolute_url())
        return response
