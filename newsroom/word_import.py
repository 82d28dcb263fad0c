"""A Word document (.docx) made into a draft press release.

`convert_docx` is the conversion: bytes in, a `ConvertedDocument` out, nothing stored. mammoth
reads the document; its first Heading 1 (or Title) becomes the title, the first ordinary
paragraph after that the lead, the rest the body, its headings moved so they start at h2 (the
page's h1 is the title). The body is cleaned by the same allow-list as everything else
(common.richtext), and what mammoth or the cleaning could not carry over is said in words.

Embedded images are checked as every upload is (common.uploads) in mammoth's image hook; one
that passes gets a placeholder address in the body, one that fails is left out and named.
`create_draft` then puts the images through the media library's pipeline and writes the draft,
in one transaction, so a failure leaves nothing behind.
"""

import hashlib
import io
import logging
import re
import zipfile
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser

import mammoth
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from common.admin import ELEMENT_NAMES
from common.richtext import removed_by_sanitiser, sanitize_html, tables_without_headers
from common.slugs import unique_slug
from common.uploads import validate_image_file
from media.models import Image
from media.services import delete_image_files, image_create
from media.views import EDITOR_IMAGE_WIDTH
from newsroom.models import PressRelease
from newsroom.slugs import earlier_address_owner

logger = logging.getLogger(__name__)

# Word's built-in styles that have a place on the site besides mammoth's own defaults (Heading
# 1-6, lists, Normal). Built-in style names are stored in English whatever Word's language.
STYLE_MAP = """
p[style-name='Title'] => h1:fresh
p[style-name='Subtitle'] => p:fresh
p[style-name='Body Text'] => p:fresh
p[style-name='No Spacing'] => p:fresh
p[style-name='Normal (Web)'] => p:fresh
p[style-name='Quote'] => blockquote > p:fresh
p[style-name='Intense Quote'] => blockquote > p:fresh
r[style-name='Emphasis'] => em
r[style-name='Subtle Emphasis'] => em
r[style-name='Intense Emphasis'] => strong
"""
# The whole package unpacked: far above any press release with photos, and a bound on what a
# small ZIP that unpacks to gigabytes (a zip bomb) can make the server read.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
# Each XML part (the text, styles, numbering): mammoth holds it as a DOM, many times its size.
MAX_XML_PART_BYTES = 25 * 1024 * 1024
DOCUMENT_PART = "word/document.xml"
# The site's headings are h2-h4 (common.richtext.ALLOWED_TAGS): deeper levels become h4.
FIRST_BODY_HEADING = 2
LAST_BODY_HEADING = 4
HEADING_TAG = re.compile(r"<(/?)h([1-6])(?=[\s>/])")
UNRECOGNISED_STYLE = re.compile(
    r"^Unrecognised (?:paragraph|run) style: (?P<name>.*) \(Style ID: (?P<id>.*)\)$"
)
# Links to a place in the document itself (table of contents, footnotes): the page keeps no
# anchors (the cleaning drops ids), so they would lead nowhere. mammoth marks a footnote's way
# back with "↑".
INTERNAL_LINK = re.compile(r'<a href="#[^"]*"[^>]*>(.*?)</a>', re.S)
FOOTNOTE_BACK_LINK = "↑"
# mammoth's note on an image type browsers do not show: the image itself is named instead.
UNLIKELY_IMAGE_TYPE = re.compile(r"^Image of type .* is unlikely to display")
CONTENT_TYPE_EXTENSIONS = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}


def not_a_docx() -> ValidationError:
    return ValidationError(
        _(
            "The file is not a Word document we can read. Open it in Word, choose "
            "“Save as” › “Word Document (.docx)” and upload that file."
        ),
        code="not_docx",
    )


@dataclass
class EmbeddedImage:
    """An image from the document that passed the upload checks, waiting to be stored."""

    number: int  # in the order the document shows them
    data: bytes
    file_name: str
    alt_text: str
    placeholder: str  # its src in ConvertedDocument.body until it is stored


