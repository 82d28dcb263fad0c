"""Archive import: a newsroom's releases from its RSS 2.0, Atom 1.0 or JSON Feed 1.1 feed, the
way out that hosted newsrooms (Mynewsdesk, Prezly, a WordPress site) offer.
`manage.py import_feed` is the command; this module does the work.

`read_feed` turns any of the three formats into `FeedEntry` objects (RSS and Atom through
feedparser, JSON Feed with the json module, which feedparser does not read), and
`FeedImporter` makes each entry a release, each in its own transaction.

A release is found again by its entry's id (the RSS guid, Atom id, JSON Feed id), kept in
`ReleaseSource` and re-emitted by our own feeds: importing the same feed again changes nothing,
and a changed entry updates its release.

What a newsroom's feed adds around the release's own text is recognised and not kept twice
(`split_content`; our own feeds write exactly these, templates/feeds/release_content.html):

- a leading <figure> with an <img>, when the entry carries an image (enclosure, media:content,
  JSON Feed `image`): the lead photo shown above the text. Its alt text, caption and a closing
  "Foto: NAME"/"Photo: NAME" credit go to the imported photo;
- a first paragraph that says the summary again (ours: <p><strong>…</strong></p>): the lead;
- a closing contact block ("For yderligere oplysninger", "Kontakt:", "Pressekontakt", "For
  further information", "Media contact", … then only lines of name, title, phone and e-mail):
  the release's media contacts (`_without_contact_block`);
- the photo credits our pages write after body images (<span class="credit">).

A WordPress post's leading figure (class "wp-block-image") is read like a bare one, and is the
entry's photo when it has no enclosure. Figures with photos from other sites go with their
captions; they, embeds and further photos are named in the report.

Everything fetched over the network comes from public addresses only (`fetch_url`): each name
resolved once, checked (`address_refusal`) and connected to as checked, each redirect too.

A summary that is the start of the text's first paragraph (an excerpt, as WordPress makes
them) gives way to that whole paragraph as the lead; without any summary the first paragraph
is the lead.
"""

import codecs
import contextlib
import datetime
import functools
import hashlib
import html
import http.client
import io
import ipaddress
import json
import re
import socket
import ssl
import urllib.parse
import urllib.request
import uuid
import xml.etree.ElementTree as ET
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import feedparser
import nh3
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from PIL import Image as PillowImage

from common.images import EXIF_ARTIST, EXTENSIONS
from common.richtext import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_TAGS,
    ALLOWED_URL_SCHEMES,
    DECORATIVE_ALT,
    sanitize_html,
)
from common.uploads import IMAGE_EXTENSIONS, pillow_guard, validate_image_file
from media.models import Image, MediaContact
from media.services import delete_image_files, image_create
from newsroom.models import (
    PressRelease,
    ReleaseContact,
    ReleaseImage,
    ReleaseSource,
    Topic,
)

MRSS = "{http://search.yahoo.com/mrss/}"
FEED_MAX_BYTES = 200 * 1024 * 1024
FETCH_TIMEOUT_SECONDS = 30
IMAGE_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}
TITLE_LENGTH = PressRelease._meta.get_field("title").max_length
TOPIC_LENGTH = Topic._meta.get_field("name").max_length


class FeedError(Exception):
    """The feed cannot be read at all; nothing was imported."""


class Skip(Exception):
    """This entry is not imported; the message says why."""


# Reading -------------------------------------------------------------------------------------


@dataclass
class FeedEntry:
    """One entry, the same whatever the format. Text fields are plain text; `content_html` and
    `summary_html` are HTML as the feed gives it, its relative links relative to `base_url`."""

    guid: str
    title: str
    link: str = ""
    published: datetime.datetime | None = None
    updated: datetime.datetime | None = None
    summary: str = ""
    summary_html: str = ""
    content_html: str = ""
    categories: list[str] = field(default_factory=list)
    image_url: str = ""
    image_type: str = ""
    image_credit: str = ""
    # Photos beyond the first (further enclosures or media:content): named in the report.
    other_images: list[str] = field(default_factory=list)
    author: str = ""
    language: str = ""
    base_url: str = ""


