"""Feed formats on top of django.utils.feedgenerator: full content in RSS and Atom, JSON Feed.

The feed's and each item's title and description (the release's lead) are plain text. Only
`content_html` (the sanitised body, rendered by a template) is HTML. Each format says so in
its own way: RSS readers treat <title> and <description> as HTML, so the text is sent
HTML-escaped there; Atom marks the summary `type="text"`; JSON Feed's `title` and `summary`
are plain text by the spec. A lead of "<img src=x onerror=…>" thus reaches a reader as text.
"""

import io
import json
import re

from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed, rfc3339_date
from django.utils.xmlutils import SimplerXMLGenerator

from common.text import without_control_characters

# "&lt;", "&#60;", "&amp;": text that a reader taking the title for HTML would decode.
ENTITY_LIKE = re.compile(r"&(?=#?\w+;)")


def text_as_html(text: str | None) -> str | None:
    """Plain text made safe where a reader takes it for HTML: < and > become entities, so no
    tag can form, and so does an "&" that starts something entity-like ("&lt;" typed as text
    stays "&lt;"). A plain "&" is left to the XML writer alone: escaped twice, readers that take
    the title for text (feedparser among them) showed "Æbleskiver &amp; Øl"."""
    if text is None:
        return None
    return ENTITY_LIKE.sub("&amp;", str(text)).replace("<", "&lt;").replace(">", "&gt;")


def _xml_safe(value):
    if isinstance(value, str):
        return without_control_characters(value)
    if isinstance(value, list | tuple):
        return type(value)(_xml_safe(part) for part in value)
    return value


class XmlSafeText:
    """Every text a feed writes, without the characters XML 1.0 cannot carry: text stored before
    they were refused on save (or written past the models) never breaks a feed for everyone."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.feed = {name: _xml_safe(value) for name, value in self.feed.items()}

    def add_item(self, *args, **kwargs):
        super().add_item(*args, **kwargs)
        self.items[-1] = {name: _xml_safe(value) for name, value in self.items[-1].items()}


class KeptEntries:
    """Each entry is written from its kept rendering (newsroom.parts) where the feed has one:
    an entry changes only when what it shows changes. The feed passes its KeptParts as
    `kept_parts` and each entry's release as `release`."""

    part_name = None  # the kept part: "rss-entry", ...

    @classmethod
    def is_kept(cls, release) -> bool:
        return getattr(release, f"kept_{cls.part_name}", None) is not None

    def kept_entries(self) -> list[str]:
        """The entries of a feed whose every entry is kept (the feed's `kept_releases`)."""
        return [getattr(release, f"kept_{self.part_name}") for release in self.kept_releases()]

    def kept_releases(self) -> list:
        return self.feed.get("kept_releases") or []

    def latest_post_date(self):
        return self.feed.get("kept_latest") or super().latest_post_date()


class WebSubHub:
    """The feed names its WebSub hub (the feed's `hub_url`) beside itself (`feed_url`), so
    readers that speak WebSub subscribe instead of polling. Written per request: the kept parts
    are the entries only."""

    def hub_url(self) -> str | None:
        return self.feed.get("hub_url")


# Where a feed's frame (newsroom.feeds) takes its entries; text in a feed is escaped, so no
# title or name can hold it.
ENTRIES_MARKER = "<!--newsroom:entries-->"


class FramedFeed:
    """A feed written as its generator writes it, from its kept frame (the XML before and
    after its entries, written by the generator with ENTRIES_MARKER as its only entry) and its
    kept entries: the same bytes without building the generator for every request."""

    def __init__(self, content_type: str, latest, frame: tuple[str, str], entries: list[str]):
        self.content_type, self.latest, self.frame, self.entries = (
            content_type,
            latest,
            frame,
            entries,
        )

    def latest_post_date(self):
        return self.latest

    def write(self, outfile, encoding):
        head, tail = self.frame
        outfile.write("".join([head, *self.entries, tail]).encode(encoding))

    @staticmethod
    def frame_of(generator) -> tuple[str, str]:
        written = io.BytesIO()
        generator.write(written, "utf-8")
        head, tail = written.getvalue().decode("utf-8").split(ENTRIES_MARKER)
        return head, tail


class KeptXmlEntriesMixin(WebSubHub, XmlSafeText, KeptEntries):
    entry_element = None  # "item" in RSS, "entry" in Atom

    def write(self, outfile, encoding):
        # Written as one text and handed to the response at once: the XML writer's sixty-odd
        # small writes each went through the response's own write, and gunicorn would send a
        # response in pieces with a system call each (cached RSS: 446 req/s in pieces, 1,600
        # in one).
        buffer = io.StringIO()
        super().write(buffer, encoding)
        outfile.write(buffer.getvalue().encode(encoding))

    def write_items(self, handler):
        kept_parts = self.feed.get("kept_parts")
        for item in self.items:
            if kept_parts is None or item.get("release") is None:
                handler.ignorableWhitespace(self.entry_xml(item))
            else:
                xml = kept_parts.get_or_render(
                    item["release"], self.part_name, lambda extra, item=item: self.entry_xml(item)
                )
                handler.ignorableWhitespace(xml)  # written as it is: already XML
        for xml in self.kept_entries():
            handler.ignorableWhitespace(xml)
        if self.feed.get("entries_marker"):
            handler.ignorableWhitespace(ENTRIES_MARKER)

    def entry_xml(self, item) -> str:
        buffer = io.StringIO()
        handler = SimplerXMLGenerator(buffer, "utf-8", short_empty_elements=True)
        handler.startElement(self.entry_element, self.item_attributes(item))
        self.add_item_elements(handler, item)
        handler.endElement(self.entry_element)
        return buffer.getvalue()


