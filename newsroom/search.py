"""Search over published releases, people and organisations.

PostgreSQL: full-text search with the `danish` configuration (stemming, so "samskabende"
finds "samskabelse"), ranked, with highlighted snippets. Other databases: a plain
word-by-word match, so search still works on the embedded SQLite default.
"""

import html
import re
from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, Func, Q, TextField, Value
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from common.text import without_control_characters
from newsroom.managers import public_organisations, public_people
from newsroom.models import PressRelease
from organisations.models import Organisation
from people.models import Person

MAX_QUERY_LENGTH = 200
MAX_RESULTS = 20
# How many of the newest matches are ranked (see _search_releases_postgres).
RANK_WINDOW = 200
SEARCH_CONFIG = "danish"
# Markers PostgreSQL puts around matches; swapped for <mark> after escaping.
START, STOP = "\x02", "\x03"
MARKERS = re.compile("(\x02|\x03)")


@dataclass
class ReleaseHit:
    release: PressRelease
    snippet: SafeString


def clean_query(raw: str | None) -> str:
    """Trim, collapse white space and cap the length: any input is a valid query."""
    text = " ".join((raw or "").split())
    return text[:MAX_QUERY_LENGTH]


def query_words(query: str) -> list[str]:
    return [word for word in re.findall(r"\w+", query.lower()) if len(word) > 1][:10]


# A keyboard without æ, ø and å writes them as the addresses here do: ae, oe, aa.
TRANSLITERATED = {"ae": "æ", "oe": "ø", "aa": "å", "Ae": "Æ", "Oe": "Ø", "Aa": "Å"}


def with_danish_letters(text: str) -> str:
    """Writes "Soeren Aagesen" as "Søren Ågesen" (searched beside what was typed)."""
    return re.sub("|".join(TRANSLITERATED), lambda match: TRANSLITERATED[match.group(0)], text)


def _spellings(word: str) -> list[str]:
    danish = with_danish_letters(word)
    return [word] if danish == word else [word, danish]


def _marked(text: str) -> SafeString:
    """Escape text (plain, possibly with HTML entities) and turn markers into <mark>."""
    # Split on the markers first: a marker's character written in the text as a reference
    # ("&#2;") is decoded below, and must stay text.
    shown = []
    for part in MARKERS.split(text):
        if part == START:
            shown.append("<mark>")
        elif part == STOP:
            shown.append("</mark>")
        else:
            shown.append(escape(without_control_characters(html.unescape(part))))
    return mark_safe("".join(shown))  # noqa: S308


def _strip_tags_sql(expression):
    return Func(
        _without_markers_sql(expression),
        Value(r"<[^>]+>"),
        Value(" "),
        Value("g"),
        function="regexp_replace",
        output_field=TextField(),
    )


def _without_markers_sql(expression):
    # The markers typed into a text (stored before control characters were taken out on save)
    # must not become <mark> in a snippet: only PostgreSQL's own may.
    return Func(
        expression, Value(START + STOP), Value(""), function="translate", output_field=TextField()
    )


def search_releases(query: str) -> list[ReleaseHit]:
    if not query_words(query):
        return []
    releases = PressRelease.objects.published().for_listing()
    if connection.vendor == "postgresql":
        return _search_releases_postgres(releases, query)
    return _search_releases_simple(releases, query)


def release_search_vector():
    """Title weighs most, then the lead, then the body without its tags."""
    return (
        SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("lead", weight="B", config=SEARCH_CONFIG)
        + SearchVector(_strip_tags_sql(F("body")), weight="C", config=SEARCH_CONFIG)
    )


def update_search_vector(release_ids) -> None:
    """Store the vector (PostgreSQL only) so searches use the GIN index, not a table scan."""
    if connection.vendor == "postgresql":
        PressRelease.objects.filter(pk__in=release_ids).update(
            search_vector=release_search_vector()
        )


