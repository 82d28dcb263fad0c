"""Draft and scheduled releases never reach the public by any road."""

import feedparser
import pytest
from django.urls import reverse

from tests.factories import OrganisationFactory, PersonFactory, PressReleaseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def releases():
    person = PersonFactory(name="Hemmelig Person")
    organisation = OrganisationFactory(name="Hemmelig Organisation")
    public = PressReleaseFactory(title="Offentlig nyhed", people=[person])
    draft = PressReleaseFactory(draft=True, title="Kladde-markør", people=[person])
    scheduled = PressReleaseFactory(scheduled=True, title="Planlagt-markør", people=[person])
    for release in (public, draft, scheduled):
        release.organisations.add(organisation)
    return {
        "public": public,
        "draft": draft,
        "scheduled": scheduled,
        "person": person,
        "organisation": organisation,
    }


def public_pages(releases):
    return [
        reverse("newsroom:release-list"),
        releases["person"].get_absolute_url(),
        releases["organisation"].get_absolute_url(),
        reverse("newsroom:feed", args=["rss"]),
        reverse("sitemap"),
    ]


def test_unpublished_releases_appear_on_no_public_page(client, releases):
    for url in public_pages(releases):
        content = client.get(url).content.decode()
        assert "Offentlig nyhed" in content or url == reverse("sitemap"), url
        assert "Kladde-markør" not in content, url
        assert "Planlagt-markør" not in content, url
        assert releases["draft"].slug not in content, url
        assert releases["scheduled"].slug not in content, url


def test_unpublished_release_urls_answer_404(client, releases):
    for key in ("draft", "scheduled"):
        assert client.get(releases[key].get_absolute_url()).status_code == 404
    assert client.get(releases["public"].get_absolute_url()).status_code == 200


def test_feed_leaves_out_unpublished_releases(client, releases):
    feed = feedparser.parse(client.get(reverse("newsroom:feed", args=["rss"])).content)
    titles = [entry.title for entry in feed.entries]
    assert titles == ["Offentlig nyhed"]


def test_scheduled_release_goes_public_when_its_time_comes(client, releases, time_machine):
    scheduled = releases["scheduled"]
    assert client.get(scheduled.get_absolute_url()).status_code == 404
    time_machine.move_to(scheduled.publish_at)
    assert client.get(scheduled.get_absolute_url()).status_code == 200
    assert "Planlagt-markør" in client.get(reverse("newsroom:release-list")).content.decode()
    feed = feedparser.parse(client.get(reverse("newsroom:feed", args=["rss"])).content)
    assert "Planlagt-markør" in [entry.title for entry in feed.entries]


def test_preview_is_for_staff_only(staff_client, releases):
    from django.test import Client

    url = releases["draft"].get_preview_url()
    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert "/admin/login/" in anonymous["Location"]
    response = staff_client.get(url)
    assert response.status_code == 200
    assert "Kladde-markør" in response.content.decode()
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_staff_without_admin_access_cannot_preview(client, django_user_model, releases):
    user = django_user_model.objects.create_user("reader", password="pw")
    client.force_login(user)
    assert client.get(releases["draft"].get_preview_url()).status_code == 302


def test_staff_without_press_release_rights_cannot_preview(client, django_user_model, releases):
    user = django_user_model.objects.create_user("webmaster", password="pw", is_staff=True)
    client.force_login(user)
    assert client.get(releases["draft"].get_preview_url()).status_code == 403


def test_editors_can_preview_drafts(editor_client, releases):
    response = editor_client.get(releases["draft"].get_preview_url())
    assert response.status_code == 200 and "Kladde-markør" in response.content.decode()