def load_feed(source: str, *, allow_private: bool = False) -> tuple[bytes, str, bool]:
    """The feed's bytes, its address (for relative links) and whether it is a file here (only
    then may its images be files too)."""
    if source.startswith(("http://", "https://")):
        try:
            data = fetch_url(source, limit=FEED_MAX_BYTES, allow_private=allow_private)
        except (OSError, ValueError, http.client.HTTPException) as error:
            raise FeedError(
                _("The feed could not be fetched from %(url)s: %(error)s")
                % {"url": source, "error": error}
            ) from None
        return data, source, False
    # A file's relative links stay relative: there is no site to resolve them against.
    path = Path(urllib.parse.unquote(source.removeprefix("file://")))
    try:
        with path.open("rb") as file:
            data = file.read(FEED_MAX_BYTES + 1)
    except OSError as error:
        raise FeedError(
            _("The feed file %(path)s cannot be read: %(error)s")
            % {"path": path, "error": error.strerror or error}
        ) from None
    if len(data) > FEED_MAX_BYTES:
        raise FeedError(
            _("The feed file is larger than %(limit)s MB.")
            % {"limit": FEED_MAX_BYTES // (1024 * 1024)}
        )
    return data, "", True


BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
XML_DECLARATION = re.compile(r"^<\?xml[^>]*\?>")


def _by_byte_order_mark(data: bytes) -> bytes:
    """UTF-8 without a byte order mark. A byte order mark names the encoding whatever the XML
    declaration says (XML 1.0, appendix F), and the parsers must not read another one there."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as error:
                raise FeedError(
                    _("The file starts as %(encoding)s but is not: %(error)s")
                    % {"encoding": encoding.upper(), "error": error}
                ) from None
            text = XML_DECLARATION.sub('<?xml version="1.0" encoding="utf-8"?>', text, count=1)
            return text.encode("utf-8")
    return data


def read_feed(data: bytes, *, url: str = "") -> list[FeedEntry]:
    """The entries of an RSS, Atom or JSON feed; FeedError if it is none of them."""
    data = _by_byte_order_mark(data)
    start = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if start in (b"{", b"["):
        return _read_json_feed(data, url)
    if start == b"<":
        return _read_xml_feed(data, url)
    raise FeedError(
        _(
            "The file is neither XML nor JSON, so it is not an RSS, Atom or JSON feed. "
            "Nothing was imported."
        )
    )


def _read_xml_feed(data: bytes, url: str) -> list[FeedEntry]:
    # Parsed strictly first: a truncated download must be refused, not imported in part
    # (feedparser would read what it can).
    try:
        root = ET.fromstring(data)
    except ET.ParseError as error:
        line, column = error.position
        raise FeedError(
            _(
                "The file is not well-formed XML (line %(line)s, column %(column)s), so it is "
                "not a feed we can read. Nothing was imported."
            )
            % {"line": line, "column": column}
        ) from None
    data = _without_media_texts(root) or data
    parsed = feedparser.parse(
        data,
        # Our own allow-list (common.richtext) cleans the HTML, and relative links are made
        # absolute with it (_normalised): feedparser's passes would empty tel: links and
        # rewrite the markup.
        sanitize_html=False,
        resolve_relative_uris=False,
        response_headers={"content-location": url} if url.startswith("http") else None,
    )
    if not parsed.version:
        raise FeedError(_("The file is XML but not an RSS or Atom feed. Nothing was imported."))
    home = parsed.feed.get("link") or url
    language = parsed.feed.get("language") or ""
    return [_entry_from_feedparser(entry, home, language) for entry in parsed.entries]


def _without_media_texts(root) -> bytes | None:
    """The feed without Media RSS titles and descriptions, or None if it has none.

    feedparser files a media:description as the entry's summary (and the real summary as its
    content), and a media:title can become the entry's title.
    """
    removed = False
    for parent in root.iter():
        for child in list(parent):
            if child.tag in (f"{MRSS}description", f"{MRSS}title", f"{MRSS}text"):
                parent.remove(child)
                removed = True
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) if removed else None


def _plain(detail) -> str:
    """Text of a feedparser text construct, which is plain text or HTML."""
    if not detail:
        return ""
    value = detail.get("value") or ""
    if "html" in (detail.get("type") or ""):
        return html_to_text(value)
    return " ".join(value.split())


def _entry_from_feedparser(entry, home: str, language: str) -> FeedEntry:
    link = urllib.parse.urljoin(home, entry.get("link") or "")
    base = link or home
    contents = entry.get("content") or []
    content = next((c for c in contents if "html" in (c.get("type") or "")), None)
    if content is not None:
        content_html = content.get("value") or ""
    elif contents:
        content_html = text_to_html(contents[0].get("value") or "")
    else:
        content_html = ""
    summary_detail = entry.get("summary_detail")
    summary_html = ""
    if summary_detail:
        value = summary_detail.get("value") or ""
        summary_html = value if "html" in (summary_detail.get("type") or "") else ""
    published = _feedparser_date(entry, "published") or _feedparser_date(entry, "updated")
    updated = _feedparser_date(entry, "updated")
    images = _feedparser_images(entry)
    image_url, image_type = images[0] if images else ("", "")
    credit = next(
        (c["content"].strip() for c in entry.get("media_credit") or [] if c.get("content")), ""
    )
    author = (entry.get("author_detail") or {}).get("name") or entry.get("author") or ""
    return FeedEntry(
        guid=(entry.get("id") or "").strip() or link,
        title=_plain(entry.get("title_detail")),
        link=link,
        published=published,
        updated=updated,
        summary=_plain(summary_detail),
        summary_html=summary_html,
        content_html=content_html,
        categories=[t.get("label") or t.get("term") or "" for t in entry.get("tags") or []],
        image_url=urllib.parse.urljoin(base, image_url) if image_url else "",
        image_type=image_type,
        image_credit=credit,
        other_images=[urllib.parse.urljoin(base, url) for url, _type in images[1:]],
        author=author.strip(),
        language=(entry.get("title_detail") or {}).get("language") or language,
        base_url=base,
    )


def _is_image(url: str, mime_type: str, medium: str = "") -> bool:
    if mime_type:
        return mime_type.lower().startswith("image/")
    if medium:
        return medium == "image"
    return PurePosixPath(urllib.parse.urlsplit(url).path).suffix.lower() in IMAGE_EXTENSIONS


def _feedparser_date(entry, name: str) -> datetime.datetime | None:
    """A date of the entry; one without a time of day (dc:date 2005-07-04) is that day's
    midnight in the newsroom's time zone, not UTC's."""
    # dict.get: feedparser's own get gives the published date for a missing updated one
    moment = dict.get(entry, f"{name}_parsed")
    if not moment:
        return None
    if ":" not in (dict.get(entry, name) or ":"):
        zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        return datetime.datetime(*moment[:3], tzinfo=zone)
    return datetime.datetime(*moment[:6], tzinfo=datetime.UTC)


def _file_url(url: str) -> str:
    """feedparser writes an Atom link's file:///path as file://path: the path again."""
    if url.startswith("file://") and not url.startswith("file:///"):
        return f"file:///{url[len('file://') :]}"
    return url


def _feedparser_images(entry) -> list[tuple[str, str]]:
    """The enclosures that are images, then the Media RSS contents that are: (url, type)."""
    images, seen = [], set()
    candidates = [
        (_file_url(e.get("href") or ""), e.get("type") or "", "")
        for e in entry.get("enclosures") or []
    ] + [
        (m.get("url") or "", m.get("type") or "", m.get("medium") or "")
        for m in entry.get("media_content") or []
    ]
    for url, mime_type, medium in candidates:
        if url and url not in seen and _is_image(url, mime_type, medium):
            seen.add(url)
            images.append((url, mime_type))
    return images


def _read_json_feed(data: bytes, url: str) -> list[FeedEntry]:
    try:
        document = json.loads(data)
    except ValueError as error:
        raise FeedError(
            _("The file is not valid JSON (%(error)s). Nothing was imported.") % {"error": error}
        ) from None
    items = document.get("items") if isinstance(document, dict) else None
    version = str(document.get("version", "")) if isinstance(document, dict) else ""
    if "jsonfeed.org/version/1" not in version or not isinstance(items, list):
        raise FeedError(_("The file is JSON but not a JSON Feed. Nothing was imported."))
    home = document.get("home_page_url") or url
    language = document.get("language") or ""
    return [_entry_from_json(item, home, language) for item in items if isinstance(item, dict)]


def _json_date(value) -> datetime.datetime | None:
    try:
        moment = datetime.datetime.fromisoformat(str(value))
    except ValueError:
        return None
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(value).strip()):
        return moment.replace(tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))  # a day: its start
    return moment if moment.tzinfo else moment.replace(tzinfo=datetime.UTC)


def _entry_from_json(item: dict, home: str, language: str) -> FeedEntry:
    link = urllib.parse.urljoin(home, item.get("url") or item.get("external_url") or "")
    base = link or home
    image_url, image_type = str(item.get("image") or ""), ""
    if not image_url:
        attachment = next(
            (
                a
                for a in item.get("attachments") or []
                if isinstance(a, dict)
                and _is_image(str(a.get("url") or ""), str(a.get("mime_type") or ""))
            ),
            None,
        )
        if attachment:
            image_url = str(attachment.get("url") or "")
            image_type = str(attachment.get("mime_type") or "")
    authors = item.get("authors") or [item.get("author")]
    author = authors[0] if isinstance(authors[0], dict) else {}
    moment = item.get("date_published") or item.get("date_modified")
    modified = item.get("date_modified")
    tags = item.get("tags")
    return FeedEntry(
        guid=str(item.get("id") or "").strip() or link,
        title=" ".join(str(item.get("title") or "").split()),
        link=link,
        published=_json_date(moment) if moment else None,
        updated=_json_date(modified) if modified else None,
        summary=" ".join(str(item.get("summary") or "").split()),
        content_html=str(item.get("content_html") or "")
        or text_to_html(str(item.get("content_text") or "")),
        categories=[str(tag) for tag in tags] if isinstance(tags, list) else [],
        image_url=urllib.parse.urljoin(base, image_url) if image_url else "",
        image_type=image_type,
        author=str(author.get("name") or "").strip(),
        language=item.get("language") or language,
        base_url=base,
    )


