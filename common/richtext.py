"""The one allow-list for rich text. Applied when HTML is stored and again when it is shown.

`sanitize_html` cleans; `removed_by_sanitiser` says what cleaning would take away from what a
person wrote, so the admin can say it instead of dropping it silently.
"""

import difflib
import functools
import html as html_module
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser

import nh3
from django.conf import settings
from django.utils.translation import get_language, gettext

from common.text import without_control_characters

ALLOWED_TAGS = {
    "h2",
    "h3",
    "h4",
    "p",
    "br",
    "ul",
    "ol",
    "li",
    "a",
    "strong",
    "b",
    "em",
    "i",
    "blockquote",
    "figure",
    "figcaption",
    "img",
    # Tables (CKEditor 5's table plugin, or pasted from Word).
    "table",
    "caption",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "figure": {"class"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
}
IMAGE_ATTRIBUTE_ORDER = {"src": 0, "alt": 1, "width": 2, "height": 3}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}
TABLE_SCOPES = {"row", "col", "rowgroup", "colgroup"}
# Typed as an image's text alternative in the editor: the image is decoration only, and the
# public page gives it alt="" so screen readers skip it.
DECORATIVE_ALT = "-"

IMAGE_SOURCE = re.compile(r'<img[^>]*?\ssrc="([^"]*)"')
# Set by the media app (media/apps.py): {image URL: photographer credit} for URLs of ours,
# so a photo in a body text shows its credit like a press photo does.
credit_lookup: Callable[[list[str]], dict[str, str]] | None = None
# Set by the media app too: {image URL: text alternative} for URLs of ours that have one.
alt_lookup: Callable[[list[str]], dict[str, str]] | None = None
IMAGE_TAG = re.compile(r"<img\b[^>]*>")
IMAGE_ALT = re.compile(r'\salt="([^"]*)"')

EMPTY_PARAGRAPH = re.compile(r"<p>(?:\s|&nbsp;|\xa0|<br>)*</p>")


def _is_own_media(url: str) -> bool:
    return url.startswith(settings.MEDIA_URL) and "//" not in url[len(settings.MEDIA_URL) :]


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    # Images may only come from our own media library, never from another host.
    if tag == "img" and attribute == "src" and not _is_own_media(value):
        return None
    # The classes CKEditor 5 reads a figure by: without "image" it loads a captioned photo as
    # an inline image and its caption as loose text, and the next save stores that. "table"
    # is also the scroll box the site's CSS gives wide tables.
    if tag == "figure" and attribute == "class":
        kept = [name for name in ("image", "table") if name in value.split()]
        return kept[0] if kept else None
    if attribute in {"colspan", "rowspan"}:
        return value.strip() if value.strip().isdigit() and 0 < int(value) <= 1000 else None
    if attribute == "scope":
        return value.strip().lower() if value.strip().lower() in TABLE_SCOPES else None
    return value


def _filter_attribute_absolute(tag: str, attribute: str, value: str) -> str | None:
    value = _filter_attribute(tag, attribute, value)
    if (
        value
        and attribute in {"src", "href"}
        and value.startswith("/")
        and not value.startswith("//")
    ):
        return f"{settings.SITE_URL}{value}"
    return value


def _start_tag(tag: str, attrs: list[tuple[str, str | None]]) -> str:
    parts = "".join(f' {name}="{escape(value or "", quote=True)}"' for name, value in attrs if name)
    return f"<{tag}{parts}>"