class RssWithContent(KeptXmlEntriesMixin, Rss201rev2Feed):
    """RSS 2.0 with the lead as description and the full text as content:encoded."""

    part_name = "rss-entry"
    entry_element = "item"

    def rss_attributes(self):
        attributes = super().rss_attributes()
        attributes["xmlns:content"] = "http://purl.org/rss/1.0/modules/content/"
        return attributes

    def add_root_elements(self, handler):
        plain = self.feed
        self.feed = {
            **plain,
            "title": text_as_html(plain["title"]),
            "description": text_as_html(plain["description"]),
            "author_name": text_as_html(plain.get("author_name")),
            "categories": [text_as_html(name) for name in plain.get("categories") or ()],
        }
        try:
            super().add_root_elements(handler)
        finally:
            self.feed = plain
        # <atom:link rel="self"> is Django's (the feed_url); the hub beside it.
        if self.hub_url():
            handler.addQuickElement("atom:link", None, {"rel": "hub", "href": self.hub_url()})

    def add_item_elements(self, handler, item):
        # A topic or an author is text like a title: a topic named "<svg onload=…>" must not
        # read as a tag in readers that take RSS text for HTML.
        escaped = {
            **item,
            "title": text_as_html(item["title"]),
            "description": text_as_html(item["description"]),
            "author_name": text_as_html(item.get("author_name")),
            "categories": [text_as_html(name) for name in item.get("categories") or ()],
        }
        super().add_item_elements(handler, escaped)
        if item.get("content_html"):
            handler.addQuickElement("content:encoded", item["content_html"])


class AtomWithContent(KeptXmlEntriesMixin, Atom1Feed):
    """Atom 1.0 (RFC 4287) with the lead as a text summary and the full text as HTML content.

    Titles carry no type attribute, which in Atom means text.
    """

    part_name = "atom-entry"
    entry_element = "entry"

    def item_attributes(self, item):
        # An entry in another language than its feed (a Danish-only release in the English
        # feed) says which (RFC 4287 section 2: xml:lang on any element).
        attributes = super().item_attributes(item)
        language = item.get("language")
        if language and language != self.feed.get("language"):
            attributes["xml:lang"] = language
        return attributes

    def add_root_elements(self, handler):
        super().add_root_elements(handler)  # <link rel="self"> among them
        if self.hub_url():
            handler.addQuickElement("link", "", {"rel": "hub", "href": self.hub_url()})

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"] is not None:
            handler.addQuickElement("summary", item["description"], {"type": "text"})
        if item.get("content_html"):
            handler.addQuickElement("content", item["content_html"], {"type": "html"})


class JsonFeed(WebSubHub, KeptEntries, SyndicationFeed):
    """JSON Feed 1.1 (https://jsonfeed.org/version/1.1)."""

    part_name = "json-entry"  # kept as the entry's JSON text

    content_type = "application/feed+json; charset=utf-8"

    def write(self, outfile, encoding):
        feed = self.feed
        document = {
            "version": "https://jsonfeed.org/version/1.1",
            "title": feed["title"],
            "home_page_url": feed["link"],
            "feed_url": feed["feed_url"],
            "description": feed["description"],
            "language": feed["language"],
            "items": [self._kept_item(item) for item in self.items]
            + [json.loads(text) for text in self.kept_entries()],
        }
        if self.hub_url():
            document["hubs"] = [{"type": "WebSub", "url": self.hub_url()}]
        if feed.get("author_name"):
            document["authors"] = [{"name": feed["author_name"]}]
        outfile.write(json.dumps(document, ensure_ascii=False, indent=1).encode(encoding))

    def _kept_item(self, item):
        kept_parts = self.feed.get("kept_parts")
        if kept_parts is None or item.get("release") is None:
            return self._item(item)
        text = kept_parts.get_or_render(
            item["release"], self.part_name, lambda extra: json.dumps(self._item(item))
        )
        return json.loads(text)

    @staticmethod
    def _item(item):
        entry = {
            "id": item["unique_id"],
            "url": item["link"],
            "title": item["title"],
            # content_html is the sanitised body; summary and title are plain text by the spec.
            "content_html": item.get("content_html") or text_as_html(item["description"]),
            "summary": item["description"],
            "date_published": rfc3339_date(item["pubdate"]),
            "date_modified": rfc3339_date(item["updateddate"] or item["pubdate"]),
            "tags": list(item["categories"] or []),
            "language": item.get("language") or "da",
        }
        if item.get("author_name"):
            entry["authors"] = [{"name": item["author_name"]}]
        if item.get("image_url"):
            entry["image"] = item["image_url"]
        if item["enclosures"]:
            entry["attachments"] = [
                {"url": e.url, "mime_type": e.mime_type, "size_in_bytes": int(e.length)}
                for e in item["enclosures"]
            ]
        return entry