def html_to_text(value: str) -> str:
    return " ".join(html.unescape(strip_tags(value)).split())


def text_to_html(text: str) -> str:
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs)


# What the feed adds to the text --------------------------------------------------------------


@dataclass
class LeadFigure:
    alt_text: str = ""
    caption: str = ""
    credit: str = ""


@dataclass
class FoundContact:
    """A person in the text's closing contact block."""

    name: str
    title: str = ""
    phone: str = ""
    email: str = ""


@dataclass
class Content:
    lead: str
    body: str
    figure: LeadFigure | None = None
    # The leading figure's photo, for an entry without an image of its own (WordPress).
    image_url: str = ""
    contacts: list[FoundContact] = field(default_factory=list)
    # What was in the text and is not kept, for the report.
    left_out: list[str] = field(default_factory=list)


FIGURE = r"<figure(?:\s[^>]*)?>(?P<inner>(?:(?!</?figure\b).)*)</figure>"
LEADING_FIGURE = re.compile(rf"\s*{FIGURE}", re.S)
ANY_FIGURE = re.compile(FIGURE, re.S)
PARAGRAPH = re.compile(r"\s*<p>(?P<inner>(?:(?!</?p\b).)*)</p>", re.S)
FIGCAPTION = re.compile(r"<figcaption>(?P<inner>.*?)</figcaption>", re.S)
IMG_TAG = re.compile(r"<img\b[^>]*>")
ALT = re.compile(r'\salt="([^"]*)"')
SRC = re.compile(r'\ssrc="([^"]*)"')
CREDIT_SPAN = re.compile(r'\s*<span class="credit">(?:(?!</span>).)*</span>', re.S)
EXCERPT_END = " .…[]"
# What a feed embeds that no body here shows (read before cleaning, which drops it).
EMBED = re.compile(
    r"<(?P<kind>iframe|video|audio|embed|object|source|script)\b[^>]*?\s(?:src|data)\s*=\s*"
    r"[\"'](?P<url>[^\"']+)",
    re.I,
)
BLOCK_ELEMENTS = re.compile(r"<(?:p|h[1-6]|ul|ol|li|figure|table|blockquote)\b")


@functools.cache
def _in_every_language(msgid: str) -> frozenset[str]:
    """The message in English and in each of the site's languages."""
    texts = {msgid}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            texts.add(_(msgid))
    return frozenset(texts)


def _own_url(value: str) -> str:
    """A link into this site made relative again, as the editor stores it."""
    if value.startswith(f"{settings.SITE_URL}/"):
        return value[len(settings.SITE_URL) :]
    return value


def _is_own_media(url: str) -> bool:
    return url.startswith(settings.MEDIA_URL) and "//" not in url[len(settings.MEDIA_URL) :]


def _normalised(content_html: str, base_url: str) -> str:
    """The HTML as nh3 writes it (so the patterns below can be plain), with links absolute
    against the entry, ours relative, and an empty alt (decoration) as the editor marks it."""

    def attribute(tag, name, value):
        if name in ("href", "src"):
            return _own_url(urllib.parse.urljoin(base_url, value) if base_url else value)
        if tag == "img" and name == "alt" and not value.strip():
            return DECORATIVE_ALT
        return value

    return nh3.clean(
        content_html,
        tags=ALLOWED_TAGS | {"span"},
        attributes={**ALLOWED_ATTRIBUTES, "span": {"class"}},
        url_schemes=ALLOWED_URL_SCHEMES,
        attribute_filter=attribute,
        link_rel=None,
        strip_comments=True,
    )


def _embeds(source: str, base_url: str) -> list[str]:
    found = []
    for match in EMBED.finditer(source):
        url = html.unescape(match["url"]).strip()
        url = urllib.parse.urljoin(base_url, url) if base_url else url
        text = _("embedded %(kind)s %(url)s left out: a text here shows no embedded media") % {
            "kind": match["kind"].lower(),
            "url": url,
        }
        if text not in found:
            found.append(text)
    return found


def split_content(entry: FeedEntry, *, has_image: bool) -> Content:
    """The lead and the body text of an entry, without what the feed adds (see the module's
    docstring). The body is cleaned as every stored body is (common.richtext)."""
    source = entry.content_html or entry.summary_html or text_to_html(entry.summary)
    left_out = _embeds(source, entry.base_url)
    text = _normalised(source, entry.base_url)
    text = CREDIT_SPAN.sub("", text)
    description_only = not entry.content_html
    # Without content, the summary is the whole text (an RSS description, say).
    lead = entry.summary if entry.content_html else ""
    figure, image_url, lead_found, first = None, "", False, True
    # Before the text proper, in any order: the lead photo's figure, our feeds' correction
    # notes ("Rettet <date>: ..."; kept with the text, after the lead) and a first paragraph
    # that says the summary again.
    corrections, kept_first = "", ""
    while True:
        if figure is None and (match := LEADING_FIGURE.match(text)):
            img = IMG_TAG.search(match["inner"])
            src = html.unescape(found[1]) if img and (found := SRC.search(img[0])) else ""
            # Ours (an export of this newsroom) starts with the lead photo; a photo from the
            # old site is its lead photo wherever it stands before the text.
            if img and ((has_image and first) or (src and not _is_own_media(src))):
                figure = _lead_figure(match["inner"])
                if not has_image:
                    image_url = src
                text, first = text[match.end() :], False
                continue
            break
        match = PARAGRAPH.match(text)
        if match and _is_correction_note(match["inner"]):
            corrections += match[0].strip()
            text = text[match.end() :]
            continue
        if match and not lead_found:
            paragraph = html_to_text(match["inner"])
            excerpt = lead.rstrip(EXCERPT_END)
            if paragraph and (
                not lead or paragraph == lead or (excerpt and paragraph.startswith(excerpt))
            ):
                lead, lead_found, first = paragraph, True, False
                text = text[match.end() :]
                if description_only and "<a " in match["inner"]:
                    kept_first = match[0].strip()  # the lead is plain text: its links stay
                continue
        break
    if not lead and text.strip() and not BLOCK_ELEMENTS.search(text):
        # A few words with inline markup at most: the lead, and the body if it has links.
        lead = html_to_text(text)
        text = f"<p>{text.strip()}</p>" if "<a " in text else ""
    elif not lead and text.strip():
        lead = _first_words(text)
    text, contacts = _without_contact_block(text)
    text, images = _without_foreign_images(text)
    body = sanitize_html(corrections + kept_first + text)
    return Content(
        lead=lead,
        body=body,
        figure=figure,
        image_url=image_url,
        contacts=contacts,
        left_out=left_out + images,
    )


def _first_words(text: str, limit: int = 300) -> str:
    """A lead for a text that has no first paragraph to give (it starts with a heading)."""
    words = html_to_text(text)
    if len(words) <= limit:
        return words
    return words[:limit].rsplit(" ", 1)[0] + " …"