@dataclass
class ConvertedDocument:
    title: str
    lead: str
    body: str  # cleaned; images have their placeholder as src
    images: list[EmbeddedImage] = field(default_factory=list)
    # What could not be carried over, in words for the press officer.
    notices: list[str] = field(default_factory=list)


@dataclass
class _Block:
    """A top-level element of mammoth's HTML: a paragraph, heading, list, table or quote."""

    tag: str
    html: str
    text: str
    has_image: bool


class _Blocks(HTMLParser):
    VOID = {"img", "br", "hr", "wbr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.blocks: list[_Block] = []
        self._depth = 0
        self._open("")

    def _open(self, tag: str):
        self._tag, self._html, self._text, self._has_image = tag, [], [], False

    def _close(self):
        text = " ".join("".join(self._text).split())
        self.blocks.append(_Block(self._tag, "".join(self._html), text, self._has_image))

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            self.handle_startendtag(tag, attrs)
            return
        if self._depth == 0:
            self._open(tag)
        self._html.append(self.get_starttag_text())
        self._depth += 1

    def handle_startendtag(self, tag, attrs):
        if self._depth == 0:
            self._open(tag)
        self._html.append(self.get_starttag_text())
        self._has_image = self._has_image or tag == "img"
        if tag == "br":
            self._text.append(" ")
        if self._depth == 0:
            self._close()

    def handle_endtag(self, tag):
        if self._depth == 0:
            return  # a stray end tag
        self._html.append(f"</{tag}>")
        self._depth -= 1
        if self._depth == 0:
            self._close()

    def handle_data(self, data):
        if self._depth == 0:  # text outside any element: a paragraph of its own
            self._open("p")
            self._html.append(f"<p>{escape(data, quote=False)}</p>")
            self._text.append(data)
            self._close()
            return
        self._html.append(escape(data, quote=False))
        self._text.append(data)


def _blocks(html: str) -> list[_Block]:
    parser = _Blocks()
    parser.feed(html)
    parser.close()
    return parser.blocks


def _without_internal_links(html: str) -> str:
    def plain(match):
        return "" if match.group(1).strip() == FOOTNOTE_BACK_LINK else match.group(1)

    return INTERNAL_LINK.sub(plain, html)


def _shift_headings(html: str, shift: int) -> str:
    def moved(match):
        level = min(int(match.group(2)) + shift, LAST_BODY_HEADING)
        return f"<{match.group(1)}h{level}"

    return HEADING_TAG.sub(moved, html)


def _check_package(data: bytes) -> None:
    """A ZIP with a Word document in it, that does not unpack to more than we will read."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            members = package.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise not_a_docx() from None
    if DOCUMENT_PART not in {member.filename for member in members}:
        raise not_a_docx()
    if sum(member.file_size for member in members) > MAX_UNPACKED_BYTES or any(
        member.file_size > MAX_XML_PART_BYTES
        for member in members
        if member.filename.lower().endswith((".xml", ".rels"))
    ):
        raise ValidationError(
            _(
                "The document unpacks to more than we can read. Save it again without large "
                "embedded files and upload that."
            ),
            code="too_large_unpacked",
        )


class _ImageCollector:
    """mammoth's image hook: each image checked like an upload, kept or left out."""

    def __init__(self):
        self.images: list[EmbeddedImage] = []
        self.notices: list[str] = []
        self._seen = 0
        self._by_digest: dict[str, EmbeddedImage] = {}

    def convert(self, image) -> list:
        attributes = self._attributes(image)
        if "src" not in attributes:
            return []  # left out: no <img> at all
        if image.alt_text:
            attributes["alt"] = " ".join(image.alt_text.split())
        return [mammoth.html.element("img", attributes)]

    def _attributes(self, image) -> dict:
        self._seen += 1
        number = self._seen
        extension = CONTENT_TYPE_EXTENSIONS.get(image.content_type or "")
        if extension is None:
            # Named by its own type (GIF, TIFF, EMF ...) so the check says what it is.
            subtype = (image.content_type or "").rpartition("/")[2] or "bin"
            extension = f".{subtype}"
        try:
            with image.open() as stream:
                data = stream.read(settings.MAX_IMAGE_UPLOAD_BYTES + 1)
        except Exception:  # a linked (not embedded) image, or a broken part
            self.notices.append(
                _(
                    "Image %(number)d was left out: it is linked from outside the document, "
                    "not embedded in it."
                )
                % {"number": number}
            )
            return {}
        digest = hashlib.sha256(data).hexdigest()
        if digest in self._by_digest:  # the same picture again: one media-library image
            return {"src": self._by_digest[digest].placeholder}
        file_name = f"word-image-{number}{extension}"
        try:
            validate_image_file(ContentFile(data, name=file_name))
        except ValidationError as error:
            self.notices.append(
                _("Image %(number)d was left out: %(reason)s")
                % {"number": number, "reason": " ".join(error.messages)}
            )
            return {}
        placeholder = f"{settings.MEDIA_URL}word-import/{digest}{extension}"
        embedded = EmbeddedImage(
            number=number,
            data=data,
            file_name=file_name,
            alt_text=" ".join((image.alt_text or "").split()),
            placeholder=placeholder,
        )
        self.images.append(embedded)
        self._by_digest[digest] = embedded
        return {"src": placeholder}


def _mammoth_notices(messages) -> list[str]:
    notices, plain_styles = [], []
    for message in messages:
        text = message.message
        unrecognised = UNRECOGNISED_STYLE.match(text)
        if unrecognised:
            name = unrecognised.group("name")
            name = unrecognised.group("id") if name == "None" else name
            if name not in plain_styles:
                plain_styles.append(name)
        elif not UNLIKELY_IMAGE_TYPE.match(text):
            notices.append(_("From the Word conversion: %(message)s") % {"message": text})
    if plain_styles:
        notices.insert(
            0,
            _("Text in these Word styles came over as ordinary paragraphs: %(styles)s.")
            % {"styles": ", ".join(f"“{name}”" for name in plain_styles)},
        )
    return notices


def _sanitiser_notices(body: str) -> list[str]:
    notices = []
    removal = removed_by_sanitiser(body)
    if removal.elements:
        removed = ", ".join(
            f"{ELEMENT_NAMES.get(tag, f'<{tag}>')} ({count})" for tag, count in removal.elements
        )
        notices.append(
            _("Formatting the public pages cannot show was removed: %(removed)s.")
            % {"removed": removed}
        )
    if removal.texts:
        notices.append(
            _("Text that could not be carried over: %(texts)s.")
            % {"texts": "; ".join(f"“{text}”" for text in removal.texts)}
        )
    headless = tables_without_headers(body)
    if headless:
        notices.append(
            ngettext(
                "A table has no header row: in the editor, click in the table, open “Row” and "
                "choose “Header row”, so screen readers can say what each number is.",
                "%(count)d tables have no header row: in the editor, click in each table, open "
                "“Row” and choose “Header row”, so screen readers can say what each number is.",
                headless,
            )
            % {"count": headless}
        )
    return notices


def convert_docx(data: bytes) -> ConvertedDocument:
    """The release a .docx holds; a ValidationError if it is not a Word document we can read
    or has no text to make a title from."""
    _check_package(data)
    collector = _ImageCollector()
    try:
        result = mammoth.convert_to_html(
            io.BytesIO(data),
            style_map=STYLE_MAP,
            convert_image=collector.convert,
            # A style map written into the file is the author's, not ours to follow.
            include_embedded_style_map=False,
            external_file_access=False,
        )
    except Exception as error:  # any parse error in an untrusted file is the same answer
        logger.info("Word import could not read a document: %r", error)
        raise not_a_docx() from None
    # Empty paragraphs (spacing typed with Enter) and empty headings are not content.
    blocks = [block for block in _blocks(result.value) if block.text or block.has_image]
    title_index = next(
        (i for i, block in enumerate(blocks) if block.tag == "h1" and block.text), None
    )
    notices = []
    if title_index is None:
        title_index = next(
            (i for i, block in enumerate(blocks) if block.tag == "p" and block.text), None
        )
        if title_index is not None:
            notices.append(
                _(
                    "The document has no Heading 1 or Title: its first paragraph became the "
                    "title and the next one the lead. Check both."
                )
            )
    if title_index is None:
        raise ValidationError(
            _("The document has no paragraph of text to make the title from."), code="no_title"
        )
    title = blocks[title_index].text
    title_limit = PressRelease._meta.get_field("title").max_length
    if len(title) > title_limit:
        notices.append(
            _(
                "The title was cut to %(limit)d characters; the whole first heading was: "
                "“%(title)s”."
            )
            % {"limit": title_limit, "title": title}
        )
        title = title[: title_limit - 1].rstrip() + "…"
    lead_index = next(
        (
            i
            for i, block in enumerate(blocks)
            if i > title_index and block.tag == "p" and block.text and not block.has_image
        ),
        None,
    )
    if lead_index is None:
        notices.append(_("No paragraph after the title could be the lead: write one."))
    body_blocks = [block for i, block in enumerate(blocks) if i not in {title_index, lead_index}]
    levels = [int(block.tag[1]) for block in body_blocks if re.fullmatch(r"h[1-6]", block.tag)]
    shift = max(0, FIRST_BODY_HEADING - min(levels)) if levels else 0
    raw_body = _without_internal_links(
        _shift_headings("".join(block.html for block in body_blocks), shift)
    )
    body = sanitize_html(raw_body)
    # Images only in the title or lead paragraph are not in the body: not stored either.
    images = [image for image in collector.images if image.placeholder in body]
    notices.extend(
        _(
            "Image %(number)d has no description in Word: give it a text alternative in the "
            "editor before publishing."
        )
        % {"number": image.number}
        for image in images
        if not image.alt_text
    )
    return ConvertedDocument(
        title=title,
        lead=blocks[lead_index].text if lead_index is not None else "",
        body=body,
        images=images,
        notices=[
            *_mammoth_notices(result.messages),
            *collector.notices,
            *notices,
            *_sanitiser_notices(raw_body),
        ],
    )


@dataclass
class ImportedDraft:
    release: PressRelease
    images: list[Image]
    notices: list[str]


def _without_image(body: str, placeholder: str) -> str:
    return re.sub(rf'<img[^>]*\ssrc="{re.escape(escape(placeholder))}"[^>]*>', "", body)


def create_draft(converted: ConvertedDocument, *, user) -> ImportedDraft:
    """The converted document as a draft by `user`, its images in the media library (without
    a credit: the press officer adds it before publishing)."""
    notices = list(converted.notices)
    stored: list[Image] = []
    body = converted.body
    try:
        with transaction.atomic():
            for embedded in converted.images:
                try:
                    image = image_create(
                        upload=ContentFile(embedded.data, name=embedded.file_name),
                        title=(
                            _("%(title)s – image %(number)d")
                            % {"title": converted.title, "number": embedded.number}
                        )[:200],
                        alt_text=embedded.alt_text[:300],
                    )
                except ValidationError as error:
                    notices.append(
                        _("Image %(number)d was left out: %(reason)s")
                        % {"number": embedded.number, "reason": " ".join(error.messages)}
                    )
                    body = _without_image(body, embedded.placeholder)
                    continue
                stored.append(image)
                url = image.rendition(EDITOR_IMAGE_WIDTH).file.url
                body = body.replace(f'src="{escape(embedded.placeholder)}"', f'src="{escape(url)}"')
            release = PressRelease(
                title=converted.title,
                # Past the earlier addresses that still redirect, as the admin form does.
                slug=unique_slug(PressRelease, converted.title, reserved=earlier_address_owner),
                lead=converted.lead,
                body=body,
                status=PressRelease.Status.DRAFT,
                created_by=user,
            )
            release._history_user = user
            release.save()
    except BaseException:
        for image in stored:
            delete_image_files(image)
        raise
    return ImportedDraft(release=release, images=stored, notices=notices)
