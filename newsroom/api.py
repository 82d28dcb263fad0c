"""A read-only JSON API of what the public newsroom shows, and oEmbed for release pages.

Exactly the visibility of the public pages: published releases, and the people, organisations
and topics those make public (newsroom.managers). Pages of PAGE_SIZE with links to the next
and previous page; ETags and Last-Modified come from the middleware as for every page, and the
page cache keeps responses under the content generation like any public page.
"""

import functools
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone, translation
from django.utils.html import escape, strip_tags
from django.views.decorators.csrf import csrf_exempt

from common.querystrings import canonical_query
from common.richtext import sanitize_html
from common.urls import absolute_url
from newsroom.managers import (
    prefetch_live_parts,
    public_organisations,
    public_people,
    public_topics,
    unannounced_organisation_ids,
)
from newsroom.models import PressRelease
from newsroom.record import person_box
from people.models import Position

PAGE_SIZE = 20
API_VERSION = "1.0"


def _json(data, status=200):
    return JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})


READ_METHODS = ("GET", "HEAD")


def json_errors(view):
    """A client of the API gets its "not found" as JSON too, not the site's 404 page, and any
    other method than GET and HEAD a JSON 405 (read-only: no CSRF check applies)."""

    @csrf_exempt
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.method not in READ_METHODS:
            response = _json({"detail": "Read-only: use GET."}, status=405)
            response["Allow"] = ", ".join(READ_METHODS)
            return response
        try:
            return view(request, *args, **kwargs)
        except Http404 as error:
            return _json({"detail": str(error) or "Not found."}, status=404)

    return wrapped


def _page(request, queryset, serialize, prepare=lambda rows: rows):
    paginator = Paginator(queryset, PAGE_SIZE)
    try:
        page = paginator.page(request.GET.get("page", 1))
    except (EmptyPage, PageNotAnInteger) as error:
        raise Http404(str(error)) from None

    def link(number):
        # Only the parameters the API reads: a page is kept for all who ask with others.
        query = {**dict(parse_qsl(canonical_query(request))), "page": number}
        return absolute_url(f"{request.path}?{urlencode(query)}")

    return _json(
        {
            "count": paginator.count,
            "next": link(page.next_page_number()) if page.has_next() else None,
            "previous": link(page.previous_page_number()) if page.has_previous() else None,
            "results": [serialize(row) for row in prepare(list(page.object_list))],
        }
    )


def _localtime(moment) -> str:
    return timezone.localtime(moment).isoformat()


def topic_data(topic) -> dict:
    return {
        "name": topic.name,
        "name_en": topic.name_en,
        "slug": topic.slug,
        "url": absolute_url(topic.get_absolute_url()),
        "api_url": absolute_url(reverse("api:topic-detail", args=[topic.slug])),
    }


def organisation_data(organisation, *, full: bool = False) -> dict:
    data = {
        "name": organisation.display_name,
        "slug": organisation.slug,
        "url": absolute_url(organisation.get_absolute_url()),
        "api_url": absolute_url(reverse("api:organisation-detail", args=[organisation.slug])),
    }
    if full:
        data["about_html"] = sanitize_html(organisation.about, absolute_urls=True)
        data["website"] = organisation.website
    return data


def person_data(person, *, full: bool = False) -> dict:
    data = {
        "name": person.name,
        "slug": person.slug,
        "url": absolute_url(person.get_absolute_url()),
        "api_url": absolute_url(reverse("api:person-detail", args=[person.slug])),
    }
    if full:
        day = timezone.localdate()
        box = person_box(person, person.biography_on(day, unannounced_organisation_ids()))
        data["as_of"] = day.isoformat()
        data["about"] = _absolute_positions(
            {
                key: box[key]
                for key in ("age", "current_roles", "board_seats", "earlier_roles", "bio")
                if key in box
            }
        )
    return data


def release_data(release, *, full: bool = False) -> dict:
    # Its pages' addresses in its own language: an English release links English topic pages.
    with translation.override(release.language):
        return _release_data(release, full=full)