def _search_releases_postgres(releases, query):
    search_query = SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch")
    if with_danish_letters(query) != query:
        search_query |= SearchQuery(
            with_danish_letters(query), config=SEARCH_CONFIG, search_type="websearch"
        )
    # Ranking costs per match: a word in thousands of releases would rank them all. The newest
    # matches are ranked (a journalist looks for recent news); the GIN index finds them.
    newest_matches = (
        releases.filter(search_vector=search_query)
        .order_by("-publish_at")
        .values("pk")[:RANK_WINDOW]
    )
    found = (
        releases.filter(pk__in=newest_matches)
        .annotate(rank=SearchRank(F("search_vector"), search_query))
        .annotate(
            snippet=SearchHeadline(
                _strip_tags_sql(F("body")),
                search_query,
                config=SEARCH_CONFIG,
                start_sel=START,
                stop_sel=STOP,
                max_words=35,
                min_words=15,
            ),
            lead_snippet=SearchHeadline(
                _without_markers_sql(F("lead")),
                search_query,
                config=SEARCH_CONFIG,
                start_sel=START,
                stop_sel=STOP,
                highlight_all=True,
            ),
        )
        .order_by("-rank", "-publish_at")[:MAX_RESULTS]
    )
    hits = []
    for release in found:
        snippet = release.snippet if START in release.snippet else release.lead_snippet
        hits.append(ReleaseHit(release, _marked(snippet)))
    return hits


def _casefolded(field):
    return Func(F(field), function="casefold", output_field=TextField())


def _search_releases_simple(releases, query):
    """SQLite: every word somewhere in title, lead or body, folded like Python folds ("Ærø")."""
    words = [word.casefold() for word in query_words(query)]
    releases = releases.annotate(
        title_folded=_casefolded("title"),
        lead_folded=_casefolded("lead"),
        body_folded=_casefolded("body"),
    )
    condition = Q()
    for word in words:
        condition &= Q(
            *[
                Q(title_folded__contains=spelling)
                | Q(lead_folded__contains=spelling)
                | Q(body_folded__contains=spelling)
                for spelling in _spellings(word)
            ],
            _connector=Q.OR,
        )
    hits = []
    for release in releases.filter(condition)[:MAX_RESULTS]:
        text = re.sub(r"<[^>]+>", " ", f"{release.lead} {release.body}")
        text = without_control_characters(html.unescape(text))  # no marker of the text's own
        spellings = [spelling for word in words for spelling in _spellings(word)]
        hits.append(ReleaseHit(release, _simple_snippet(text, spellings)))
    return hits


def _simple_snippet(text: str, words: list[str], width: int = 220) -> SafeString:
    lowered = text.lower()
    positions = [lowered.find(word) for word in words if lowered.find(word) >= 0]
    start = max(0, min(positions, default=0) - width // 3)
    excerpt = text[start : start + width]
    pattern = re.compile("|".join(re.escape(word) for word in words), re.IGNORECASE)
    marked = pattern.sub(lambda match: f"{START}{match.group(0)}{STOP}", excerpt)
    prefix = "… " if start else ""
    return _marked(f"{prefix}{marked.strip()} …")


def _matching_names(queryset, words, *fields):
    """Every word in one of the fields, case ignored. SQLite's own case-insensitive match knows
    A-Z only ("Østergaard" would not find "Østergaard"): there, folded like Python folds."""
    if connection.vendor == "sqlite":
        queryset = queryset.annotate(**{f"{field}_folded": _casefolded(field) for field in fields})
        words = [word.casefold() for word in words]
        lookup = "{}_folded__contains"
    else:
        lookup = "{}__icontains"
    condition = Q()
    for word in words:
        condition &= Q(
            *[
                Q(**{lookup.format(field): spelling})
                for field in fields
                for spelling in _spellings(word)
            ],
            _connector=Q.OR,
        )
    return queryset.filter(condition)


def search_people(query: str):
    words = query_words(query)
    if not words:
        return Person.objects.none()
    return _matching_names(public_people(), words, "name")[:MAX_RESULTS]


def search_organisations(query: str):
    words = query_words(query)
    if not words:
        return Organisation.objects.none()
    return _matching_names(public_organisations(), words, "name", "short_name")[:MAX_RESULTS]
