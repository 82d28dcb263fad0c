"""What a reader with assistive technology meets in a release's text, found before it is
published, as Wagtail's accessibility checker finds it in its editor (issue 23).

These are warnings: the release can still be saved and published. What must not reach the
public at all (a body image without a text alternative, a photo without a credit) is refused
by newsroom/checks.py and not repeated here.

- headings that skip a level (the page's <h1> is the title, so the body starts at <h2>);
- empty headings;
- links without text, or whose text says nothing out of context ("klik her", "læs mere",
  "click here", "read more");
- tables without a header row;
- very long paragraphs in the lead.

Each warning names the top-level block of the body it is in (`block`, counted from 0 as
CKEditor shows the body), so the admin links to that place in the editor.
"""

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from common.richtext import sanitize_html

# Link texts that say nothing out of context, as screen readers list links (lower case,
# without punctuation).
VAGUE_LINK_TEXTS = {
    "klik her",
    "klik",
    "her",
    "læs mere",
    "læs mere her",
    "læs her",
    "se mere",
    "se her",
    "mere",
    "link",
    "linket",
    "click here",
    "click",
    "here",
    "read more",
    "more",
    "learn more",
    "see more",
}
# A lead paragraph longer than this is hard to take in by ear (and is cut in lists and feeds).
LEAD_PARAGRAPH_WORDS = 60
HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
# The title is the page's <h1>: the body's first heading should be an <h2>.
TOP_LEVEL = 2


@dataclass(frozen=True)
class ContentWarning:
    code: str
    message: str
    # The top-level block of the body (0 = the first), or None: the lead.
    block: int | None = None

    def __str__(self):
        return self.message


def _words(text: str) -> str:
    return " ".join(text.split())


class _Reader(HTMLParser):
    """Walks the body once: headings with their text, links with their text (an image's
    text alternative counts), tables with or without a header cell; each with its block."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.block = -1
        self.headings: list[tuple[int, str, int]] = []  # (level, text, block)
        self.links: list[tuple[str, str, int]] = []  # (text, href, block)
        self.tables: list[tuple[bool, int]] = []  # (has a header cell, block)
        self._heading: tuple[int, list[str]] | None = None
        self._link: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        if self.depth == 0:
            self.block += 1
        if tag not in ("img", "br", "hr"):
            self.depth += 1
        attributes = dict(attrs)
        if tag in HEADINGS:
            self._heading = (HEADINGS[tag], [])
        elif tag == "a":
            self._link = (attributes.get("href") or "", [])
        elif tag == "table":
            self.tables.append((False, self.block))
        elif tag == "th" and self.tables:
            self.tables[-1] = (True, self.tables[-1][1])
        elif tag == "img":
            alt = (attributes.get("alt") or "").strip()
            if self._link is not None and alt and alt != "-":
                self._link[1].append(f" {alt} ")
            if self._heading is not None and alt and alt != "-":
                self._heading[1].append(f" {alt} ")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag):
        if tag not in ("img", "br", "hr"):
            self.depth = max(0, self.depth - 1)
        if tag in HEADINGS and self._heading is not None:
            level, parts = self._heading
            self.headings.append((level, _words("".join(parts)), self.block))
            self._heading = None
        elif tag == "a" and self._link is not None:
            href, parts = self._link
            self.links.append((_words("".join(parts)), href, self.block))
            self._link = None

    def handle_data(self, data):
        if self.depth == 0 and data.strip():
            self.block += 1  # loose text at the top level is a paragraph in the editor
        if self._heading is not None:
            self._heading[1].append(data)
        if self._link is not None:
            self._link[1].append(data)


def _quoted(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def body_warnings(body: str | None) -> list[ContentWarning]:
    """What a screen reader's user meets in `body` (as it will be stored), in reading order."""
    reader = _Reader()
    reader.feed(sanitize_html(body or ""))
    reader.close()
    found: list[tuple[int, int, ContentWarning]] = []

    previous = TOP_LEVEL - 1
    for index, (level, text, block) in enumerate(reader.headings):
        if not text:
            found.append(
                (
                    block,
                    index,
                    ContentWarning(
                        "empty_heading",
                        _(
                            "An empty heading (level %(level)d): a screen reader announces a "
                            "heading with nothing in it. Write its text or make it a paragraph."
                        )
                        % {"level": level},
                        block,
                    ),
                )
            )
        if level > previous + 1:
            found.append(
                (
                    block,
                    index,
                    ContentWarning(
                        "skipped_heading",
                        _(
                            "The heading “%(text)s” is at level %(level)d after level "
                            "%(previous)d: a level is skipped, so it seems something is "
                            "missing. Make it “Heading %(expected)d”."
                        )
                        % {
                            "text": _quoted(text) or "–",
                            "level": level,
                            "previous": previous,
                            "expected": previous + 1,
                        },
                        block,
                    ),
                )
            )
        previous = level

    for index, (text, href, block) in enumerate(reader.links):
        normalised = re.sub(r"[^\w\s]", "", text.lower()).strip()
        normalised = " ".join(normalised.split())
        if not text:
            message = _(
                "A link without text (to %(href)s): a screen reader can only read out its "
                "address. Give the link words that say where it leads."
            ) % {"href": _quoted(href) or "–"}
            code = "empty_link"
        elif normalised in VAGUE_LINK_TEXTS:
            message = _(
                "The link “%(text)s” says nothing on its own: screen readers list links out "
                "of context. Write where it leads, e.g. “the report on LOS' site”."
            ) % {"text": text}
            code = "vague_link"
        else:
            continue
        found.append((block, 1000 + index, ContentWarning(code, message, block)))

    for index, (has_header, block) in enumerate(reader.tables):
        if not has_header:
            found.append(
                (
                    block,
                    2000 + index,
                    ContentWarning(
                        "table_without_header",
                        _(
                            "A table without a header row: a screen reader cannot say what "
                            "each number is. Click in the table, open “Row” in its toolbar "
                            "and choose “Header row”."
                        ),
                        block,
                    ),
                )
            )

    found.sort(key=lambda item: (item[0], item[1]))
    return [warning for _block, _order, warning in found]