class _Tidy(HTMLParser):
    """Passes nh3's output through unchanged except: a table always sits in
    <figure class="table"> (the scroll box), every <th> has a scope, an image left without
    a source goes, and for the page (`display`) the scroll box can be reached by keyboard,
    decorative images get alt="" and photos their credit (in the figure's caption)."""

    def __init__(self, display: bool, credits: dict[str, str] | None = None):
        super().__init__(convert_charrefs=False)
        self.display = display
        self.credits = credits or {}
        self.out: list[str] = []
        self.stack: list[str] = []
        self.wrapped_tables: list[bool] = []
        # Per open image figure: the credit of its photo, and whether it has been written.
        self.figures: list[dict] = []

    def handle_starttag(self, tag, attrs):
        raw = self.get_starttag_text()
        if tag == "table":
            wrapped = bool(self.stack) and self.stack[-1] == "figure.table"
            if not wrapped:
                self.out.append(self._figure())
            self.wrapped_tables.append(wrapped)
        elif tag == "figure" and ("class", "table") in attrs:
            raw = self._figure()
            tag = "figure.table"
        elif tag == "figure":
            self.figures.append({"credit": None, "written": False})
        elif tag == "th" and not any(name == "scope" for name, _value in attrs):
            scope = "col" if "thead" in self.stack else "row"
            raw = _start_tag("th", [*attrs, ("scope", scope)])
        elif tag == "img" and not dict(attrs).get("src"):
            return  # what nh3 leaves of an image from another host: nothing to show
        elif tag == "img":
            # One attribute order: CKEditor writes them in another order each time it loads a
            # body, and an unchanged body must be stored unchanged.
            attrs = sorted(attrs, key=lambda a: IMAGE_ATTRIBUTE_ORDER.get(a[0], len(attrs)))
            if self.display and dict(attrs).get("alt") == DECORATIVE_ALT:
                attrs = [(k, "" if k == "alt" else v) for k, v in attrs]
            raw = _start_tag("img", attrs)
        self.out.append(raw)
        if tag == "img":
            credit = self.credits.get(dict(attrs).get("src") or "")
            if credit and self.figures and "figure" in self.stack:
                self.figures[-1]["credit"] = credit
            elif credit:
                self.out.append(f" {self._credit(credit)}")
        if tag not in {"img", "br"}:
            self.stack.append(tag)

    @staticmethod
    def _credit(credit: str) -> str:
        text = gettext("Photo: %(credit)s") % {"credit": credit}
        return f'<span class="credit">{escape(text, quote=False)}</span>'

    def _figure(self) -> str:
        return '<figure class="table" tabindex="0">' if self.display else '<figure class="table">'

    def handle_endtag(self, tag):
        figure = self.figures[-1] if self.figures and "figure" in self.stack else None
        if figure and figure["credit"] and not figure["written"]:
            if tag == "figcaption":
                self.out.append(f" {self._credit(figure['credit'])}")
                figure["written"] = True
            elif tag == "figure" and self.stack and self.stack[-1] == "figure":
                self.out.append(f"<figcaption>{self._credit(figure['credit'])}</figcaption>")
                figure["written"] = True
        if tag == "figure" and figure is not None and self.stack and self.stack[-1] == "figure":
            self.figures.pop()
        self.out.append(f"</{tag}>")
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index].split(".")[0] == tag:
                del self.stack[index:]
                break
        if tag == "table" and self.wrapped_tables and not self.wrapped_tables.pop():
            self.out.append("</figure>")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        self.out.append(data)

    def handle_entityref(self, name):
        self.out.append(f"&{name};")

    def handle_charref(self, name):
        self.out.append(f"&#{name};")


def sanitize_html(html: str | None, *, absolute_urls: bool = False, display: bool = False) -> str:
    """Clean HTML to the allow-list; with absolute_urls, for use off the site (feeds, e-mail);
    with display, as shown on our pages (keyboard-scrollable tables, decorative images)."""
    if not html:
        return ""
    cleaned = _clean(html, absolute_urls, settings.MEDIA_URL, settings.SITE_URL)
    credits = {}
    if display and credit_lookup is not None and "<img" in cleaned:
        credits = credit_lookup(
            [html_module.unescape(source) for source in IMAGE_SOURCE.findall(cleaned)]
        )
    return _tidied(cleaned, display, tuple(sorted(credits.items())), get_language())