def _release_data(release, *, full: bool) -> dict:
    image = release.lead_image
    data = {
        "id": f"urn:uuid:{release.guid}",
        "title": release.title,
        "slug": release.slug,
        "url": absolute_url(release.canonical_url),
        "api_url": absolute_url(reverse("api:release-detail", args=[release.slug])),
        "language": release.language,
        "versions": [version_data(version) for version in _versions_of(release)],
        "published": _localtime(release.publish_at),
        "updated": _localtime(max(release.publish_at, release.updated_at)),
        "lead": release.lead,
        "byline": organisation_data(release.byline) if release.byline else None,
        "topics": [topic_data(topic) for topic in release.topics.all()],
        "image": {
            "url": absolute_url(image.public_url),
            "width": image.width,
            "height": image.height,
            # In the release's language where written, else the Danish text.
            "caption": image.shown_caption,
            "alt_text": image.shown_alt_text,
            "credit": image.credit,
        }
        if image
        else None,
    }
    if full:
        data["body_html"] = sanitize_html(release.body, absolute_urls=True, display=True)
        data["about"] = [_public_box(box) for box in release.about_boxes]
        data["contacts"] = release.ordered_contacts
        data["quotes"] = [
            {"text": quote.text, "speaker": quote.speaker_name, "role": quote.role}
            for quote in release.ordered_quotes
        ]
        data["corrections"] = [
            {"note": correction.note, "corrected": _localtime(correction.created_at)}
            for correction in release.corrections.all()
        ]
    return data


def version_data(version) -> dict:
    """Another language's version of a release: its language, title and absolute addresses."""
    return {
        "language": version.language,
        "title": version.title,
        "url": absolute_url(version.canonical_url),
        "api_url": absolute_url(reverse("api:release-detail", args=[version.slug])),
    }


def _versions_of(release) -> list:
    if not hasattr(release, "api_versions"):
        with_versions([release])
    return release.api_versions


def with_versions(releases: list) -> list:
    """Each release's published versions in other languages (`api_versions`), for a whole
    page in one query."""
    stories = {release.original_id or release.pk for release in releases}
    found = {}
    if stories:
        published = (
            PressRelease.objects.published()
            .filter(Q(pk__in=stories) | Q(original_id__in=stories))
            .only("title", "slug", "language", "original_id")
        )
        for version in published:
            found.setdefault(version.original_id or version.pk, []).append(version)
    for release in releases:
        story = found.get(release.original_id or release.pk, [])
        release.api_versions = sorted(
            (version for version in story if version.pk != release.pk), key=lambda v: v.language
        )
    return releases


def _public_box(box: dict) -> dict:
    """An "Om" box as the page shows it: absolute links, no database ids."""
    public = {key: value for key, value in box.items() if key != "pk"}
    public["url"] = absolute_url(box["url"])
    if "about" in box:
        public["about"] = sanitize_html(box["about"], absolute_urls=True)
    return _absolute_positions(public)


def _absolute_positions(box: dict) -> dict:
    """The roles in an "Om" box, each linking its organisation's page by absolute address."""
    for key in ("current_roles", "board_seats", "earlier_roles"):
        if key in box:
            box[key] = [
                {**role, "organisation_url": absolute_url(role["organisation_url"])}
                if role.get("organisation_url")
                else role
                for role in box[key]
            ]
    return box


@json_errors
def releases(request):
    queryset = PressRelease.objects.published()
    for parameter, objects, lookup in (
        ("topic", public_topics(), "topics"),
        ("person", public_people(), "people"),
    ):
        if request.GET.get(parameter):
            obj = get_object_or_404(objects, slug=request.GET[parameter])
            queryset = queryset.filter(**{lookup: obj})
    if request.GET.get("organisation"):
        queryset = queryset.about(
            get_object_or_404(public_organisations(), slug=request.GET["organisation"])
        )
    return _page(request, queryset.for_listing(), release_data, prepare=with_versions)


@json_errors
def release_detail(request, slug):
    release = PressRelease.objects.published().for_published_page().filter(slug=slug).first()
    if release is None:
        # As the release page answers: a client learns that a release was withdrawn or moved.
        match PressRelease.objects.withdrawn_or_moved(slug):
            case ("moved", moved):
                return HttpResponsePermanentRedirect(
                    absolute_url(reverse("api:release-detail", args=[moved.slug]))
                )
            case ("gone", _release):
                return _json({"detail": "This press release was withdrawn."}, status=410)
        raise Http404("No such press release.")
    return _json(release_data(prefetch_live_parts([release])[0], full=True))


@json_errors
def people(request):
    return _page(request, public_people().order_by("name"), person_data)


