"""The page cache: anonymous public pages kept in the cache (Redis in production) and served
without rendering, never early and never stale.

Every cached page is filed under the current *content generation*. The generation moves

- whenever staff save or delete anything a public page shows (signals in newsroom.apps, and
  `content_changed()` where code updates rows directly), and
- at the second the next scheduled or embargoed release goes public: the generation carries
  that second, and the first request at or after it starts a new one.

A page is kept under its address together with the generation it was rendered in, and served
only while that is still the current one: a page cached before an edit or a publication is
never served after it. The generation and the page are read in one round trip to the cache.
With the cache down, nothing is found and every page is rendered, as without a cache.

Built on Django's cache middleware (its rules for what may be kept, its headers); this module
adds the generation, serves anonymous visitors only, keeps only pages that vary on nothing,
and lets one request render a missing page while the others wait briefly for it (no stampede
at an embargo lift).
"""

import functools
import hashlib
import threading
import time
import uuid
from collections import OrderedDict
from pathlib import Path

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import caches
from django.core.handlers.wsgi import WSGIRequest
from django.middleware.cache import FetchFromCacheMiddleware, UpdateCacheMiddleware
from django.utils import timezone
from django.utils.cache import get_max_age, patch_response_headers
from django.utils.http import parse_http_date_safe

from common.generation import GENERATION_KEY, content_changed  # noqa: F401 (re-exported)
from common.querystrings import canonical_query
from common.replica import may_keep_page

# Pages the front (PageCacheFront) keeps in each process, in bytes.
LOCAL_COPIES_MAX_BYTES = 32 * 1024 * 1024
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


_UNREAD = object()


def current_generation(request=None, stored=_UNREAD) -> dict:
    """{"token", "changed_at", "next_at"}: the generation pages are cached under now.
    `stored`: the generation as just read from the cache, where the caller read it."""
    cache = _cache()
    generation = cache.get(GENERATION_KEY) if stored is _UNREAD else stored
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
        passed, generation = generation, _new_generation(token.hexdigest()[:32], request)
        _move_generation_on(cache, passed, generation)
    return generation


_GENERATION_LOCK = threading.Lock()


def _move_generation_on(cache, old: dict, new: dict) -> None:
    """Writes `new` only while the cache still holds `old` (compare and set). An edit committed
    since `old` was read has removed it; writing over that would bring back a generation whose
    pages were rendered before the edit."""
    client = getattr(cache, "client", None)
    if not hasattr(client, "get_client"):
        # Not Redis: a cache within this process (development, tests).
        with _GENERATION_LOCK:
            if (cache.get(GENERATION_KEY) or {}).get("token") == old["token"]:
                cache.set(GENERATION_KEY, new, timeout=None)
        return
    from redis.exceptions import RedisError, WatchError

    key = client.make_key(GENERATION_KEY)
    try:
        with client.get_client(write=True).pipeline() as pipe:
            pipe.watch(key)
            stored = pipe.get(key)
            if stored is None or client.decode(stored).get("token") != old["token"]:
                return
            pipe.multi()
            pipe.set(key, client.encode(new))
            pipe.execute()
    except (WatchError, RedisError):
        pass  # moved by someone else meanwhile, or Redis is away: nothing to write


def _is_anonymous(request) -> bool:
    # Read from the cookie, not request.user: touching the session would make every page
    # vary on Cookie, and no shared cache could keep it. A message waiting to be shown (in
    # its cookie) is shown by a rendered page.
    return not (set(request.COOKIES) & {settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name})


def _page_key(request, method: str) -> str:
    # Public pages vary on nothing (pages that do are not kept), and their language is in their
    # address: the address is the key, with the build that rendered the page. Only the query
    # parameters the page reads count (a random one makes no new copy), and not the host (the
    # links a page prints come from SITE_URL), though it must be one we answer to.
    request.get_host()  # DisallowedHost for any other: Django answers it
    query = canonical_query(request)
    address = f"{request.scheme}:{request.path}?{query}"
    digest = hashlib.md5(address.encode(), usedforsecurity=False).hexdigest()
    return f"newsroom-page.{_build()}.{method}.{digest}"


@functools.cache
def _build() -> str:
    """The code, templates, translations and static files' names a page was rendered with:
    during a rolling deploy, each process sends only pages its own build rendered (a page
    names its style sheet by the hash of its content, which another build may not have)."""
    from newsroom.parts import render_build

    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    static = hashlib.sha256(manifest.read_bytes() if manifest.is_file() else b"").hexdigest()
    return f"{render_build()}{static[:8]}"