# Cleaning is a pure function of the text and the settings it reads, and the same bodies are
# shown again and again (release pages, every feed item): each process keeps the last results.
@functools.lru_cache(maxsize=2048)
def _clean(html: str, absolute_urls: bool, media_url: str, site_url: str) -> str:
    cleaned = nh3.clean(
        without_control_characters(html),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        attribute_filter=_filter_attribute_absolute if absolute_urls else _filter_attribute,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    # A character reference such as &#2; is read as the control character itself.
    cleaned = without_control_characters(cleaned)
    # Word's empty spacer paragraphs (<p>&nbsp;</p>, <o:p></o:p> leftovers) are not content.
    return EMPTY_PARAGRAPH.sub("", cleaned)


@functools.lru_cache(maxsize=2048)
def _tidied(cleaned: str, display: bool, credits: tuple, language: str | None) -> str:
    # (the language is part of the key: photo credits are written in it)
    tidy = _Tidy(display, dict(credits))
    tidy.feed(cleaned)
    tidy.close()
    return "".join(tidy.out).strip()


def fill_missing_alt(cleaned: str) -> str:
    """A photo put in the body without a text alternative gets the one written for it in the
    media library, so it need not be typed twice. `cleaned`: sanitize_html's output, whose
    image tags carry src first and double-quoted values."""
    if alt_lookup is None or "<img" not in cleaned:
        return cleaned

    def needs_alt(tag: str) -> bool:
        found = IMAGE_ALT.search(tag)
        return found is None or not found.group(1).strip()

    missing = [tag for tag in IMAGE_TAG.findall(cleaned) if needs_alt(tag)]
    sources = [html_module.unescape(m.group(1)) for t in missing if (m := IMAGE_SOURCE.search(t))]
    alts = alt_lookup(sources) if sources else {}
    if not alts:
        return cleaned

    def filled(match: re.Match) -> str:
        tag = match.group(0)
        source = IMAGE_SOURCE.search(tag)
        alt = alts.get(html_module.unescape(source.group(1))) if source else None
        if not alt or not needs_alt(tag):
            return tag
        tag = IMAGE_ALT.sub("", tag)
        return f'{tag[: source.end()]} alt="{escape(alt, quote=True)}"{tag[source.end() :]}'

    return IMAGE_TAG.sub(filled, cleaned)


def tables_without_headers(html: str | None) -> int:
    """How many tables have no header cell (<th>): screen readers then cannot say which
    column or row a number belongs to."""
    cleaned = sanitize_html(html)
    return sum(
        1 for table in re.findall(r"<table.*?</table>", cleaned, flags=re.S) if "<th" not in table
    )


# What cleaning takes away --------------------------------------------------------------

# Markup noise: dropping these changes nothing a reader gets (Word's spans, fonts and <o:p>,
# layout divs, style sheets, document wrappers).
NOISE_TAGS = {
    "span",
    "font",
    "div",
    "o:p",
    "style",
    "meta",
    "link",
    "xml",
    "html",
    "head",
    "body",
    "title",
    "colgroup",
    "col",
    "section",
    "article",
    "main",
    "header",
    "footer",
}
INVISIBLE_TEXT_TAGS = {"style", "script", "head", "title", "xml", "template"}


class _Inventory(HTMLParser):
    """The elements that carry meaning (links only with a target, images only with a source)
    and the visible text of a piece of HTML."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: dict[str, int] = {}
        self.words: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        self._count(tag, dict(attrs))
        if tag in INVISIBLE_TEXT_TAGS:
            self.hidden += 1

    def handle_startendtag(self, tag, attrs):
        self._count(tag, dict(attrs))

    def _count(self, tag, attrs):
        if tag in NOISE_TAGS or ":" in tag:
            return
        if tag == "a" and not attrs.get("href"):
            return
        if tag == "img" and not attrs.get("src"):
            return
        if tag == "figure" or tag == "p":
            return  # wrappers; what they hold is counted
        self.elements[tag] = self.elements.get(tag, 0) + 1

    def handle_endtag(self, tag):
        if tag in INVISIBLE_TEXT_TAGS and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.words.extend(data.split())


def _inventory(html: str) -> _Inventory:
    inventory = _Inventory()
    inventory.feed(html)
    inventory.close()
    return inventory


def _letters(words: list[str]) -> tuple[str, str, list[int]]:
    text = " ".join(words)
    positions = [index for index, character in enumerate(text) if not character.isspace()]
    return text, "".join(text[index] for index in positions), positions


@dataclass
class Removal:
    """What sanitize_html takes from a text: meaningful elements (by tag name, with how
    many) and runs of words that would be lost."""

    elements: list[tuple[str, int]] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)

    def __bool__(self):
        return bool(self.elements or self.texts)


def removed_by_sanitiser(html: str | None) -> Removal:
    if not html:
        return Removal()
    before = _inventory(html)
    after = _inventory(sanitize_html(html))
    removal = Removal()
    for tag, count in before.elements.items():
        lost = count - after.elements.get(tag, 0)
        if lost > 0:
            removal.elements.append((tag, lost))
    # Compared letter by letter, so "m<sup>2</sup>" becoming "m2" loses nothing.
    text, letters, positions = _letters(before.words)
    _after_text, after_letters, _after_positions = _letters(after.words)
    if letters != after_letters:
        matcher = difflib.SequenceMatcher(a=letters, b=after_letters, autojunk=False)
        for operation, start, end, _b_start, _b_end in matcher.get_opcodes():
            if operation in {"delete", "replace"}:
                snippet = text[positions[start] : positions[end - 1] + 1]
                removal.texts.append(snippet if len(snippet) <= 80 else snippet[:79] + "…")
    return removal