def lead_warnings(lead: str | None) -> list[ContentWarning]:
    """A lead paragraph too long to take in by ear."""
    warnings = []
    for paragraph in re.split(r"\n\s*\n", lead or ""):
        words = len(paragraph.split())
        if words > LEAD_PARAGRAPH_WORDS:
            warnings.append(
                ContentWarning(
                    "long_lead",
                    _(
                        "The lead has a paragraph of %(words)d words: above %(limit)d it is "
                        "hard to take in, read aloud or on a phone. Move some of it into the "
                        "body."
                    )
                    % {"words": words, "limit": LEAD_PARAGRAPH_WORDS},
                )
            )
    return warnings


def release_warnings(release, *, body: str | None = None, lead: str | None = None):
    """Every content warning for a release: the lead's, then the body's in reading order."""
    return [
        *lead_warnings(release.lead if lead is None else lead),
        *body_warnings(release.body if body is None else body),
    ]


def content_checks_html(warnings: list[ContentWarning]):
    """The warnings as the release's form shows them, each with a link to its place: the
    lead's field, or the body's block (static/js/admin-a11y.js moves the editor's cursor
    there; without JavaScript the link leads to the body's field)."""
    if not warnings:
        return _(
            "Nothing found: the headings follow each other, every link says where it leads, "
            "every table has a header row and the lead is short enough. (Checked when saved.)"
        )
    return format_html(
        '<p>{}</p><ul class="content-checks">{}</ul>',
        _(
            "Not errors – the release can be published – but a reader with a screen reader "
            "will meet these. Checked when saved:"
        ),
        format_html_join(
            "",
            "<li>{} {}</li>",
            (
                (
                    warning.message,
                    format_html('<a href="#id_lead">{}</a>', _("Go to the lead"))
                    if warning.block is None
                    else format_html(
                        '<a href="#id_body" data-body-block="{}">{}</a>',
                        warning.block,
                        _("Go to block %(number)d of the body") % {"number": warning.block + 1},
                    ),
                )
                for warning in warnings
            ),
        ),
    )
