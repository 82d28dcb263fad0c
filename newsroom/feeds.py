"""Feeds of published releases: RSS 2.0, Atom 1.0 and JSON Feed 1.1, for all releases or
one topic, organisation or person. Built on django.contrib.syndication."""

import datetime
import hashlib

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Enclosure
from django.utils.http import http_date
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import condition

from common.urls import absolute_url, reverse_kept
from newsroom.feedformats import AtomWithContent, FramedFeed, JsonFeed, RssWithContent
from newsroom.managers import (
    prefetch_corrections,
    prefetch_feed_parts,
    prefetch_live_parts,
    public_organisations,
    public_people,
    public_topics,
)
from newsroom.middleware import (
    last_modified,
    mark_public_or_private,
    seconds_until_next_publication,
)
from newsroom.models import PressRelease, Topic
from newsroom.parts import (
    KeptParts,
    feed_rows,
    kept_in_process,
    public_state,
    read_state_with_feed_rows,
    render_build,
    with_kept_parts,
)
from organisations.models import Organisation
from people.models import Person

FEED_LENGTH = 20
POLL_SECONDS = 300

FORMATS = {"rss": RssWithContent, "atom": AtomWithContent, "json": JsonFeed}
# URL word for each scope and the model behind it.
SCOPES = {"emner": Topic, "organisationer": Organisation, "personer": Person}


def feed_url(format_name: str, obj=None) -> str:
    if obj is None:
        return reverse_kept("newsroom:feed", format_name=format_name)
    scope = next(name for name, model in SCOPES.items() if isinstance(obj, model))
    return reverse(
        "newsroom:scoped-feed",
        kwargs={"scope": scope, "slug": obj.slug, "format_name": format_name},
    )


def hub_url() -> str:
    """The WebSub hub every feed names: WEBSUB_HUB_URL, else the newsroom's own at /websub/
    (outreach's hub, included in the project's URLs by name)."""
    return settings.WEBSUB_HUB_URL or absolute_url(reverse_kept("websub:hub"))


def feed_links(obj=None) -> list[dict]:
    """The feeds that match a page, for <link rel="alternate"> and the feeds page."""
    if obj is not None and not isinstance(obj, tuple(SCOPES.values())):
        return []
    types = {
        "rss": "application/rss+xml",
        "atom": "application/atom+xml",
        "json": "application/feed+json",
    }
    labels = {"rss": "RSS", "atom": "Atom", "json": "JSON Feed"}
    return [
        {"url": feed_url(name, obj), "type": types[name], "label": labels[name], "format": name}
        for name in FORMATS
    ]


def scope_object(scope=None, slug=None):
    if scope is None:
        return None
    public = {
        "emner": public_topics,
        "organisationer": public_organisations,
        "personer": public_people,
    }[scope]
    return get_object_or_404(public(), slug=slug)


def releases_in_scope(obj):
    # Each story once, in the feed's language (the URL's: /en/feeds/... is English) where it
    # has a version in it.
    return PressRelease.objects.published().about(obj).one_per_story(get_language())