def _is_static(path: str) -> bool:
    # Static files and media are WhiteNoise's, the web server's or the bucket's: a 404 for one
    # is never kept (it would outlive the deploy that brings the file).
    return path.startswith((settings.STATIC_URL, settings.MEDIA_URL))


class FetchPageCacheMiddleware(FetchFromCacheMiddleware):
    """Serves a cached page to anonymous visitors; a missing page is rendered by one request
    while the others wait for it."""

    def process_request(self, request):
        if (
            not _is_anonymous(request)
            or request.path.startswith("/admin/")
            or _is_static(request.path)
        ):
            request._cache_update_cache = False
            return None
        if request.method not in ("GET", "HEAD"):
            request._cache_update_cache = False
            return None
        keys = [_page_key(request, method) for method in _methods(request)]
        found = self.cache.get_many([GENERATION_KEY, *keys])  # one round trip
        generation = current_generation(request, stored=found.get(GENERATION_KEY))
        request._page_generation = token = generation["token"]
        cached = _current_page(found, keys, token)
        if cached is not None:
            request._cache_update_cache = False
            return cached
        request._cache_update_cache = True
        return self._render_or_wait(request, keys, token)

    def _render_or_wait(self, request, keys, token):
        lock_key = f"render:{token}:{keys[0]}"
        acquired = self.cache.add(lock_key, 1, RENDER_LOCK_SECONDS)
        if acquired is not False:  # None: the cache is down, so nobody could be waited for
            # The one that held the lock before may have stored the page just now.
            cached = self._cached(keys, token)
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
            cached = self._cached(keys, token)
            if cached is not None:
                request._cache_update_cache = False
                return cached
            if self.cache.get(lock_key) is None:
                # Done, and nothing kept: a page not to be kept (the last second before a
                # scheduled release may not be cached at all). Render it here at once.
                return None
        return None  # it takes too long: render it here as well

    def _cached(self, keys, token):
        return _current_page(self.cache.get_many(keys), keys, token)


def _methods(request):
    # A HEAD is answered from the GET's page, else from a page kept for a HEAD.
    return ("GET", "HEAD") if request.method == "HEAD" else ("GET",)


def _current_page(found: dict, keys, token):
    """The first page kept under `keys` in generation `token`, with its Age, or None."""
    for key in keys:
        kept = found.get(key)
        if kept is not None and kept[0] == token:
            response = kept[1]
            max_age = get_max_age(response)
            expires = parse_http_date_safe(response.get("Expires", ""))
            if max_age is not None and expires is not None:
                response["Age"] = max(0, max_age - (expires - int(time.time())))
            return response
    return None


class UpdatePageCacheMiddleware(UpdateCacheMiddleware):
    """Keeps what PublicCacheMiddleware marked public (and only that) for anonymous visitors,
    under the generation the request started in: a page rendered while an edit came in is
    never served in the generation the edit began."""

    def _should_update_cache(self, request, response):
        return (
            super()._should_update_cache(request, response)
            and _is_anonymous(request)
            and not _is_static(request.path)
            and "public" in response.get("Cache-Control", "")
            and not response.has_header("Vary")  # kept by address alone
            and not response.cookies
            and not response.streaming
            # Django keeps 200s only. A release's address is asked for again and again in
            # the minute before its embargo lifts: its 404 is kept too.
            and response.status_code in (200, 404)
            # Read from a replica: kept only if it had every change the primary has.
            and may_keep_page(request)
        )

    def process_response(self, request, response):
        try:
            timeout = get_max_age(response)
            # No lifetime (the last second before a scheduled release): nothing is kept.
            if timeout and self._should_update_cache(request, response):
                patch_response_headers(response, timeout)  # Expires, as Django's would
                key = _page_key(request, request.method)
                token = request._page_generation
                if getattr(response, "is_rendered", True):
                    self.cache.set(key, (token, response), timeout)
                else:  # as Django's middleware allows for
                    response.add_post_render_callback(
                        lambda rendered: self.cache.set(key, (token, rendered), timeout)
                    )
        finally:
            lock_key = getattr(request, "_page_render_lock", None)
            if lock_key:
                self.cache.delete(lock_key)
        return response


def front(application):
    """What stands in front of Django's WSGI handler: the page-cache front (when the page cache
    is on) and, outside it, each wrapper settings.WSGI_WRAPPERS names (so that every answer,
    sent from the cache or rendered, passes them)."""
    from django.utils.module_loading import import_string

    if settings.PAGE_CACHE:
        # Plain anonymous hits on kept pages are answered before Django's request handling.
        application = PageCacheFront(application)
    for path in getattr(settings, "WSGI_WRAPPERS", []):
        application = import_string(path)(application)
    return application


