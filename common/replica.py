"""A read replica (DATABASE_REPLICA_URL: a PostgreSQL hot standby) for the public's reads.

- **Who reads where.** Anonymous GET and HEAD requests for public pages, feeds and the API read
  the replica; staff (a session cookie), the admin, every other method and a client that has
  just written something (the `newsroom-wrote` cookie, for WROTE_SECONDS) read the primary, and
  every write goes to the primary. Management commands and workers use the primary only.
- **Read-your-writes.** Staff always read the primary, so they see their own change at once; the
  public sees it within the replica's lag.
- **The page cache** keeps a page rendered from the replica only while the replica has every
  change the primary has (`may_keep_page`: the content version each has, compared after the
  page is rendered), so no page older than a change it was told about is kept; until the
  replica catches up, such pages are served without being kept.
- **The primary down.** A failed connection marks the primary down in this process for
  PRIMARY_RECHECK_SECONDS: reads go to the replica meanwhile, writes that a public page makes by
  the way (kept parts, an embargo link's opening log, counters: `quietly`) are skipped, and the
  admin and other writing requests answer 503 with a page saying the newsroom is read-only for
  now (`ReadOnlyMiddleware`). After that time the next request tries the primary again, so its
  return needs no restart.

Without DATABASE_REPLICA_URL none of this is active: everything uses the one database.
"""

import contextlib
import contextvars
import functools
import logging
import time

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import DatabaseError, connections
from django.http import HttpResponse
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)

PRIMARY, REPLICA = "default", "replica"
# How long a client that wrote something (a form sent, a subscription) reads the primary.
WROTE_SECONDS = 10
WROTE_COOKIE = "newsroom-wrote"
# How long the primary counts as down after a failed connection, before it is tried again.
PRIMARY_RECHECK_SECONDS = 2.0
# Paths whose requests always start on the primary (staff pages, links that write as they are
# opened); with the primary down they read the replica and their writes are skipped.
PRIMARY_PATHS = ("/admin/", "/forhaandsvisning/", "/embargo/")

# Where this request's reads go (None: the primary), and whether the primary is only optional
# for it (a public read: a connection to the primary is tried once, not retried for seconds).
_reads_from = contextvars.ContextVar("newsroom_reads_from", default=None)
_primary_optional = contextvars.ContextVar("newsroom_primary_optional", default=False)
_primary_down_until = 0.0


def has_replica() -> bool:
    return REPLICA in settings.DATABASES


def primary_is_down() -> bool:
    return time.monotonic() < _primary_down_until


def mark_primary_down() -> None:
    global _primary_down_until
    if not primary_is_down():
        logger.warning("The primary database is unreachable: reading the replica")
    _primary_down_until = time.monotonic() + PRIMARY_RECHECK_SECONDS


def mark_primary_up() -> None:
    global _primary_down_until
    _primary_down_until = 0.0


def primary_is_optional() -> bool:
    """Whether a connection to the primary should be tried once only: for a public read (the
    replica answers it), or while the primary has been failing (each probe would otherwise hold
    its request for the backend's retry seconds; the first failure already waited them)."""
    return _primary_optional.get() or time.monotonic() < _primary_down_until + 60


class ReplicaRouter:
    """Reads as the request decided (ReplicaMiddleware), the replica while the primary is down;
    writes and migrations on the primary."""

    def db_for_read(self, model, **hints):
        if not has_replica():
            return None
        if _reads_from.get() == REPLICA or primary_is_down():
            return REPLICA
        return PRIMARY

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same data on both

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


def reads_replica(request) -> bool:
    """An anonymous read of a public page: the replica answers it."""
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        return False
    if _without_language(request.path).startswith(PRIMARY_PATHS):
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies:
        return False  # staff, or a message just left for this client
    wrote = cookies.get(WROTE_COOKIE, "")
    return not (wrote.isdigit() and time.time() < int(wrote))


def _without_language(path: str) -> str:
    """The address as in the default language (the English pages live under /en/)."""
    for code, _name in settings.LANGUAGES:
        if code != settings.LANGUAGE_CODE and path.startswith(f"/{code}/"):
            return path[len(code) + 1 :]
    return path


