import functools
import json

from django import template
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from common.querystrings import canonical_query
from common.urls import absolute_url

register = template.Library()


@register.filter
def absolute(path):
    """An absolute URL built on SITE_URL, for feeds, e-mail and sharing tags."""
    return absolute_url(str(path))


@register.filter
def lang_attr(language):
    """` lang="da"` where a text is in another language than the one being written (the
    page's, or the release's inside its article), else nothing."""
    from django.utils.translation import get_language

    if language and language != get_language():
        return format_html(' lang="{}"', language)
    return ""


@register.filter
def in_lang(text, language):
    """The text, in a <span lang> where it is in another language than the one being written:
    for a Danish name inside an English sentence ("About <span lang="da">…</span>")."""
    from django.utils.html import conditional_escape
    from django.utils.translation import get_language

    if language and language != get_language() and text:
        return format_html('<span lang="{}">{}</span>', language, text)
    return conditional_escape(text)


@register.filter
def json_ld(data):
    """A schema.org JSON-LD block. Escaped like json_script, so no text can close the tag."""
    escaped = json.dumps(data, ensure_ascii=False).translate(JSON_ESCAPES)
    return format_html(
        '<script type="application/ld+json">{}</script>',
        mark_safe(escaped),  # noqa: S308 - <, > and & are escaped above
    )


JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def with_zone(moment):
    """ "3. maj 2021 kl. 09:00 (CEST)": Copenhagen time with its zone written out."""
    if not moment:
        return ""
    local = timezone.localtime(moment)
    return gettext("%(date)s at %(time)s (%(zone)s)") % {
        "date": formats.date_format(local, "DATE_FORMAT"),
        "time": local.strftime("%H:%M"),
        "zone": local.tzname(),
    }


@functools.lru_cache(maxsize=4096)
def _translated_path(path: str, code: str, active: str) -> str:
    # Resolving and reversing a path costs more than the rest of a kept page's frame; the
    # answer depends only on the URLconf, which a deploy's restart brings anew.
    from django.urls import translate_url

    return translate_url(path, code)


@register.simple_tag(takes_context=True)
def language_versions(context):
    """This page in each language, for the language switch and hreflang alternates."""
    from django.conf import settings
    from django.utils.translation import get_language, get_language_info

    request = context.get("request")
    path = request.path if request else "/"
    # Only what the page reads: the page is kept for everyone who asks with other parameters.
    query = canonical_query(request) if request else ""
    current = get_language()
    # A release with versions in other languages: each language's link is that version.
    release_versions = context.get("release_versions")
    if release_versions:
        return _with_alternates(
            [{**version, "is_current": version["code"] == current} for version in release_versions]
        )
    # A page whose text is in one language whatever the interface (a release without
    # versions): only that language is an alternate; the others are the interface's.
    text_language = context.get("text_language")
    versions = []
    for code, _name in settings.LANGUAGES:
        url = _translated_path(path, code, current)
        versions.append(
            {
                "code": code,
                "name_local": get_language_info(code)["name_local"],
                "url": f"{url}?{query}" if query else url,
                "is_current": code == current,
                "alternate": text_language in (None, code),
            }
        )
    return _with_alternates(versions)


def _with_alternates(versions: list[dict]) -> list[dict]:
    """Each version marked `alternate` (a hreflang alternate: its text is in its language)
    unless said otherwise, and the first of those as the `default` (x-default)."""
    versions = [{"alternate": True, **version} for version in versions]
    for version in versions:
        if version["alternate"]:
            version["default"] = True
            break
    return versions