@json_errors
def person_detail(request, slug):
    positions = Position.objects.select_related("organisation")
    person = get_object_or_404(
        public_people().prefetch_related(Prefetch("positions", queryset=positions)), slug=slug
    )
    return _json(person_data(person, full=True))


@json_errors
def organisations(request):
    return _page(request, public_organisations().order_by("name"), organisation_data)


@json_errors
def organisation_detail(request, slug):
    organisation = get_object_or_404(public_organisations(), slug=slug)
    return _json(organisation_data(organisation, full=True))


@json_errors
def topics(request):
    return _page(request, public_topics().order_by("name"), topic_data)


@json_errors
def topic_detail(request, slug):
    return _json(topic_data(get_object_or_404(public_topics(), slug=slug)))


@json_errors
def oembed(request):
    """oEmbed 1.0 for release pages: a quote of the title and lead linking to the release."""
    if request.GET.get("format", "json") != "json":
        return _json({"error": "Only format=json is offered."}, status=501)
    url = request.GET.get("url", "")
    site = urlsplit(settings.SITE_URL)
    parts = urlsplit(url)
    if parts.netloc and parts.netloc != site.netloc:
        raise Http404("Not a URL of this newsroom.")
    try:
        match = resolve(parts.path or "/")
    except Resolver404:
        raise Http404("Not a press release of this newsroom.") from None
    if match.url_name != "release-detail":
        raise Http404("Not a press release of this newsroom.")
    release = get_object_or_404(
        PressRelease.objects.published().for_listing(), slug=match.kwargs["slug"]
    )
    width = _bounded(request.GET.get("maxwidth"), default=600)
    link = absolute_url(release.get_absolute_url())
    html = (
        f'<blockquote class="newsroom-embed" cite="{escape(link)}">'
        f'<p><a href="{escape(link)}">{escape(release.title)}</a></p>'
        f"<p>{escape(strip_tags(release.lead))}</p>"
        f"<p>— {escape(settings.SITE_NAME)}, {escape(_localtime(release.publish_at)[:10])}</p>"
        "</blockquote>"
    )
    data = {
        "version": API_VERSION,
        "type": "rich",
        "title": release.title,
        "author_name": release.byline.display_name if release.byline else settings.SITE_NAME,
        "provider_name": settings.SITE_NAME,
        "provider_url": settings.SITE_URL,
        "html": html,
        "width": width,
        "height": None,
        "cache_age": 300,
    }
    image = release.lead_image
    if image and image.width:
        data.update(
            thumbnail_url=absolute_url(image.public_url),
            thumbnail_width=image.width,
            thumbnail_height=image.height,
        )
    return _json(data)


def _bounded(value, *, default: int) -> int:
    try:
        return max(100, min(int(value), 2000))
    except (TypeError, ValueError):
        return default


@json_errors
def openapi(request):
    return _json(openapi_description())


def _with_withdrawn_and_moved(path: dict) -> dict:
    path["get"]["responses"] |= {
        "301": {"description": "An earlier address of a published release: see Location."},
        "410": {"description": "The release was public once and has been withdrawn."},
    }
    return path


