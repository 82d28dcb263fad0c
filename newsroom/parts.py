"""Rendered parts of public pages, kept in the database with their release.

A release's article, its card in the lists and its feed entry change only when content the
public sees changes: an edit anywhere (the content version, common.generation), or a release
going public at its scheduled second. Until then a part is served as it was rendered, with no
query for what it shows and no template work; after either, it is rendered afresh on its next
use. Parts live in the database, so every app server shares them without a cache server, and
they are used with the page cache switched off as much as with it on.

Never early, never stale: the content version and the next scheduled publication are read
before anything a part shows, in one statement, and the part is filed under both. A change
committed after that read moves the version, so what was rendered from older rows is never
used again; a part rendered before a scheduled second is not used from that second on.
"""

import datetime
import functools
import hashlib
import logging
import math
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.signals import setting_changed
from django.db import DatabaseError, connection, connections, router, transaction
from django.db.models import OuterRef, Q, Subquery
from django.dispatch import receiver
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from common.models import ContentVersion
from common.prepared import PreparedList, PreparedQuery, as_datetime

logger = logging.getLogger(__name__)


# The settings a part prints (addresses, names, dates, file links): served under a new SITE_URL
# with nothing else changed, a kept feed entry must not keep the old address.
PRINTED_SETTINGS = (
    "SITE_URL",
    "SITE_NAME",
    "MEDIA_URL",
    "STATIC_URL",
    "TIME_ZONE",
    "LANGUAGE_CODE",
    "LANGUAGES",
    "STORAGES",
    "MEDIA_ACCESS",
)


@functools.cache
def render_build() -> str:
    """A fingerprint of what renders parts: our Python code, templates and translations, and
    the settings they print. A part is used only by processes running the same (a deploy's new
    templates or address show at once, and old processes still running meanwhile keep to
    their own parts)."""
    base = Path(settings.BASE_DIR)
    digest = hashlib.sha256()
    for name in PRINTED_SETTINGS:
        value = getattr(settings, name, None)
        if name == "LANGUAGES":
            value = [code for code, _name in value]  # the names are lazy translations
        digest.update(f"{name}={value!r};".encode())
    for folder in ("common", "newsroom", "people", "organisations", "media", "templates", "locale"):
        for path in sorted((base / folder).rglob("*")):
            if path.suffix in (".py", ".html", ".txt", ".xml", ".mo") and path.is_file():
                digest.update(str(path.relative_to(base)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@receiver(setting_changed)
def _settings_changed(setting, **kwargs):
    # Settings do not change in a running server; tests change them.
    if setting in PRINTED_SETTINGS:
        render_build.cache_clear()
        PreparedQuery.forget_all()
        from newsroom.cache import _build

        _build.cache_clear()


@dataclass(frozen=True)
class PublicState:
    # None when the version row is missing: nothing is kept then, everything rendered live.
    version: int | None
    changed_at: datetime.datetime
    next_publication_at: datetime.datetime | None
    last_publication_at: datetime.datetime | None

    @property
    def last_modified(self) -> datetime.datetime:
        """When what the public sees last changed: an edit, or a release going public."""
        return max(filter(None, [self.changed_at, self.last_publication_at]))

    def seconds_until_next_publication(self, default: int = 24 * 3600) -> int:
        if self.next_publication_at is None:
            return default
        remaining = (self.next_publication_at - timezone.now()).total_seconds()
        return min(default, max(0, math.ceil(remaining)))


def _publication_queries(now):
    from newsroom.models import PressRelease

    released = PressRelease.objects.filter(status__in=PressRelease.RELEASED)
    return (
        released.filter(publish_at__gt=now).order_by("publish_at").values("publish_at")[:1],
        released.filter(publish_at__lte=now).order_by("-publish_at").values("publish_at")[:1],
    )


def _publications(now):
    queries = _publication_queries(now)
    return [query.values_list("publish_at", flat=True).first() for query in queries]


def _version_with_publications(now):
    next_publication, last_publication = _publication_queries(now)
    return ContentVersion.objects.filter(pk=ContentVersion.ROW).annotate(
        next_publication_at=Subquery(next_publication),
        last_publication_at=Subquery(last_publication),
    )


_version_query = PreparedQuery(_version_with_publications)


def public_state(request=None) -> PublicState:
    """What the public sees now: the content version and the next scheduled publication,
    read once per request."""
    state = getattr(request, "_public_state", None)
    if state is not None:
        return state
    now = timezone.now()
    version = _version_query.raw(now=now)
    row = next(iter(version), None)
    if row is None:  # a database emptied by hand: nothing to keep parts under
        row = (None, now, *_publications(now))
    else:
        row = (
            row.number,
            row.changed_at,
            as_datetime(row.next_publication_at),
            as_datetime(row.last_publication_at),
        )
    state = PublicState(*row)
    if request is not None:
        request._public_state = state
    return state


def with_kept_parts(releases, names, state: PublicState | None, *, now=None, language=None):
    """The releases, each with its kept parts in the page's language as `kept_<name>` (None
    where a part must be rendered): the parts come with the list, in the same query.

    Read `public_state` before the releases (as the views do): a part is filed under the
    version read before what it shows. Without a state, under the version the same statement
    reads (`with_public_state`)."""
    from newsroom.models import RenderedPart

    if state is None:
        version = _current_version().values("number")[:1]
    else:
        # No version (a database emptied by hand): no part is fresh.
        version = -1 if state.version is None else state.version
    fresh = RenderedPart.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gt=now or timezone.now()),
        release=OuterRef("pk"),
        build=render_build(),
        content_version=version,
    )
    language = language or get_language()
    return releases.annotate(
        **{
            f"kept_{name}": Subquery(fresh.filter(name=f"{name}:{language}").values("html")[:1])
            for name in names
        }
    )