class PageCacheFront:
    """The WSGI application in front of Django (newsroom.wsgi): a plain GET by an anonymous
    visitor for a page kept in the current generation is answered from the cache as Django
    sent it last time, byte for byte (the page is kept after every middleware has run), without
    running Django's request handling at all. Everything else, and every doubt, goes to Django,
    where FetchPageCacheMiddleware applies the same rules in full: a new or passed generation,
    conditional and HEAD requests, a page missing or being rendered, the cache down.

    The process also keeps the pages it sent last (LOCAL_COPIES_MAX_BYTES at most), each valid
    only in the generation it was kept in and until its Expires: sending one again reads only
    the generation from the cache, not the page."""

    def __init__(self, application):
        self.application = application
        self.copies = LocalCopies(LOCAL_COPIES_MAX_BYTES)

    def __call__(self, environ, start_response):
        if environ.get("REQUEST_METHOD") == "HEAD":
            # Django answers a HEAD with the body too; the server must not send it (gunicorn
            # logs every one it is handed, and monitoring sends many).
            result = self.application(environ, start_response)
            if hasattr(result, "close"):
                result.close()
            return []
        copy = self._kept_page(environ)
        if copy is None:
            return self.application(environ, start_response)
        now = int(time.time())
        start_response(copy.status, [*copy.headers, ("Age", str(copy.age(now)))])
        return [copy.body]

    def _kept_page(self, environ):
        path = environ.get("PATH_INFO", "")
        if (
            environ.get("REQUEST_METHOD") != "GET"
            or "HTTP_IF_NONE_MATCH" in environ
            or "HTTP_IF_MODIFIED_SINCE" in environ
            or path.startswith("/admin/")
            or _is_static(path)
        ):
            return None
        cookies = environ.get("HTTP_COOKIE", "")
        if settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies:
            return None  # perhaps signed in, or a message to show: Django decides
        try:
            # (on a copy: WSGIRequest rewrites the environ's path, which Django then reads)
            key = _page_key(WSGIRequest(environ.copy()), "GET")
        except Exception:  # noqa: BLE001 - a host not allowed, a bad address: Django answers
            return None
        cache = _cache()
        copy = self.copies.get(key)
        if copy is not None:
            found = None
            generation = cache.get(GENERATION_KEY)
        else:
            found = cache.get_many([GENERATION_KEY, key])  # one round trip
            generation = found.get(GENERATION_KEY)
        if generation is None or (
            generation["next_at"] is not None and time.time() >= generation["next_at"]
        ):
            return None  # a new generation begins: Django names it
        token = generation["token"]
        if copy is not None and copy.token == token and time.time() < copy.expires:
            return copy
        if found is None:
            found = cache.get_many([key])
        kept = found.get(key)
        if kept is None or kept[0] != token:
            return None
        copy = SentPage.of(token, kept[1])
        if copy is not None:
            self.copies.keep(key, copy)
        return copy


class SentPage:
    """A kept page as the front sends it."""

    __slots__ = ("token", "status", "headers", "body", "expires", "max_age")

    @classmethod
    def of(cls, token, response):
        expires = parse_http_date_safe(response.get("Expires", ""))
        max_age = get_max_age(response)
        if expires is None or max_age is None:
            return None
        page = cls()
        page.token, page.expires, page.max_age = token, expires, max_age
        page.status = f"{response.status_code} {response.reason_phrase}"
        page.headers = [(name, value) for name, value in response.items() if name != "Age"]
        page.body = response.content
        return page

    def age(self, now: int) -> int:
        return max(0, self.max_age - (self.expires - now))


class LocalCopies:
    """Pages sent by this process, least recently sent dropped first past `max_bytes`."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.pages = OrderedDict()
        self.size = 0
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            page = self.pages.get(key)
            if page is not None:
                self.pages.move_to_end(key)
            return page

    def keep(self, key, page) -> None:
        if len(page.body) > self.max_bytes // 8:
            return
        with self.lock:
            old = self.pages.pop(key, None)
            if old is not None:
                self.size -= len(old.body)
            self.pages[key] = page
            self.size += len(page.body)
            while self.size > self.max_bytes:
                _key, dropped = self.pages.popitem(last=False)
                self.size -= len(dropped.body)