class ReleaseFeed(Feed):
    """The newest published releases in full, with the lead photo as enclosure."""

    language = None  # the URL's: Danish feeds at /feeds/..., English ones at /en/feeds/...
    item_guid_is_permalink = False

    def __init__(self, format_name: str):
        self.format_name = format_name
        self.feed_type = FORMATS[format_name]

    def get_object(self, request, scope=None, slug=None, **kwargs):
        # First: kept entries are filed under what was read before them (newsroom.parts).
        self.request = request
        self.kept_parts = KeptParts(request)
        self.obj = scope_object(scope, slug)
        return self.obj

    def title(self, obj):
        if obj is None:
            return f"{settings.SITE_NAME}: {_('press releases')}"
        return f"{settings.SITE_NAME}: {getattr(obj, 'shown_name', obj)}"

    def description(self, obj):
        if obj is None:
            return _("The newest press releases, full text.")
        return _("The newest press releases about %(name)s, full text.") % {
            "name": getattr(obj, "shown_name", obj)
        }

    def link(self, obj):
        path = obj.get_absolute_url() if obj else reverse_kept("newsroom:release-list")
        return absolute_url(path)

    def feed_url(self, obj):
        return absolute_url(feed_url(self.format_name, obj))

    writing_frame = False

    def get_feed(self, obj, request):
        self.entries = self.fetch_entries(obj)
        # Every entry kept (the usual case): written straight from the kept parts, without
        # Django's per-entry work on values that only a written entry would need.
        self.all_kept = all(self.feed_type.is_kept(release) for release in self.entries)
        if obj is None and self.all_kept and self.entries and self.feed_type is not JsonFeed:
            return self.framed_feed(obj, request)
        return super().get_feed(obj, request)

    def framed_feed(self, obj, request):
        """The newsroom's own RSS and Atom feeds with every entry kept: the entries joined
        into the feed's frame, kept in this process while the public state, the feed's date
        and what the frame prints stay the same (a third of the feed's time was Django's
        generator writing the same frame again)."""
        latest = self.kept_latest()

        def write_frame():
            self.writing_frame = True
            try:
                return FramedFeed.frame_of(super(ReleaseFeed, self).get_feed(obj, request))
            finally:
                self.writing_frame = False

        key = ("feed-frame", self.format_name, get_language(), render_build(), hub_url(), latest)
        frame = kept_in_process(self.kept_parts.state, key, write_frame)
        entries = [getattr(release, f"kept_{self.feed_type.part_name}") for release in self.entries]
        return FramedFeed(self.feed_type.content_type, latest, frame, entries)

    def kept_latest(self):
        # As Django dates a feed: its newest entry's date (item_updateddate), put in local time
        # once rather than for each entry.
        newest = max(max(item.publish_at, item.updated_at) for item in self.entries)
        return timezone.localtime(newest)

    def items(self, obj):
        return [] if self.all_kept else self.entries

    def fetch_entries(self, obj):
        state = self.kept_parts.state
        part = [self.feed_type.part_name]
        if obj is None:
            # The newsroom's own feeds, the most read: one prepared query for the entries as
            # kept, with only the dates the feed itself needs besides.
            kept = list(feed_rows(self.request, state, self.feed_type.part_name, FEED_LENGTH))
            if all(self.feed_type.is_kept(release) for release in kept):
                return kept
        releases = releases_in_scope(obj).for_feed_entries()
        releases = list(with_kept_parts(releases, part, state)[:FEED_LENGTH])
        if all(self.feed_type.is_kept(release) for release in releases):
            return releases  # every entry is written as kept: nothing more to fetch
        # Some entry must be written: fetch what entries show.
        prefetch_feed_parts(releases)
        return prefetch_corrections(prefetch_live_parts(releases))

    def feed_extra_kwargs(self, obj):
        kwargs = {"kept_parts": self.kept_parts, "hub_url": hub_url()}
        if self.writing_frame:  # the entries' place marked, for FramedFeed
            kwargs.update(entries_marker=True, kept_latest=self.kept_latest())
        elif self.all_kept and self.entries:
            kwargs.update(kept_releases=self.entries, kept_latest=self.kept_latest())
        return kwargs

    def item_title(self, item):
        return item.title

    def item_link(self, item):
        if self.feed_type.is_kept(item):
            return ""  # written in the kept entry
        return absolute_url(item.get_absolute_url())

    def item_description(self, item):
        return item.lead

    def item_guid(self, item):
        if self.feed_type.is_kept(item):
            return None  # written in the kept entry
        # Never the URL: a changed title or slug must not look like a new release. An imported
        # release keeps its old feed's id, so readers of that feed see no entry twice.
        source = getattr(item, "source", None)
        return source.guid if source else f"urn:uuid:{item.guid}"

    def item_author_name(self, item):
        if self.feed_type.is_kept(item):
            return None  # written in the kept entry
        return item.byline.display_name if item.byline else settings.SITE_NAME

    # Dates carry the Europe/Copenhagen offset, as the newsroom shows them.
    def item_pubdate(self, item):
        return timezone.localtime(item.publish_at)

    def item_updateddate(self, item):
        return timezone.localtime(max(item.publish_at, item.updated_at))

    # An entry written as kept needs none of its categories, enclosure or content.
    def item_categories(self, item):
        if self.feed_type.is_kept(item):
            return []
        return [topic.name_in(item.language)[0] for topic in item.topics.all()]

    def item_enclosures(self, item):
        if self.feed_type.is_kept(item):
            return []
        image = item.lead_image
        if not image or not image.master:
            return []
        return [Enclosure(absolute_url(image.public_url), str(image.file_size), image.mime_type)]

    def item_extra_kwargs(self, item):
        if self.feed_type.is_kept(item):
            return {"release": item}
        image = item.lead_image
        return {
            "release": item,
            "content_html": render_to_string(
                "feeds/release_content.html", {"release": item, "SITE_URL": settings.SITE_URL}
            ),
            "image_url": absolute_url(image.public_url) if image else "",
            "language": item.language,
        }


def _state(request, format_name, scope):
    if scope is None:
        # The newsroom's own feeds, the most read: the state and the entries in one query.
        read_state_with_feed_rows(request, FORMATS[format_name].part_name, FEED_LENGTH)
    return public_state(request)


def _etag(request, format_name, scope=None, slug=None):
    # Any change to public content, or a release going public, makes a new one: a reader
    # that asks with the old one gets the new feed, and otherwise 304 without a query more.
    state = _state(request, format_name, scope)
    fingerprint = (format_name, get_language(), scope, slug, settings.SITE_URL)
    fingerprint += (settings.WEBSUB_HUB_URL,)
    fingerprint += (state.version, state.last_publication_at)
    return hashlib.sha256(repr(fingerprint).encode()).hexdigest()[:32]


def _last_modified(request, format_name, scope=None, slug=None):
    _state(request, format_name, scope)  # asked first (django.views.decorators.http)
    changed = last_modified(request)  # None within the second of a change: ETag alone then
    return datetime.datetime.fromtimestamp(changed, datetime.UTC) if changed else None


@condition(etag_func=_etag, last_modified_func=_last_modified)
def feed_view(request, format_name, scope=None, slug=None):
    feed = ReleaseFeed(format_name)
    response = feed(request, scope=scope, slug=slug)
    if hasattr(feed, "kept_parts"):
        feed.kept_parts.keep_pending()
    # One piece, not the response's empty start and the feed (newsroom.feedformats: a WSGI
    # server sends each piece with a system call of its own).
    response.content = response.content
    # WebSub's discovery (as the feed itself says it): where to subscribe, and the topic URL.
    # The same for every reader of this address, so the page cache may keep it with the feed.
    response["Link"] = f'<{hub_url()}>; rel="hub", <{feed.feed_url(feed.obj)}>; rel="self"'
    # The feed's date is that of its last change as the conditional GET checks it (Django's
    # own would be its newest entry's), and none within the second of a change.
    changed = _last_modified(request, format_name, scope, slug)
    if changed is None:
        del response["Last-Modified"]
    else:
        response["Last-Modified"] = http_date(changed.timestamp())
    # Readers may poll every few minutes, but never past the next scheduled publication.
    max_age = min(POLL_SECONDS, seconds_until_next_publication(request))
    mark_public_or_private(request, response, max_age)  # private for staff, as pages are
    return response