def _release_page_row(slug, now, language):
    from newsroom.models import PressRelease

    releases = PressRelease.objects.published(now).for_page_frame().filter(slug=slug)
    releases = with_kept_parts(releases, RELEASE_PAGE_PARTS, None, now=now, language=language)
    return with_public_state(releases, now)


RELEASE_PAGE_PARTS = ("meta", "data", "feeds", "article")
_release_page_query = PreparedQuery(_release_page_row)


def release_page_row(request, slug):
    """A public release page's row, with its flags and its kept parts (`kept_<name>`), or
    None: the page's one query, which reads the public state too (kept for the request, and
    newer than any it held: the row's parts are filed under it)."""
    rows = _release_page_query.raw(slug=slug, now=timezone.now(), language=get_language())
    release = next(iter(rows), None)
    if release is not None:
        keep_public_state(request, release)
    return release


def _index(now, language):
    from newsroom.models import PressRelease

    return PressRelease.objects.published(now).one_per_story(language, now)


def _index_rows(now, version, language):
    # What a card shows of the release itself, and nothing more (the body is the largest
    # part of a row); its byline, topics and photo are fetched only when a card is written.
    card_fields = ("byline", "title", "slug", "language", "publish_at", "lead")
    releases = _index(now, language).only(*card_fields)
    state = PublicState(version, now, None, None)
    return with_kept_parts(releases, CARD_PARTS, state, now=now, language=language)


CARD_PARTS = ("card", "card-lazy")  # the first card's photo loads at once, the others lazily
# Under a generic plan, as the feeds' (common.prepared): measured faster so.
_index_query = PreparedQuery(_index_rows, generic_plan=True)
_index_count_query = PreparedQuery(lambda now, language: _index(now, language).only("pk"))


def index_rows(request):
    """The index without filters, newest first, each release with its kept cards: for
    Django's Paginator, which counts them and fetches one page."""
    state = public_state(request)  # first: parts are filed under what was read before
    return IndexRows(
        state,
        now=timezone.now(),
        version=-1 if state.version is None else state.version,
        language=get_language(),
    )


def _index_rows_before(now, version, language, before_at, before_id):
    # Keyset: the rows after a known one in the index's order (newest first).
    return _index_rows(now, version, language).filter(
        Q(publish_at__lt=before_at) | Q(publish_at=before_at, pk__lt=before_id),
        publish_at__lte=before_at,
    )


_index_before_query = PreparedQuery(_index_rows_before, generic_plan=True)
# Every this many rows of the index, the key of the last one is kept (IndexRows.anchors):
# the index's page size (newsroom.views.PAGE_SIZE), so that every page after the first starts
# at a kept key, with no OFFSET (whose skipped rows PostgreSQL still builds, kept parts and
# all: page 10 cost a fifth more than page 1). 10,000 keys for 100,000 releases.
INDEX_ANCHOR_EVERY = 10


def _as_release(row):
    """A plain row of the index's query as the release it is (the fields it has, the rest
    deferred), with its kept parts: what a card needs to be written."""
    from newsroom.models import PressRelease

    columns = {field.column: field.attname for field in PressRelease._meta.concrete_fields}
    values = vars(row)
    fields = [name for name in values if name in columns]
    release = PressRelease.from_db(
        router.db_for_read(PressRelease),
        [columns[name] for name in fields],
        [values[name] for name in fields],
    )
    for name, value in values.items():
        if name not in columns:
            setattr(release, name, value)
    return release