def _without_foreign_images(text: str) -> tuple[str, list[str]]:
    """The text without figures whose photo is from another site (a caption left alone would
    stay) or that only wrap an embed, and what was left out."""
    left_out = []

    def image_left_out(src: str):
        left_out.append(
            _(
                "image %(url)s in the text left out: a text here shows only photos from this "
                "newsroom's media library (add it there and into the text if it is needed)"
            )
            % {"url": src}
        )

    def figure(match: re.Match) -> str:
        sources = [html.unescape(s) for s in SRC.findall(match["inner"])]
        foreign = [s for s in sources if not _is_own_media(s)]
        for src in foreign:
            image_left_out(src)
        if foreign or "embed" in match[0][: match.start("inner") - match.start()]:
            return ""
        return match[0]

    text = ANY_FIGURE.sub(figure, text)
    for img in IMG_TAG.findall(text):
        src = SRC.search(img)
        if src and not _is_own_media(html.unescape(src[1])):
            image_left_out(html.unescape(src[1]))
    return text, left_out


def _is_correction_note(paragraph: str) -> bool:
    """<strong>Rettet 3. maj 2021:</strong> ... (or "Corrected ..."), as our feeds write it."""
    prefixes = [t.split("%(date)s")[0] for t in _in_every_language("Corrected %(date)s")]
    return any(paragraph.startswith(f"<strong>{prefix}") for prefix in prefixes if prefix)


def _lead_figure(inner: str) -> LeadFigure:
    img = IMG_TAG.search(inner)[0]
    alt = ALT.search(img)
    caption_match = FIGCAPTION.search(inner)
    caption = html_to_text(caption_match["inner"]) if caption_match else ""
    credit = ""
    # The last "Foto: " (or "Photo: ") starts the credit; a caption may say "Foto:" itself.
    prefixes = [t.split("%(credit)s")[0] for t in _in_every_language("Photo: %(credit)s")]
    at, prefix = max((caption.rfind(p), p) for p in prefixes if p)
    if at != -1 and (at == 0 or caption[at - 1] == " "):
        caption, credit = caption[:at].strip(), caption[at + len(prefix) :].strip()
    alt_text = html.unescape(alt[1]).strip() if alt else ""
    return LeadFigure(
        alt_text="" if alt_text == DECORATIVE_ALT else alt_text, caption=caption, credit=credit
    )


# The closing contact block -------------------------------------------------------------------

CONTACT_HEADINGS = (
    "for yderligere oplysninger",
    "for yderligere information",
    "for mere information",
    "yderligere oplysninger",
    "pressekontakter",
    "pressekontakt",
    "mediekontakter",
    "mediekontakt",
    "kontaktpersoner",
    "kontaktperson",
    "kontakt",
    "for further information",
    "for more information",
    "further information",
    "media contacts",
    "media contact",
    "press contacts",
    "press contact",
    "contacts",
    "contact",
)
CONTACT_BLOCK = re.compile(
    r"<(?P<tag>p|h[2-4])>(?P<inner>(?:(?!</?(?:p|h[2-4])\b).)*)</(?P=tag)>", re.S
)
# Words between the heading and the first name: "For yderligere oplysninger kontakt venligst:"
LEAD_IN = re.compile(
    r"^(?:[\s:,.;–-]+|(?:kontakt|kontakte|venligst|gerne|henvendelse|rette|til|please|"
    r"contact|reach|at)\b)+",
    re.I,
)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"(?<![\w@])\+?\d[\d \-.()/]{6,}\d(?![\w@])")
CONTACT_LABELS = re.compile(
    r"(?<!\w)(?:tlf|tel|telefon|phone|mobil|mobile|mob|cell|direkte|direct|e-?mail|mail|"
    r"e-post)(?!\w)\.?\s*:?",
    re.I,
)
SEPARATORS = re.compile(r"\s*[,;/|]\s*(?:[,;/|]\s*)+")
NAME_PARTICLES = {"von", "van", "de", "der", "den", "la", "le", "af", "du", "da"}


@functools.cache
def _contact_heading() -> re.Pattern:
    headings = set(CONTACT_HEADINGS) | {
        h.casefold() for h in _in_every_language("For further information")
    }
    alternatives = "|".join(re.escape(h) for h in sorted(headings, key=len, reverse=True))
    return re.compile(rf"^\W*(?:{alternatives})(?!\w)", re.I)


def _without_contact_block(text: str) -> tuple[str, list[FoundContact]]:
    """The text without its closing contact block, and the people in it.

    The block starts with a heading or paragraph that begins "For yderligere oplysninger",
    "Kontakt", "Pressekontakt", "For further information", "Media contact" (…) and runs to the
    end of the text in lines of names, titles, phone numbers and e-mail addresses only: each
    person with a name and a phone or an e-mail. Anything else there and it is the release's
    own text, kept.
    """
    blocks = list(CONTACT_BLOCK.finditer(text))
    for index, block in enumerate(blocks):
        heading = _contact_heading().match(_lines(block["inner"])[0])
        if not heading:
            continue
        rest = blocks[index:]
        gaps = [text[a.end() : b.start()] for a, b in zip(rest, rest[1:], strict=False)]
        if text[rest[-1].end() :].strip() or any(gap.strip() for gap in gaps):
            continue
        contacts = _read_contacts([b["inner"] for b in rest])
        if contacts:
            return text[: block.start()].rstrip(), contacts
    return text, []


def _lines(inner: str) -> list[str]:
    inner = re.sub(r'<a href="mailto:([^"?]*)[^"]*">.*?</a>', r" \1 ", inner, flags=re.S)
    return [html_to_text(line) for line in re.split(r"<br\s*/?>", inner)]


def _read_contacts(blocks: list[str]) -> list[FoundContact]:
    """The people in the block's paragraphs; empty if any line is not a contact's."""
    groups = [_lines(inner) for inner in blocks]
    first = groups[0]
    first[0] = LEAD_IN.sub("", first[0][_contact_heading().match(first[0]).end() :])
    people: list[dict] = []
    current = None
    for group in groups:
        for line in group:
            emails = EMAIL.findall(line)
            rest = EMAIL.sub(" ", line)
            phones = [
                m[0].strip()
                for m in PHONE.finditer(rest)
                if 8 <= len(re.sub(r"\D", "", m[0])) <= 15
            ]
            for phone in phones:
                rest = rest.replace(phone, " ")
            rest = SEPARATORS.sub(", ", CONTACT_LABELS.sub(" ", rest))
            rest = " ".join(rest.split()).strip(" ,.;:/|–-")
            if rest:
                if current and (current["phone"] or current["email"]):
                    people.append(current)
                    current = None
                current = current or {"texts": [], "phone": "", "email": ""}
                current["texts"].append(rest)
            if emails or phones:
                current = current or {"texts": [], "phone": "", "email": ""}
                current["email"] = current["email"] or (emails[0] if emails else "")
                current["phone"] = current["phone"] or (phones[0] if phones else "")
        if current and (current["phone"] or current["email"]):
            people.append(current)
            current = None
    if current:
        people.append(current)  # a name without a way to reach them: not a contact block
    contacts = []
    for person in people:
        texts = person["texts"]
        if not texts or len(texts) > 3 or not (person["phone"] or person["email"]):
            return []
        name, _comma, title = texts[0].partition(",")
        title = ", ".join(t for t in [title.strip(), *texts[1:]] if t)
        if not _looks_like_a_name(name.strip()) or len(title) > 200:
            return []
        contacts.append(
            FoundContact(
                name=name.strip(), title=title, phone=person["phone"][:40], email=person["email"]
            )
        )
    return contacts


