"""The one allow-list for rich text. Applied when HTML is stored and again when it is shown."""

import nh3
from django.conf import settings

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
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}


def _is_own_media(url: str) -> bool:
    return url.startswith(settings.MEDIA_URL) and "//" not in url[len(settings.MEDIA_URL) :]


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    # Images may only come from our own media library, never from another host.
    if tag == "img" and attribute == "src" and not _is_own_media(value):
        return None
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


def sanitize_html(html: str | None, *, absolute_urls: bool = False) -> str:
    """Clean HTML to the allow-list; with absolute_urls, for use off the site (feeds, e-mail)."""
    if not html:
        return ""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        attribute_filter=_filter_attribute_absolute if absolute_urls else _filter_attribute,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()