class IndexRows(PreparedList):
    """Page 5,000 of the index costs what page 1 does: a page past the first
    starts from the nearest kept key (keyset) instead of an OFFSET that would build every
    skipped row with its kept parts (270 ms at 100,000 releases)."""

    def __init__(self, state, **values):
        super().__init__(_index_query, **values)
        self.state = state

    def __getitem__(self, rows: slice) -> list:
        start = rows.start or 0
        block = start // INDEX_ANCHOR_EVERY
        if block == 0:
            return self.shown(self.query, limit=rows.stop - start, offset=start)
        anchors = self.anchors()
        if block > len(anchors):
            return []
        before_at, before_id = anchors[block - 1]
        return self.shown(
            _index_before_query,
            limit=rows.stop - start,
            offset=start - block * INDEX_ANCHOR_EVERY,
            before_at=before_at,
            before_id=before_id,
        )

    def shown(self, query, **values) -> list:
        """A page of cards as plain rows while each card it shows is kept (the first card's
        photo loads at once, the others' lazily: CARD_PARTS); as releases, to write a card,
        after a change."""
        rows = query.rows(**values, **self.values)
        names = [f"kept_{CARD_PARTS[0]}"] + [f"kept_{CARD_PARTS[1]}"] * (len(rows) - 1)
        if all(getattr(row, name) is not None for row, name in zip(rows, names, strict=False)):
            return rows
        return [_as_release(row) for row in rows]

    def anchors(self) -> list:
        """The key (publish time, id) of every INDEX_ANCHOR_EVERY-th row, read in one narrow
        pass over the index once per process while what the public sees stays the same."""
        now, language = self.values["now"], self.values["language"]

        def read():
            keys = _index(now, language).values("publish_at", "id")
            sql, params = keys.query.sql_with_params()
            with connections[keys.db].cursor() as cursor:
                cursor.execute(
                    "SELECT publish_at, id FROM (SELECT publish_at, id, row_number() OVER "
                    f"(ORDER BY publish_at DESC, id DESC) AS n FROM ({sql}) keys) numbered "
                    "WHERE n %% %s = 0 ORDER BY n",
                    [*params, INDEX_ANCHOR_EVERY],
                )
                return [(as_datetime(at), pk) for at, pk in cursor.fetchall()]

        return kept_in_process(self.state, ("index-anchors", language), read)

    def count(self) -> int:
        # The number of pages changes only with what the public sees.
        now, language = self.values["now"], self.values["language"]
        count = functools.partial(_index_count_query.count, now=now, language=language)
        return kept_in_process(self.state, ("index", language), count)


def _feed_rows_with_state(now, language, *, part):
    # The public state (as _version_with_publications reads it) on every row, and each kept
    # entry filed under that version: one statement, so one snapshot, for both.
    releases = with_kept_parts(
        _feed_releases(now, language), [part], None, now=now, language=language
    )
    return with_public_state(releases, now)


_feed_with_state_queries = {
    part: PreparedQuery(functools.partial(_feed_rows_with_state, part=part), generic_plan=True)
    for part in ("rss-entry", "atom-entry", "json-entry")
}


def _current_version():
    return ContentVersion.objects.filter(pk=ContentVersion.ROW)


def with_public_state(queryset, now):
    """Each row with the public state as `public_state` reads it (`state_version`,
    `state_changed_at`, `next_publication_at`, `last_publication_at`): a page's own query
    reads it in the same statement, one round trip less (`keep_public_state`)."""
    version = _current_version()
    next_publication, last_publication = _publication_queries(now)
    return queryset.annotate(
        state_version=Subquery(version.values("number")[:1]),
        state_changed_at=Subquery(version.values("changed_at")[:1]),
        next_publication_at=Subquery(next_publication),
        last_publication_at=Subquery(last_publication),
    )


def keep_public_state(request, row) -> None:
    """The public state a row of `with_public_state` carries, kept for the request as
    `public_state` would keep it."""
    request._public_state = PublicState(
        row.state_version,
        as_datetime(row.state_changed_at),
        as_datetime(row.next_publication_at),
        as_datetime(row.last_publication_at),
    )


def read_state_with_feed_rows(request, part: str, limit: int) -> None:
    """For the newsroom's own feeds: the public state and the feed's newest rows with their
    kept entries in one query (a round trip less than `public_state` and `feed_rows`), kept on
    the request for both. Without a row to carry the state, `public_state` reads it alone."""
    if getattr(request, "_public_state", None) is not None:
        return
    rows = _feed_with_state_queries[part].rows(
        limit=limit, now=timezone.now(), language=get_language()
    )
    if rows:
        keep_public_state(request, rows[0])
        request._feed_rows = (part, rows)