def _looks_like_a_name(name: str) -> bool:
    words = name.split()
    return (
        2 <= len(words) <= 5
        and len(name) <= 100
        and not any(ch.isdigit() for ch in name)
        and all(w[0].isupper() or w.lower() in NAME_PARTICLES for w in words)
    )


def phone_key(phone: str) -> str:
    """A phone number's digits without the Danish country code: +45 12 34 56 78 is 12345678."""
    digits = re.sub(r"\D", "", phone)
    if digits.startswith("0045"):
        digits = digits[4:]
    elif digits.startswith("45") and len(digits) == 10:
        digits = digits[2:]
    return digits


# Images --------------------------------------------------------------------------------------


def _media_prefix() -> str:
    """How this newsroom's feeds write the address of a file in its media storage."""
    if settings.MEDIA_URL.startswith(("http://", "https://")):
        return settings.MEDIA_URL  # object storage with a domain of its own
    return f"{settings.SITE_URL}{settings.MEDIA_URL}"


# Fetching over the network: never inside the network the import runs in ------------------

MAX_REDIRECTS = 5
# The clouds' instance metadata services hand out credentials: refused even with
# --allow-private-addresses, which is for an intranet source.
METADATA_NAMES = frozenset(
    {"metadata.google.internal", "metadata.goog", "instance-data.ec2.internal"}
)
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200")
)


class RefusedAddress(ValueError):
    """An address the import does not fetch from."""


def address_refusal(address: str, *, allow_private: bool = False) -> str | None:
    """Why the import may not connect to this IP address, or None if it may."""
    ip = ipaddress.ip_address(address.split("%")[0])
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    values = {"address": address}
    if ip in METADATA_ADDRESSES:
        return _("%(address)s is a cloud metadata address, never fetched") % values
    if allow_private:
        return None
    embedded = None
    if ip.version == 6:
        embedded = ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
    for test, message in (
        (ip.is_unspecified, _("%(address)s is the unspecified address")),
        (ip.is_loopback, _("%(address)s is a loopback address")),
        (ip.is_link_local, _("%(address)s is a link-local address")),
        (ip.is_multicast, _("%(address)s is a multicast address")),
        (ip.is_reserved, _("%(address)s is a reserved address")),
        (ip.is_private, _("%(address)s is a private-network address")),
        (not ip.is_global, _("%(address)s is not a public address")),
        (
            embedded is not None and address_refusal(str(embedded)) is not None,
            _("%(address)s carries an internal IPv4 address"),
        ),
    ):
        if test:
            return message % values
    return None


def _resolve(host: str, port: int, *, allow_private: bool) -> list[tuple]:
    """The addresses of `host`, resolved once, each checked: (family, socket address)."""
    name = host.rstrip(".").lower()
    if name in METADATA_NAMES:
        raise RefusedAddress(
            _("%(address)s is a cloud metadata address, never fetched") % {"address": host}
        )
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise OSError(
            _("%(host)s cannot be found: %(error)s") % {"host": host, "error": error}
        ) from None
    addresses = []
    for family, _type, _protocol, _name, sockaddr in answers:
        if family not in (socket.AF_INET, socket.AF_INET6):
            continue
        # One internal answer refuses the name: it is not an address to mix with others.
        reason = address_refusal(sockaddr[0], allow_private=allow_private)
        if reason:
            raise RefusedAddress(
                _(
                    "%(reason)s (%(host)s); addresses inside this network are fetched only "
                    "with --allow-private-addresses"
                )
                % {"reason": reason, "host": host}
            )
        addresses.append((family, sockaddr))
    if not addresses:
        raise OSError(_("%(host)s cannot be found") % {"host": host, "error": ""})
    return addresses


def _connect(family: int, sockaddr: tuple, timeout: float) -> socket.socket:
    """A TCP connection to exactly this address (no second name lookup)."""
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        sock.connect(sockaddr)
    except BaseException:
        sock.close()
        raise
    return sock


class _PinnedConnection:
    """http.client's connection, connecting to the addresses that were checked while the
    Host header, TLS's SNI and the certificate check use the name."""

    def pin(self, addresses: list[tuple]):
        self._addresses = addresses
        self._create_connection = self._connect_pinned
        return self

    def _connect_pinned(self, _address, timeout, _source_address=None, *args, **kwargs):
        error = None
        for family, sockaddr in self._addresses:
            try:
                return _connect(family, sockaddr, timeout)
            except OSError as failed:
                error = failed
        raise error


class _PinnedHTTPConnection(_PinnedConnection, http.client.HTTPConnection):
    pass


class _PinnedHTTPSConnection(_PinnedConnection, http.client.HTTPSConnection):
    pass


def fetch_url(url: str, *, limit: int, allow_private: bool = False) -> bytes:
    """The body behind an http(s) URL, at most `limit` bytes: each hop's name resolved once and
    checked (see `address_refusal`), redirects followed here, at most MAX_REDIRECTS."""
    for _hop in range(MAX_REDIRECTS + 1):
        parts = urllib.parse.urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(_("only http and https addresses are followed"))
        port = parts.port or (443 if scheme == "https" else 80)
        addresses = _resolve(parts.hostname, port, allow_private=allow_private)
        if scheme == "https":
            connection = _PinnedHTTPSConnection(
                parts.hostname,
                port,
                timeout=FETCH_TIMEOUT_SECONDS,
                context=ssl.create_default_context(),
            )
        else:
            connection = _PinnedHTTPConnection(parts.hostname, port, timeout=FETCH_TIMEOUT_SECONDS)
        connection.pin(addresses)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            connection.request(
                "GET",
                target,
                headers={"User-Agent": "Newsroom archive import", "Accept-Encoding": "identity"},
            )
            response = connection.getresponse()
            if response.status in (301, 302, 303, 307, 308):
                location = response.getheader("Location")
                if not location:
                    raise ValueError(_("a redirect without an address"))
                url = urllib.parse.urljoin(url, location.strip())
                continue
            if response.status != 200:
                raise ValueError(f"HTTP {response.status} {response.reason}")
            data = response.read(limit + 1)
        finally:
            connection.close()
        if len(data) > limit:
            raise ValueError(f"larger than {limit // (1024 * 1024)} MB")
        return data
    raise ValueError(_("more than %(count)d redirects") % {"count": MAX_REDIRECTS})


def _read_file_url(url: str, *, limit: int) -> bytes:
    path = urllib.request.url2pathname(urllib.parse.urlsplit(url).path)
    with open(path, "rb") as file:
        data = file.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"larger than {limit // (1024 * 1024)} MB")
    return data