def openapi_description() -> dict:
    def listing(item: str, description: str, parameters=()):
        return {
            "get": {
                "summary": description,
                "parameters": [
                    {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
                    *parameters,
                ],
                "responses": {
                    "200": {
                        "description": "A page of results.",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": f"#/components/schemas/{item}Page"}
                            }
                        },
                    },
                    "404": {"description": "No such page, or a filter names nothing public."},
                },
            }
        }

    def detail(item: str, description: str):
        return {
            "get": {
                "summary": description,
                "parameters": [
                    {"name": "slug", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": {
                        "description": description,
                        "content": {
                            "application/json": {"schema": {"$ref": f"#/components/schemas/{item}"}}
                        },
                    },
                    "404": {"description": "Not public (yet), or no such thing."},
                },
            }
        }

    def page_of(item: str):
        return {
            "type": "object",
            "required": ["count", "next", "previous", "results"],
            "properties": {
                "count": {"type": "integer"},
                "next": {"type": ["string", "null"], "format": "uri"},
                "previous": {"type": ["string", "null"], "format": "uri"},
                "results": {"type": "array", "items": {"$ref": f"#/components/schemas/{item}"}},
            },
        }

    link = {"type": "string", "format": "uri"}
    named = {
        "type": "object",
        "required": ["name", "slug", "url", "api_url"],
        "properties": {
            "name": {"type": "string"},
            "slug": {"type": "string"},
            "url": link,
            "api_url": link,
        },
    }
    slug_filter = [
        {
            "name": name,
            "in": "query",
            "schema": {"type": "string"},
            "description": f"A {name}'s slug.",
        }
        for name in ("topic", "organisation", "person")
    ]
    base = reverse("api:releases").rsplit("/releases/", 1)[0]
    languages = [code for code, _name in settings.LANGUAGES]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{settings.SITE_NAME} API",
            "version": API_VERSION,
            "description": "Read-only. What the public newsroom shows, nothing more: published "
            "press releases and the people, organisations and topics they make public. Every "
            "address in an answer is absolute. Methods other than GET and HEAD answer 405.",
        },
        "servers": [{"url": absolute_url(base)}],
        "paths": {
            "/releases/": listing(
                "Release", "Published press releases, newest first.", slug_filter
            ),
            "/releases/{slug}/": _with_withdrawn_and_moved(
                detail("ReleaseDetail", "One published press release.")
            ),
            "/people/": listing("Named", "People in published press releases."),
            "/people/{slug}/": detail("Named", "One person, with the 'Om' box as of today."),
            "/organisations/": listing("Named", "Organisations the public pages show."),
            "/organisations/{slug}/": detail("Named", "One organisation, with its 'Om' text."),
            "/topics/": listing("Named", "Topics of published press releases."),
            "/topics/{slug}/": detail("Named", "One topic."),
        },
        "components": {
            "schemas": {
                "Named": named,
                "NamedPage": page_of("Named"),
                "Release": {
                    "type": "object",
                    "required": [
                        "id",
                        "title",
                        "slug",
                        "url",
                        "api_url",
                        "language",
                        "versions",
                        "published",
                        "updated",
                        "lead",
                        "byline",
                        "topics",
                        "image",
                    ],
                    "properties": {
                        "id": {"type": "string", "description": "Never changes."},
                        "title": {"type": "string"},
                        "slug": {"type": "string"},
                        "url": link,
                        "api_url": link,
                        "language": {"type": "string", "enum": languages},
                        "versions": {
                            "type": "array",
                            "description": "The same release in the other languages it is "
                            "published in.",
                            "items": {"$ref": "#/components/schemas/Version"},
                        },
                        "published": {"type": "string", "format": "date-time"},
                        "updated": {"type": "string", "format": "date-time"},
                        "lead": {"type": "string"},
                        "byline": {
                            "oneOf": [{"$ref": "#/components/schemas/Named"}, {"type": "null"}]
                        },
                        "topics": {
                            "type": "array",
                            "description": "Each topic's url is its page in the release's "
                            "language.",
                            "items": {"$ref": "#/components/schemas/Named"},
                        },
                        "image": {
                            "oneOf": [{"$ref": "#/components/schemas/Image"}, {"type": "null"}]
                        },
                    },
                },
                "Version": {
                    "type": "object",
                    "required": ["language", "title", "url", "api_url"],
                    "properties": {
                        "language": {"type": "string", "enum": languages},
                        "title": {"type": "string"},
                        "url": link,
                        "api_url": link,
                    },
                },
                "Image": {
                    "type": "object",
                    "required": ["url", "credit"],
                    "properties": {
                        "url": link,
                        "width": {"type": ["integer", "null"]},
                        "height": {"type": ["integer", "null"]},
                        "caption": {"type": "string"},
                        "alt_text": {"type": "string"},
                        "credit": {"type": "string"},
                    },
                },
                "ReleasePage": page_of("Release"),
                "ReleaseDetail": {
                    "allOf": [
                        {"$ref": "#/components/schemas/Release"},
                        {
                            "type": "object",
                            "required": ["body_html", "about", "contacts", "quotes", "corrections"],
                            "properties": {
                                "body_html": {"type": "string"},
                                "about": {"type": "array", "items": {"type": "object"}},
                                "contacts": {"type": "array", "items": {"type": "object"}},
                                "quotes": {"type": "array", "items": {"type": "object"}},
                                "corrections": {"type": "array", "items": {"type": "object"}},
                            },
                        },
                    ]
                },
            }
        },
    }
