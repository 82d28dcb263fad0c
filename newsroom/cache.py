"""The page cache: anonymous public pages kept in the cache (Redis in production) and served
without rendering, never early and never stale.

Every cached page is filed under the current *content generation*. The generation moves

- whenever staff save or delete anything a public page shows (signals in newsroom.apps, and
  `content_changed()` where code updates rows directly), and
- at the second the next scheduled or embargoed release goes public: the generation carries
  that second, and the first request at or after it starts a new one.

So a page cached before an edit or a publication is never served after it: its key is simply
never asked for again, and it expires on its own. With the cache down, nothing is found and
every page is rendered, as without a cache.

Django's own UpdateCacheMiddleware and FetchFromCacheMiddleware do the storing and serving;
this module gives them the generation as their key prefix, serves anonymous visitors only, and
lets one request render a missing page while the others wait briefly for it (no stampede at
an embargo lift).
"""

import hashlib
import threading
import time
import uuid

from django.conf import settings
from django.core.cache import caches
from django.middleware.cache import FetchFromCacheMiddleware, UpdateCacheMiddleware
from django.utils import timezone
from django.utils.cache import (
    _generate_cache_header_key,
    _generate_cache_key,
    get_max_age,
    learn_cache_key,
    patch_response_headers,
)
from django.utils.http import parse_http_date_safe

from common.generation import GENERATION_KEY, content_changed  # noqa: F401 (re-exported)

# How long a request waits for another one that is rendering the same page.
RENDER_WAIT_SECONDS = 3.0
RENDER_LOCK_SECONDS = 10
POLL_SECONDS = 0.02


def _cache():
    return caches[settings.CACHE_MIDDLEWARE_ALIAS]


def _new_generation(token: str, request=None) -> dict:
    from newsroom.parts import public_state

    now = timezone.now()
    # Read once per request, with the content version the page's kept parts are filed under.
    next_at = public_state(request).next_publication_at
    return {
        "token": token,
        "changed_at": now.timestamp(),
        "next_at": next_at.timestamp() if next_at else None,
    }


def current_generation(request=None) -> dict:
    """{"token", "changed_at", "next_at"}: the generation pages are cached under now."""
    cache = _cache()
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # After an edit: the first request to get here names the new generation, the others
        # running at the same moment take that one (so they share one rendering of each page).
        fresh = _new_generation(uuid.uuid4().hex, request)
        if cache.add(GENERATION_KEY, fresh, timeout=None):
            return fresh
        return cache.get(GENERATION_KEY) or fresh
    if generation["next_at"] is not None and time.time() >= generation["next_at"]:
        # A scheduled release has just gone public. Every request that notices derives the
        # same next token, so the rush at an embargo lift shares one generation too.
        token = hashlib.sha256(f"{generation['token']}@{generation['next_at']}".encode())
        generation = _new_generation(token.hexdigest()[:32], request)
        cache.set(GENERATION_KEY, generation, timeout=None)
    return generation


def _is_anonymous(request) -> bool:
    # Read from the cookie, not request.user: touching the session would make every page
    # vary on Cookie, and no shared cache could keep it.
    return settings.SESSION_COOKIE_NAME not in request.COOKIES


_request_state = threading.local()


class GenerationKeyMixin:
    """The key prefix is the generation the request started in, so a page rendered while an
    edit came in is filed under the old generation, which nobody asks for again."""

    @property
    def key_prefix(self):
        return getattr(_request_state, "prefix", None) or _prefix()

    @key_prefix.setter
    def key_prefix(self, value):
        pass  # Django's __init__ sets a fixed prefix; ours is the generation


def _prefix(request=None) -> str:
    return f"page:{current_generation(request)['token']}"


class FetchPageCacheMiddleware(GenerationKeyMixin, FetchFromCacheMiddleware):
    """Serves a cached page to anonymous visitors; a missing page is rendered by one request
    while the others wait for it."""

    def process_request(self, request):
        if not _is_anonymous(request) or request.path.startswith("/admin/"):
            request._cache_update_cache = False
            return None
        request._page_key_prefix = _request_state.prefix = _prefix(request)
        try:
            return self._fetch_or_wait(request)
        finally:
            _request_state.prefix = None

    def _fetch_or_wait(self, request):
        if request.method not in ("GET", "HEAD"):
            request._cache_update_cache = False
            return None
        key_prefix = self.key_prefix
        response = self._cached(request, key_prefix)
        if response is not None:
            request._cache_update_cache = False
            return response
        request._cache_update_cache = True
        lock_key = f"render:{_generate_cache_header_key(key_prefix, request)}"
        acquired = self.cache.add(lock_key, 1, RENDER_LOCK_SECONDS)
        if acquired is not False:  # None: the cache is down, so nobody could be waited for
            # The one that held the lock before may have stored the page just now.
            cached = self._cached(request, key_prefix)
            if cached is not None:
                self.cache.delete(lock_key)
                request._cache_update_cache = False
                return cached
            request._page_render_lock = lock_key
            return None
        # Someone else is rendering this page: wait for their copy.
        deadline = time.monotonic() + RENDER_WAIT_SECONDS
        while time.monotonic() < deadline:
            time.sleep(POLL_SECONDS)
            cached = self._cached(request, key_prefix)
            if cached is not None:
                request._cache_update_cache = False
                return cached
            if self.cache.get(lock_key) is None:
                # Done, and nothing kept: a page not to be kept (the last second before a
                # scheduled release may not be cached at all). Render it here at once.
                return None
        return None  # it takes too long: render it here as well

    def _cached(self, request, key_prefix):
        """The page as kept for this address, looked up directly: public pages vary on
        nothing (no Vary header), so Django's first lookup, of the headers a page varies on,
        is one cache round trip a hit need not make. A page that does vary is kept by Django
        under a key with those headers' values, which this never finds, so it is rendered."""
        for method in ("GET", "HEAD") if request.method == "HEAD" else ("GET",):
            response = self.cache.get(_generate_cache_key(request, method, [], key_prefix))
            if response is not None:
                max_age = get_max_age(response)
                expires = parse_http_date_safe(response.get("Expires", ""))
                if max_age is not None and expires is not None:
                    response["Age"] = max(0, max_age - (expires - int(time.time())))
                return response
        return None


class UpdatePageCacheMiddleware(GenerationKeyMixin, UpdateCacheMiddleware):
    """Keeps what PublicCacheMiddleware marked public (and only that) for anonymous visitors."""

    def _keep_not_found(self, request, response):
        """Django keeps 200s only. A release's address is asked for again and again in the
        minute before its embargo lifts: its 404 is kept too, and the generation turns at the
        second it goes public."""
        timeout = get_max_age(response)
        if timeout and not response.streaming and self._should_update_cache(request, response):
            patch_response_headers(response, timeout)  # as Django does for the 200s it keeps
            key = learn_cache_key(request, response, timeout, self.key_prefix, cache=self.cache)
            self.cache.set(key, response, timeout)

    def _should_update_cache(self, request, response):
        return (
            super()._should_update_cache(request, response)
            and _is_anonymous(request)
            and "public" in response.get("Cache-Control", "")
        )

    def process_response(self, request, response):
        _request_state.prefix = getattr(request, "_page_key_prefix", None)
        try:
            response = super().process_response(request, response)
            if response.status_code == 404:
                self._keep_not_found(request, response)
        finally:
            _request_state.prefix = None
        lock_key = getattr(request, "_page_render_lock", None)
        if lock_key:
            self.cache.delete(lock_key)
        return response