def fetch_image(
    url: str,
    *,
    declared_type: str = "",
    files_allowed: bool = False,
    allow_private: bool = False,
) -> ContentFile:
    """The image behind `url` as an upload: from our own media storage when the URL is one of
    ours (an export of this newsroom), a local file for a feed read from a file, else over
    HTTP(S) with a timeout and the upload size limit. ValidationError if it cannot be had."""
    limit = settings.MAX_IMAGE_UPLOAD_BYTES
    scheme = urllib.parse.urlsplit(url).scheme.lower()
    try:
        if url.startswith(_media_prefix()):
            name = urllib.parse.unquote(url[len(_media_prefix()) :])
            with default_storage.open(name, "rb") as stored:
                data = stored.read(limit + 1)
            if len(data) > limit:
                raise ValueError(f"larger than {limit // (1024 * 1024)} MB")
        elif scheme in ("http", "https"):
            data = fetch_url(url, limit=limit, allow_private=allow_private)
        elif scheme == "file" and files_allowed:
            data = _read_file_url(url, limit=limit)
        else:
            raise ValueError(_("only http and https addresses are followed"))
    except (OSError, ValueError, SuspiciousFileOperation, http.client.HTTPException) as error:
        raise ValidationError(
            _("The image could not be fetched: %(error)s") % {"error": error}, code="unfetchable"
        ) from None
    return ContentFile(data, name=f"photo{_extension(url, declared_type, data)}")


def _extension(url: str, declared_type: str, data: bytes) -> str:
    """From the URL's file name, else the type the feed declares, else the content itself;
    the upload checks then refuse a file whose content does not match it."""
    suffix = PurePosixPath(urllib.parse.urlsplit(url).path).suffix.lower()
    if suffix in IMAGE_EXTENSIONS:
        return suffix
    if declared_type.lower() in IMAGE_TYPES:
        return IMAGE_TYPES[declared_type.lower()]
    try:
        with pillow_guard(), PillowImage.open(io.BytesIO(data)) as picture:
            return EXTENSIONS.get(picture.format, "")
    except Exception:
        return ""


def _exif_artist(upload: ContentFile) -> str:
    try:
        with pillow_guard(), PillowImage.open(upload) as picture:
            artist = picture.getexif().get(EXIF_ARTIST)
    except Exception:
        artist = None
    finally:
        upload.seek(0)
    return artist.strip() if isinstance(artist, str) else ""


# Importing -----------------------------------------------------------------------------------


