"""What must be true before a release reaches the public, checked in one place: by the admin
form and by services.release_publish (and so by the "Publish now" action).

- every image in the body has a text alternative, or is marked as decoration by typing a
  single hyphen (common.richtext.DECORATIVE_ALT) as its text alternative in the editor;
- every photo from the media library in the body, and every press photo, has a
  photographer credit.
"""

from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import PurePosixPath

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from common.richtext import fill_missing_alt, sanitize_html
from media.lookup import images_for_urls
from media.models import Image


@dataclass(frozen=True)
class Problem:
    message: str
    # Where it is fixed: an image's page in the admin, or empty when it is fixed in the editor.
    fix_url: str = ""

    def __str__(self):
        return self.message


class _BodyImages(HTMLParser):
    def __init__(self):
        super().__init__()
        self.images: list[dict[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "img":
            self.images.append(dict(attrs))

    handle_startendtag = handle_starttag


def body_images(html: str | None) -> list[dict[str, str | None]]:
    """The <img> tags of a body, as attribute dicts, in order."""
    parser = _BodyImages()
    parser.feed(html or "")
    parser.close()
    return parser.images


def library_images_in(html: str | None) -> list[Image]:
    """The media library's photos a body shows, in the order it shows them, each once."""
    images = body_images(html)
    library = images_for_urls([attrs.get("src") or "" for attrs in images])
    found: dict[int, Image] = {}
    for attrs in images:
        image = library.get(attrs.get("src") or "")
        if image is not None:
            found.setdefault(image.pk, image)
    return list(found.values())


def _image_change_url(image: Image) -> str:
    return reverse("admin:media_image_change", args=[image.pk])


def publication_problems(release, *, body: str | None = None) -> list[Problem]:
    """Why `release` may not go public, as messages naming each image; empty if it may.

    `body` is the text about to be saved (the admin form's), else the release's own. Press
    photos are those already linked; rows being added are checked by ReleaseImage.clean.
    """
    body = release.body if body is None else body
    problems: list[Problem] = []
    images = body_images(fill_missing_alt(sanitize_html(body)))  # as it will be stored
    library = images_for_urls([attrs.get("src") or "" for attrs in images])
    for number, attrs in enumerate(images, start=1):
        source = attrs.get("src") or ""
        image = library.get(source)
        name = (image.title or PurePosixPath(source).name) if image else PurePosixPath(source).name
        alt = (attrs.get("alt") or "").strip()
        if not alt:
            problems.append(
                Problem(
                    _(
                        "Image %(number)d in the body (“%(name)s”) has no text alternative. "
                        "Click the image in the editor, choose “Change image text alternative” "
                        "and describe what it shows – or type a single hyphen (-) if it is "
                        "only decoration."
                    )
                    % {"number": number, "name": name}
                )
            )
        if image is not None and not image.credit.strip():
            problems.append(
                Problem(
                    _("Image %(number)d in the body (“%(name)s”) has no photographer credit.")
                    % {"number": number, "name": name},
                    _image_change_url(image),
                )
            )
    if release.pk:
        for link in release.image_links.select_related("image"):
            if not link.image.credit.strip():
                problems.append(
                    Problem(
                        _("The press photo “%(name)s” has no photographer credit.")
                        % {"name": str(link.image)},
                        _image_change_url(link.image),
                    )
                )
    return problems


def problems_html(problems: list[Problem], *, public: bool = False):
    """The refusal as the admin shows it: what is wrong with each image, and where to fix it.
    `public`: the release is out already, so it is the change that cannot be saved."""
    heading = (
        _("The change cannot be saved while the release is public:")
        if public
        else _("The release cannot be published yet:")
    )
    return format_html(
        "{}<ul>{}</ul>",
        heading,
        format_html_join(
            "",
            "<li>{}{}</li>",
            (
                (
                    problem.message,
                    format_html(
                        ' <a href="{}" target="_blank">{}</a>',
                        problem.fix_url,
                        _("Add the credit on the image's page (opens in a new tab)."),
                    )
                    if problem.fix_url
                    else "",
                )
                for problem in problems
            ),
        ),
    )