def _feed_releases(now, language):
    from newsroom.models import PressRelease

    releases = PressRelease.objects.published(now).one_per_story(language, now)
    # What a feed whose every entry is kept needs of each: its dates (the feed's own date).
    return releases.only("publish_at", "updated_at")


def _feed_rows(now, version, language, *, part):
    state = PublicState(version, now, None, None)
    return with_kept_parts(_feed_releases(now, language), [part], state, now=now, language=language)


# One for each format's entries (its part's name is in the SQL, not among its values).
_feed_queries = {
    part: PreparedQuery(functools.partial(_feed_rows, part=part), generic_plan=True)
    for part in ("rss-entry", "atom-entry", "json-entry")
}


def feed_rows(request, state: PublicState, part: str, limit: int):
    """The newest releases for the newsroom's own feeds, each with its kept entry and its
    dates only, as plain rows (an entry to be written needs the whole release: fetch it
    anew)."""
    read = getattr(request, "_feed_rows", None)
    if read is not None and read[0] == part:
        return read[1]
    return _feed_queries[part].rows(
        limit=limit,
        now=timezone.now(),
        version=-1 if state.version is None else state.version,
        language=get_language(),
    )


# key -> ((content version, next scheduled second), value): a few entries per process, and the
# counts of the lists visited (newsroom.paging), at most this many in all.
_kept_in_process: dict = {}
KEPT_IN_PROCESS_MAX = 20_000


def kept_in_process(state: PublicState, key, compute):
    """A value derived from public content (a rendered part, a count), kept in this process
    while the content version and the next scheduled second stay as `state` read them."""
    if state.version is None:
        return compute()
    stamp = (state.version, state.next_publication_at)
    kept = _kept_in_process.get(key)
    if kept is None or kept[0] != stamp:
        if len(_kept_in_process) >= KEPT_IN_PROCESS_MAX:
            _kept_in_process.clear()  # counts of many lists (each person's): start afresh
        kept = _kept_in_process[key] = (stamp, compute())
    return kept[1]


class KeptParts:
    """The kept parts of the releases on one page (fetched by `with_kept_parts`). A part
    that is missing or out of date is rendered, with the context `load` returns (asked once,
    so what every part shows is fetched together), and kept: all of a page's in one
    statement after the page is rendered (`keep_pending`)."""

    def __init__(self, request, load=None, *, keep_page_parts=False, page_part_key=""):
        self.state = public_state(request)
        self.keep_page_parts = keep_page_parts
        # What the page's own parts depend on besides the language (the filters chosen).
        self.page_part_key = page_part_key
        self.language = get_language()
        self.load = load
        self.loaded = None
        self.pending = {}

    def get_or_render(self, release, name: str, render) -> str:
        html = getattr(release, f"kept_{name}", None)
        if html is None:
            if self.loaded is None:
                self.loaded = self.load() if self.load else {}
            html = str(render(self.loaded))
            setattr(release, f"kept_{name}", html)
            self.pending[(release.pk, f"{name}:{self.language}")] = html
        return mark_safe(html)  # noqa: S308 - our own template's output, escaped when rendered

    def get_or_render_page_part(self, name: str, render) -> str:
        """A part of the page that is about no one release (the index's filters): kept in this
        process under the same version and scheduled second, rendered once per process when
        they move."""
        if not self.keep_page_parts:
            return render({})
        key = ("part", name, self.language, self.page_part_key)
        html = kept_in_process(self.state, key, lambda: render({}))
        return mark_safe(html)  # noqa: S308 - our own template's output, escaped when rendered

    def keep_pending(self, response=None):
        from newsroom.models import RenderedPart

        if not self.pending or self.state.version is None:
            return response
        parts = [
            RenderedPart(
                release_id=release_id,
                name=name,
                html=html,
                content_version=self.state.version,
                valid_until=self.state.next_publication_at,
                build=render_build(),
            )
            for (release_id, name), html in self.pending.items()
        ]
        self.pending = {}
        try:
            # One statement, atomic in itself; a savepoint only inside a transaction, which a
            # failed statement would otherwise leave unusable.
            with transaction.atomic() if connection.in_atomic_block else nullcontext():
                RenderedPart.objects.bulk_create(
                    parts,
                    update_conflicts=True,
                    unique_fields=["release", "name"],
                    update_fields=["html", "content_version", "valid_until", "build"],
                )
        except DatabaseError:
            # A release deleted meanwhile, or SQLite busy: the page is served all the same,
            # and its parts are rendered again next time.
            logger.warning("Rendered parts not kept", exc_info=True)
        return response