class ReplicaMiddleware:
    """First in the chain (before anything reads): decides where the request reads, marks a
    client that wrote something so it reads the primary for WROTE_SECONDS, and answers a
    request that needs the primary while it is down with the read-only page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not has_replica():
            return self.get_response(request)
        replica = reads_replica(request)
        if not replica and request.path.startswith("/admin/") and primary_is_down():
            return read_only_response(request)
        tokens = (
            _reads_from.set(REPLICA if replica else PRIMARY),
            _primary_optional.set(replica),
        )
        try:
            response = self.get_response(request)
        finally:
            _reads_from.reset(tokens[0])
            _primary_optional.reset(tokens[1])
        if response.status_code >= 500 and not replica and primary_is_down():
            # The primary went away during the request. A read outside the admin (staff on a
            # public page) is answered again from the replica; anything else says the
            # newsroom is read-only for now instead of "an error occurred".
            if request.method in ("GET", "HEAD") and not request.path.startswith("/admin/"):
                tokens = (_reads_from.set(REPLICA), _primary_optional.set(True))
                try:
                    response = self.get_response(request)
                finally:
                    _reads_from.reset(tokens[0])
                    _primary_optional.reset(tokens[1])
                if response.status_code < 500:
                    return response
            return read_only_response(request)
        if request.method not in ("GET", "HEAD", "OPTIONS") and response.status_code < 400:
            response.set_cookie(
                WROTE_COOKIE,
                str(int(time.time()) + WROTE_SECONDS),
                max_age=WROTE_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response


def read_only_response(request):
    response = HttpResponse(render_to_string("503_read_only.html"), status=503)
    response["Retry-After"] = "30"
    response["Cache-Control"] = "no-store"
    return response


def may_keep_page(request) -> bool:
    """Whether the page cache may keep a page this request rendered: always when it read the
    primary; when it read the replica, only if the replica's content version (read before the
    page's data) is the primary's current one. The primary unreachable: not kept (its lag is
    unknown), served all the same."""
    if not has_replica() or _reads_from.get() != REPLICA:
        return True
    state = getattr(request, "_public_state", None)
    if state is None or state.version is None:
        return False
    from common.models import ContentVersion

    try:
        with quietly_raising():
            primary = (
                ContentVersion.objects.using(PRIMARY)
                .filter(pk=ContentVersion.ROW)
                .values_list("number", flat=True)
                .first()
            )
    except DatabaseError:
        return False
    return primary == state.version


@contextlib.contextmanager
def quietly_raising():
    """Marks the primary down when talking to it fails (for the caller to handle)."""
    try:
        yield
    except DatabaseError:
        if has_replica() and not _primary_alive():
            mark_primary_down()
        raise


def _primary_alive() -> bool:
    connection = connections[PRIMARY]
    try:
        return connection.connection is not None and connection.is_usable()
    except Exception:  # noqa: BLE001 - any failure means not alive
        return False


def quietly(function=None, *, default=None):
    """For a write a public request makes by the way (a counter, a log of an opening, a kept
    part): with the primary down or refusing, the write is skipped, logged, and the page is
    answered all the same. Use as a decorator or call `quietly(lambda: ...)()`. Inside a
    transaction the write gets its own savepoint, so a refusal leaves the transaction usable."""

    def decorate(write):
        @functools.wraps(write)
        def wrapped(*args, **kwargs):
            if has_replica() and primary_is_down():
                return default
            connection = connections[PRIMARY]
            optional = _primary_optional.set(True)  # one try to connect, no waiting
            try:
                with quietly_raising():
                    if connection.in_atomic_block:
                        from django.db import transaction

                        with transaction.atomic(using=PRIMARY):
                            return write(*args, **kwargs)
                    return write(*args, **kwargs)
            except DatabaseError:
                logger.warning("A write on a public request was skipped", exc_info=True)
                return default
            finally:
                _primary_optional.reset(optional)

        return wrapped

    return decorate(function) if function is not None else decorate
