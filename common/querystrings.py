"""The query parameters each page reads, and nothing else.

A public page is kept in the page cache under its address; a query parameter the page does not
read must neither make another copy (`/feeds/rss/?r=<random>` per request would fill Redis) nor
be printed into the page (the language switch, the API's next link), or one visitor's address
would be kept for all. Pages name what they read here, by their URL's name; everything else in
a query string is ignored.
"""

from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.urls import Resolver404, resolve
from django.utils import translation

_READ_BY_URL_NAME: dict[str, frozenset[str]] = {}


def reads_query_parameters(url_name: str, *names: str) -> None:
    """Declare that the page named `url_name` ("newsroom:search") reads `names`."""
    _READ_BY_URL_NAME[url_name] = frozenset(names)


def parameters_read_at(path: str) -> frozenset[str]:
    """The query parameters the page at `path` reads (none for an unknown address)."""
    for code, _name in settings.LANGUAGES:
        prefix = f"/{code}/"
        if code != settings.LANGUAGE_CODE and path.startswith(prefix):
            path = path[len(prefix) - 1 :]  # every language's page has the same address
            break
    try:
        with translation.override(settings.LANGUAGE_CODE):
            match = resolve(path)
    except Resolver404:
        return frozenset()
    return _READ_BY_URL_NAME.get(match.view_name, frozenset())


def canonical_query(request) -> str:
    """The request's query string with only what its page reads, in a fixed order ("" if
    nothing is left)."""
    query = request.META.get("QUERY_STRING", "")
    if not query:
        return ""
    match = getattr(request, "resolver_match", None)
    if match is not None:  # the page's own view, resolved already: no second resolve()
        read = _READ_BY_URL_NAME.get(match.view_name, frozenset())
    else:  # before the view is known (the page cache's key)
        read = parameters_read_at(request.path)
    pairs = parse_qsl(query, keep_blank_values=True)
    kept = [(name, value) for name, value in pairs if name in read]
    kept.sort(key=lambda pair: pair[0])  # stable: repeated names keep their order
    return urlencode(kept)