@contextlib.contextmanager
def commits_without_waiting():
    """On PostgreSQL, commits that do not wait for the disk while the import runs, instead of a
    flush per entry. A crash can lose the last few entries' commits, never half of one, and the
    import is simply run again."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


@dataclass
class ImportReport:
    imported: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    # (entry, why): entries not imported, and problems with what was (an image, a redirect).
    skipped: list[tuple[str, str]] = field(default_factory=list)
    problems: list[tuple[str, str]] = field(default_factory=list)
    # (entry, what): what the import did beyond the text, e.g. the media contact it used.
    notes: list[tuple[str, str]] = field(default_factory=list)
    # Releases changed here since their import, left as they are (see --overwrite).
    changed_here: list[str] = field(default_factory=list)
    dry_run: bool = False


@dataclass
class Plan:
    """A release as an entry makes it, before anything is written."""

    guid: str
    title: str
    lead: str
    body: str
    publish_at: datetime.datetime
    updated_at: datetime.datetime
    language: str
    topics: list[str]
    original_url: str
    image_url: str
    image_type: str
    figure: LeadFigure | None
    credit: str
    author: str
    # The path of the entry's link, for --redirects (kept even when the address is not).
    old_path: str = ""
    contacts: list[FoundContact] = field(default_factory=list)
    # What the report says about the entry beyond its counts: (what, is it a problem).
    notes: list[tuple[str, bool]] = field(default_factory=list)

    @property
    def fingerprint(self) -> str:
        figure = self.figure or LeadFigure()
        values = [
            self.title,
            self.lead,
            self.body,
            self.publish_at.isoformat(),
            self.language,
            sorted(self.topics),
            self.original_url,
            self.image_url,
            self.credit,
            figure.alt_text,
            figure.caption,
            figure.credit,
        ]
        if self.contacts:  # (entries without any keep the fingerprint they had)
            values.append([[c.name, c.title, c.phone, c.email] for c in self.contacts])
        return hashlib.sha256(json.dumps(values, ensure_ascii=False).encode()).hexdigest()

    @property
    def own_uuid(self) -> uuid.UUID | None:
        """The UUID of a `urn:uuid:` id (our own feeds' ids), kept as the release's guid."""
        value = self.guid.removeprefix("urn:uuid:")
        try:
            return uuid.UUID(value) if len(value) == 36 else None
        except ValueError:
            return None


def plan_entry(entry: FeedEntry, *, skip_categories: frozenset[str] = frozenset()) -> Plan:
    """What the entry would become; Skip if it cannot be imported."""
    if not entry.title:
        raise Skip(_("it has no title"))
    if not entry.guid:
        raise Skip(_("it has neither an id nor a link, so a second import could not find it"))
    if entry.published is None:
        raise Skip(_("it has no publication date"))
    if len(entry.guid) > ReleaseSource._meta.get_field("guid").max_length:
        raise Skip(_("its id is longer than 1000 characters"))
    content = split_content(entry, has_image=bool(entry.image_url))
    if not content.lead and not content.body:
        raise Skip(_("it has no text"))
    image_url = entry.image_url or content.image_url
    languages = {code for code, _name in settings.LANGUAGES}
    language = (entry.language or "").split("-")[0].lower()
    topics, seen = [], set()
    for category in entry.categories:
        topic = " ".join(category.split())[:TOPIC_LENGTH]
        if topic.casefold() in skip_categories:
            continue
        if topic and topic.casefold() not in seen:
            seen.add(topic.casefold())
            topics.append(topic)
    notes = [(text, True) for text in content.left_out]
    notes += [
        (
            _("photo %(url)s left out: only an entry's first photo is imported") % {"url": url},
            True,
        )
        for url in entry.other_images
    ]
    original_url = entry.link if len(entry.link) <= 1000 else ""
    link = urllib.parse.urlsplit(entry.link)
    if original_url and not (link.scheme.lower() in ("http", "https") and link.netloc):
        # Shown as a link in the admin: a javascript: or data: address must never be one.
        notes.append(
            (
                _("its original address %(url)s was not kept: only http and https addresses are")
                % {"url": entry.link[:200]},
                True,
            )
        )
        original_url = ""
    old_path = ""
    if link.scheme.lower() in ("http", "https", ""):
        old_path = urllib.parse.unquote(link.path)
    title = entry.title
    if len(title) > TITLE_LENGTH:
        title = f"{title[: TITLE_LENGTH - 1]}…"
    return Plan(
        guid=entry.guid,
        title=title,
        lead=content.lead,
        body=content.body,
        publish_at=entry.published.replace(microsecond=0),
        # The entry's own time, never the import's: our feeds, API and sitemap show it.
        updated_at=max(entry.updated or entry.published, entry.published).replace(microsecond=0),
        language=language if language in languages else settings.LANGUAGE_CODE,
        topics=topics,
        original_url=original_url,
        image_url=image_url if len(image_url) <= 1000 else "",
        image_type=entry.image_type,
        figure=content.figure,
        credit=entry.image_credit,
        author=entry.author,
        old_path=old_path if old_path.startswith("/") else "",
        contacts=content.contacts,
        notes=notes,
    )


def changed_since_import(source: ReleaseSource) -> bool:
    """Whether the release was changed here after the import last wrote it: saved (a history
    record after the import's) or corrected (its version moved without one)."""
    version = PressRelease.objects.filter(pk=source.release_id).values_list("version", flat=True)
    last = (
        PressRelease.history.filter(id=source.release_id)
        .order_by("-history_date", "-history_id")
        .values("history_date", "version")
        .first()
    )
    if last is None:
        return True
    return last["history_date"] > source.updated_at or last["version"] != version.first()


class FeedImporter:
    """Imports entries as releases: published at their own time (or drafts), each entry in one
    transaction, so a failing entry leaves nothing of itself behind.

    Imported releases send no e-mail alerts: their news is not new.
    """

    def __init__(
        self,
        *,
        as_draft: bool = False,
        redirects: bool = False,
        dry_run: bool = False,
        overwrite: bool = False,
        skip_categories: list[str] | tuple[str, ...] = (),
        files_allowed: bool = False,
        allow_private: bool = False,
        label: str = "",
        progress: Callable[[int, int], None] | None = None,
    ):
        self.as_draft = as_draft
        self.redirects = redirects
        self.dry_run = dry_run
        self.overwrite = overwrite
        self.skip_categories = frozenset(" ".join(c.split()).casefold() for c in skip_categories)
        self.files_allowed = files_allowed
        self.allow_private = allow_private
        self.label = label
        self.progress = progress
        self.report = ImportReport(dry_run=dry_run)
        self._sources = None
        self._topics = None
        self._redirects = None
        self._contacts = None
        self._images = {}

    def run(self, entries: list[FeedEntry]) -> ImportReport:
        with commits_without_waiting():
            for done, entry in enumerate(entries, start=1):
                self.import_entry(entry)
                if self.progress:
                    self.progress(done, len(entries))
        return self.report

    # Looked up once per run, not once per entry.
    @property
    def sources(self) -> dict[str, ReleaseSource]:
        if self._sources is None:
            self._sources = {source.guid: source for source in ReleaseSource.objects.all()}
        return self._sources

    @property
    def redirects_taken(self) -> dict[str, str]:
        """{old path: the id of the entry whose release it redirects to}"""
        if self._redirects is None:
            self._redirects = {
                s.redirect_from: guid for guid, s in self.sources.items() if s.redirect_from
            }
        return self._redirects

    @property
    def topics(self) -> dict[str, Topic]:
        if self._topics is None:
            self._topics = {topic.name.casefold(): topic for topic in Topic.objects.all()}
        return self._topics

    def import_entry(self, entry: FeedEntry) -> None:
        name = entry.title or entry.link or entry.guid or "?"
        try:
            plan = plan_entry(entry, skip_categories=self.skip_categories)
            source = self.sources.get(plan.guid)
            if source is None and plan.own_uuid:
                if PressRelease.objects.filter(guid=plan.own_uuid).exists():
                    raise Skip(_("a release with its id is already in this newsroom"))
            redirect = self._redirect_path(plan, source)
            if source and source.fingerprint == plan.fingerprint:
                if redirect and source.redirect_from != redirect:
                    if not self.dry_run:
                        # (not its `updated_at`: that is when the release was last written)
                        ReleaseSource.objects.filter(pk=source.pk).update(redirect_from=redirect)
                        source.redirect_from = redirect
                        self.redirects_taken[redirect] = plan.guid
                    self.report.updated.append(plan.title)
                else:
                    self.report.unchanged.append(plan.title)
                return
            if source and not self.overwrite and changed_since_import(source):
                self.report.changed_here.append(plan.title)
                return
            if self.dry_run:
                self._tell(plan)
                self.report.notes.extend(self._contacts_for(plan, create=False)[1])
                (self.report.updated if source else self.report.imported).append(plan.title)
                return
            self._write(plan, source, redirect)
        except Skip as reason:
            self.report.skipped.append((name, str(reason)))

    def _tell(self, plan: Plan) -> None:
        """The report's lines about what was left out of the entry or done beyond its text."""
        for text, is_problem in plan.notes:
            (self.report.problems if is_problem else self.report.notes).append((plan.title, text))

    def _redirect_path(self, plan: Plan, source: ReleaseSource | None) -> str | None:
        """The old address's path, when redirects were asked for and it can have one."""
        if not self.redirects or not plan.old_path:
            return source.redirect_from if source else None
        path = plan.old_path
        if path in ("", "/"):
            return None
        holder = self.redirects_taken.get(path)
        if holder is not None and holder != plan.guid:
            self.report.problems.append(
                (plan.title, _("%(path)s already redirects to another release") % {"path": path})
            )
            return None
        return path

    def _write(self, plan: Plan, source: ReleaseSource | None, redirect: str | None) -> None:
        upload, credit = None, ""
        release_image = None
        if plan.image_url and (source is None or source.image_url != plan.image_url):
            release_image = self._images.get(plan.image_url) or self._imported_image(plan)
            if release_image is None:
                # Fetched before the transaction: a slow server must not hold the database.
                upload, credit = self._fetch(plan)
        # The photo is saved first, in its own transaction, and removed again if its release
        # cannot be saved: a rolled-back photo would leave its files behind, and Pillow's work
        # does not hold the database while it runs.
        created_image = self._create_image(plan, upload, credit) if upload is not None else None
        try:
            with transaction.atomic():
                release, notes = self._save_release(
                    plan, source, created_image or release_image, redirect
                )
        except Exception as error:
            if created_image is not None:
                delete_image_files(created_image)
                created_image.delete()
            # topics and contacts made in the rolled-back transaction are gone
            self._topics = self._contacts = None
            self.report.skipped.append(
                (plan.title, _("it could not be saved: %(error)s") % {"error": error})
            )
            return
        if created_image is not None:
            self._images[plan.image_url] = created_image
        self._tell(plan)
        self.report.notes.extend(notes)
        (self.report.updated if source else self.report.imported).append(release.title)

    def _imported_image(self, plan: Plan) -> Image | None:
        """The photo an earlier import made from the same address, if any."""
        link = (
            ReleaseImage.objects.filter(release__source__image_url=plan.image_url, order=0)
            .select_related("image")
            .first()
        )
        return link.image if link else None

    def _fetch(self, plan: Plan) -> tuple[ContentFile | None, str]:
        try:
            upload = fetch_image(
                plan.image_url,
                declared_type=plan.image_type,
                files_allowed=self.files_allowed,
                allow_private=self.allow_private,
            )
        except ValidationError as error:
            self._image_problem(plan, error)
            return None, ""
        figure = plan.figure or LeadFigure()
        credit = plan.credit or figure.credit or _exif_artist(upload)
        if not credit and plan.author:
            credit = plan.author
            self.report.problems.append(
                (
                    plan.title,
                    _(
                        "the photo's credit is the entry's author, %(name)s (dc:creator): the "
                        "feed names no photographer, so check it"
                    )
                    % {"name": plan.author},
                )
            )
        if not credit:
            try:
                validate_image_file(upload)  # a file that fails the checks is told so first
            except ValidationError as error:
                self._image_problem(plan, error)
                return None, ""
            self.report.problems.append(
                (
                    plan.title,
                    _(
                        "Image %(url)s left out: the feed gives no photographer credit, and a "
                        "press photo is never published without one."
                    )
                    % {"url": plan.image_url},
                )
            )
            return None, ""
        return upload, credit

    def _image_problem(self, plan: Plan, error: ValidationError) -> None:
        self.report.problems.append(
            (
                plan.title,
                _("Image %(url)s left out: %(reason)s")
                % {"url": plan.image_url, "reason": " ".join(error.messages)},
            )
        )

    def _create_image(self, plan: Plan, upload: ContentFile, credit: str) -> Image | None:
        figure = plan.figure or LeadFigure()
        try:
            return image_create(
                upload=upload,
                title=plan.title[:200],
                alt_text=(figure.alt_text or plan.title)[:300],
                caption=figure.caption,
                credit=credit[:200],
            )
        except ValidationError as error:
            self._image_problem(plan, error)
            return None

    def _save_release(
        self,
        plan: Plan,
        source: ReleaseSource | None,
        image: Image | None,
        redirect: str | None,
    ) -> tuple[PressRelease, list[tuple[str, str]]]:
        if source is None:
            release = PressRelease(guid=plan.own_uuid or uuid.uuid4())
            release._change_reason = _("Imported from %(feed)s") % {"feed": self.label}
        else:
            release = PressRelease.objects.get(pk=source.release_id)
            release._change_reason = _("Updated from %(feed)s") % {"feed": self.label}
        release.title = plan.title
        release.lead = plan.lead
        release.body = plan.body
        release.publish_at = plan.publish_at
        release.language = plan.language
        if source is None:
            release.status = self._status(plan.publish_at)
            # Old news: the alert worker must not mail subscribers about it.
            release.alerts_queued_at = timezone.now()
            release.was_public = release.is_published
        if release.status in PressRelease.RELEASED:
            # As publishing does: the "Om" boxes and contacts fixed as of the release date (a
            # new release has none; an updated one keeps its frozen boxes unless the date moved).
            release.update_record()
        topics = [self._topic(name) for name in plan.topics]
        if source is None and topics:
            # History was half of an import's time: one record, written as the topics are
            # added (so it has them), instead of one for the insert and one for the topics.
            release.skip_history_when_saving = True
        release.save()
        if source is None:
            release.__dict__.pop("skip_history_when_saving", None)
            release.topics.add(*topics)
            if topics:
                release.history.update(history_type="+")  # that record is the creation
        else:
            release.topics.set(topics)
        if image is not None:
            self._link_lead_image(release, image)
        elif not plan.image_url and source is not None and source.image_url:
            release.image_links.filter(order=0).delete()  # the entry has lost its image
        contacts, notes = self._contacts_for(plan, create=True)
        if contacts:
            self._link_contacts(release, contacts)
        # The entry's updated time, not this import's (auto_now would say now).
        PressRelease.objects.filter(pk=release.pk).update(updated_at=plan.updated_at)
        release.updated_at = plan.updated_at
        source = source or ReleaseSource(release=release, guid=plan.guid)
        source.original_url = plan.original_url
        source.image_url = plan.image_url
        source.fingerprint = plan.fingerprint
        source.redirect_from = redirect
        source.save()
        self.sources[plan.guid] = source
        if redirect:
            self.redirects_taken[redirect] = plan.guid
        return release, notes

    @staticmethod
    def _link_contacts(release: PressRelease, contacts: list[MediaContact]) -> None:
        """The release's contacts are the block's, in its order; a released one's record holds
        them as publishing would have frozen them (its history record too: a restore)."""
        release.contact_links.exclude(contact__in=contacts).delete()
        for order, contact in enumerate(contacts):
            ReleaseContact.objects.update_or_create(
                release=release, contact=contact, defaults={"order": order}
            )
        if release.status not in PressRelease.RELEASED:
            return
        release.update_record()
        PressRelease.objects.filter(pk=release.pk).update(record=release.record)
        latest = release.history.order_by("-history_date", "-history_id").first()
        if latest is not None:
            type(latest).objects.filter(pk=latest.pk).update(record=release.record)

    @property
    def contact_index(self) -> dict[str, MediaContact]:
        """The media contacts here by e-mail and by phone number, read once per run."""
        if self._contacts is None:
            self._contacts = {}
            for contact in MediaContact.objects.select_related("person").order_by(
                "-is_active", "pk"
            ):
                self._index_contact(contact)
        return self._contacts

    def _index_contact(self, contact: MediaContact) -> None:
        if contact.email:
            self._contacts.setdefault(f"email:{contact.email.casefold()}", contact)
        if phone_key(contact.phone):
            self._contacts.setdefault(f"phone:{phone_key(contact.phone)}", contact)

    def _contacts_for(
        self, plan: Plan, *, create: bool
    ) -> tuple[list[MediaContact], list[tuple[str, str]]]:
        """The media contacts of the entry's contact block: the one here with the same e-mail
        address, else phone number, else a new one (not listed on the contacts page); and what
        the report says about each."""
        contacts, notes = [], []
        for found in plan.contacts:
            email = found.email
            try:
                validate_email(email)
            except ValidationError:
                email = ""
            index = self.contact_index
            contact = (email and index.get(f"email:{email.casefold()}")) or (
                found.phone and index.get(f"phone:{phone_key(found.phone)}")
            )
            if contact:
                message = _(
                    "media contact %(contact)s: the one already in this newsroom with that "
                    "e-mail address or phone number"
                )
            elif not email and not found.phone:
                continue
            else:
                contact = MediaContact(
                    name=found.name[:200],
                    title=found.title[:200],
                    phone=found.phone,
                    email=email,
                    is_listed=False,
                )
                if create:
                    contact.save()
                    self._index_contact(contact)
                message = _(
                    "media contact %(contact)s created from the text's contact block (not listed "
                    "on the contacts page)"
                )
            label = f"{contact.display_name}, {contact.title} ({contact.email or contact.phone})"
            notes.append((plan.title, message % {"contact": label}))
            if contact not in contacts:
                contacts.append(contact)
        return contacts, notes

    def _status(self, publish_at: datetime.datetime) -> str:
        if self.as_draft:
            return PressRelease.Status.DRAFT
        if publish_at > timezone.now():
            return PressRelease.Status.SCHEDULED
        return PressRelease.Status.PUBLISHED

    def _topic(self, name: str) -> Topic:
        topic = self.topics.get(name.casefold())
        if topic is None:
            topic = self.topics[name.casefold()] = Topic.objects.create(name=name)
        return topic

    @staticmethod
    def _link_lead_image(release: PressRelease, image: Image) -> None:
        release.image_links.filter(order=0).exclude(image=image).delete()
        link, created = ReleaseImage.objects.get_or_create(
            release=release, image=image, defaults={"order": 0}
        )
        if not created and link.order != 0:
            link.order = 0
            link.save(update_fields=["order"])
