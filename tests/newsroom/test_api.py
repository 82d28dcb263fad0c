"""Issue 12: a read-only JSON API with the public pages' visibility, ETags and an OpenAPI
description; oEmbed for release pages."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import PressReleaseFactory, TopicFactory

pytestmark = pytest.mark.django_db


def get_json(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    assert response["Content-Type"] == "application/json"
    return response, json.loads(response.content)


def test_the_seed_release_in_the_api(client, seed_release):
    _response, page = get_json(client, "/api/v1/releases/")
    assert page["count"] == 1 and page["next"] is None and page["previous"] is None
    item = page["results"][0]
    assert item["title"] == seed_release.title
    assert item["url"] == f"http://testserver{seed_release.get_absolute_url()}"
    assert item["published"].startswith("2021-05-03T") and item["published"].endswith("+02:00")
    assert item["image"]["credit"]
    assert item["id"] == f"urn:uuid:{seed_release.guid}"

    _response, release = get_json(client, item["api_url"].removeprefix("http://testserver"))
    assert "<p>" in release["body_html"] and 'src="/' not in release["body_html"]
    names = [box["name"] for box in release["about"]]
    assert "Mads Roke Clausen" in names and all("pk" not in box for box in release["about"])
    assert all(box["url"].startswith("http://testserver/") for box in release["about"])
    assert release["contacts"][0]["phone"]

    person_url = next(b for b in release["about"] if b["kind"] == "person")["url"]
    slug = person_url.rstrip("/").rsplit("/", 1)[1]
    _response, person = get_json(client, f"/api/v1/people/{slug}/")
    assert person["about"]["current_roles"] and person["as_of"]


def test_hidden_releases_are_not_in_the_api(client, seed_release):
    hidden = PressReleaseFactory(scheduled=True, title="Hemmelig api-nyhed")
    secret_topic = TopicFactory(name="Hemmeligt emne")
    hidden.topics.add(secret_topic)
    _response, page = get_json(client, "/api/v1/releases/")
    assert "Hemmelig" not in json.dumps(page, ensure_ascii=False)
    get_json(client, f"/api/v1/releases/{hidden.slug}/", status=404)
    get_json(client, f"/api/v1/topics/{secret_topic.slug}/", status=404)
    get_json(client, f"/api/v1/releases/?topic={secret_topic.slug}", status=404)
    get_json(client, "/api/v1/releases/?page=99", status=404)


def test_a_withdrawn_release_answers_410_and_an_old_address_moves(client, publisher):
    """As the release page answers: a client keeping an API address learns what happened."""
    from newsroom import services

    withdrawn = PressReleaseFactory(title="Trukket tilbage")
    services.release_unpublish(release=withdrawn, user=publisher)
    _response, gone = get_json(client, f"/api/v1/releases/{withdrawn.slug}/", status=410)
    assert "withdrawn" in gone["detail"]

    renamed = PressReleaseFactory(title="Gammel titel")
    old_slug = renamed.slug
    renamed.slug = "ny-titel"
    renamed.save()
    response = client.get(f"/api/v1/releases/{old_slug}/")
    assert response.status_code == 301
    assert response["Location"] == "http://testserver/api/v1/releases/ny-titel/"
    get_json(client, response["Location"].removeprefix("http://testserver"))

    never_public = PressReleaseFactory(scheduled=True)
    services.release_unpublish(release=never_public, user=publisher)
    get_json(client, f"/api/v1/releases/{never_public.slug}/", status=404)


def test_pages_link_each_other_and_answer_304_to_their_etag(client):
    for number in range(25):
        PressReleaseFactory(title=f"Nyhed {number}")
    response, first = get_json(client, "/api/v1/releases/")
    assert first["count"] == 25 and len(first["results"]) == 20
    _response, second = get_json(client, first["next"].removeprefix("http://testserver"))
    assert len(second["results"]) == 5 and second["previous"].endswith("page=1")
    again = client.get("/api/v1/releases/", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_a_page_of_releases_costs_the_same_queries_for_3_or_20(client):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/api/v1/releases/").status_code == 200
        return len(captured.captured_queries)

    for number in range(3):
        PressReleaseFactory(title=f"Få {number}").topics.add(TopicFactory())
    few = queries()
    for number in range(17):
        PressReleaseFactory(title=f"Mange {number}").topics.add(TopicFactory())
    assert queries() == few


def test_every_path_in_the_openapi_description_answers(client, seed_release):
    _response, spec = get_json(client, "/api/v1/openapi.json")
    assert spec["openapi"] == "3.1.0"
    samples = {"slug": None}
    _r, releases = get_json(client, "/api/v1/releases/")
    for template in spec["paths"]:
        listing = template.split("/")[1]
        if "{slug}" in template:
            _r, items = get_json(client, f"/api/v1/{listing}/")
            samples["slug"] = items["results"][0]["slug"]
            url = "/api/v1" + template.replace("{slug}", samples["slug"])
        else:
            url = "/api/v1" + template
        get_json(client, url)
        for method in spec["paths"][template].values():
            for response in method["responses"].values():
                ref = response.get("content", {}).get("application/json", {}).get("schema", {})
                if "$ref" in ref:
                    assert ref["$ref"].split("/")[-1] in spec["components"]["schemas"]


def test_oembed_for_a_release_page(client, seed_release):
    page = client.get(seed_release.get_absolute_url()).content.decode()
    assert 'type="application/json+oembed"' in page
    url = f"http://testserver{seed_release.get_absolute_url()}"
    _response, embed = get_json(client, f"/oembed/?url={url}&maxwidth=400")
    assert embed["type"] == "rich" and embed["version"] == "1.0" and embed["width"] == 400
    assert f'<a href="{url}">' in embed["html"] and embed["thumbnail_url"].startswith("http")
    assert client.get(f"/oembed/?url={url}&format=xml").status_code == 501
    assert client.get("/oembed/?url=https://example.com/pressemeddelelser/x/").status_code == 404
    assert client.get("/oembed/?url=http://testserver/pressekontakter/").status_code == 404


def test_each_release_lists_its_other_language_versions_with_absolute_urls(client):
    """Issue 19.15: the versions of a story, each with its language and absolute address; every
    address in an answer is absolute, and an English release links its topics' English pages."""
    from tests.factories import OrganisationFactory, PersonFactory, PositionFactory

    los = OrganisationFactory(name="LOS")
    mads = PersonFactory(name="Mads Roke Clausen")
    PositionFactory(person=mads, organisation=los, title="direktør", title_en="CEO")
    topic = TopicFactory(name="Ældre", name_en="Older people")
    danish = PressReleaseFactory(title="Ny aftale", people=[mads])
    english = PressReleaseFactory(
        title="New agreement", language="en", original=danish, people=[mads]
    )
    alone = PressReleaseFactory(title="Kun dansk")
    for release in (danish, english):
        release.topics.add(topic)
        release.organisations.add(los)

    _response, page = get_json(client, "/api/v1/releases/")
    by_title = {item["title"]: item for item in page["results"]}
    assert by_title["Ny aftale"]["versions"] == [
        {
            "language": "en",
            "title": "New agreement",
            "url": "http://testserver/en/pressemeddelelser/new-agreement/",
            "api_url": "http://testserver/api/v1/releases/new-agreement/",
        }
    ]
    assert [v["language"] for v in by_title["New agreement"]["versions"]] == ["da"]
    assert by_title["New agreement"]["versions"][0]["url"] == (
        "http://testserver/pressemeddelelser/ny-aftale/"
    )
    assert by_title["Kun dansk"]["versions"] == []
    assert by_title["New agreement"]["topics"][0]["url"] == "http://testserver/en/emner/aeldre/"
    assert by_title["Ny aftale"]["topics"][0]["url"] == "http://testserver/emner/aeldre/"

    def urls(value):
        if isinstance(value, dict):
            for key, item in value.items():
                if key.endswith("url") and isinstance(item, str) and item:
                    yield item
                yield from urls(item)
        elif isinstance(value, list):
            for item in value:
                yield from urls(item)

    for release in (danish, english, alone):
        _response, detail = get_json(client, f"/api/v1/releases/{release.slug}/")
        found = list(urls(detail))
        assert found and all(url.startswith("http://testserver/") for url in found), found
        assert detail["versions"] == by_title[release.title]["versions"]
    _response, person = get_json(client, f"/api/v1/people/{mads.slug}/")
    found = list(urls(person))
    assert found and all(url.startswith("http://testserver/") for url in found), found
