"""Issue 12: a release in Danish and English, linked both ways; each version speaks its own
language (its "Om" boxes, contacts and dates), with English titles and "Om" texts where
written and the Danish ones marked lang="da" where not; feeds, the index and alerts per
language."""

import datetime

import feedparser
import pytest
from django.core import mail
from django.utils import timezone

from newsroom import alerts
from newsroom.models import PressRelease, Subscription
from tests.factories import (
    OrganisationFactory,
    PersonFactory,
    PositionFactory,
    PressReleaseFactory,
)
from tests.newsroom.test_publishing import change_url, form_data

pytestmark = pytest.mark.django_db


def freeze(*releases):
    for release in releases:
        release.freeze_record()
        PressRelease.objects.filter(pk=release.pk).update(record=release.record)


@pytest.fixture
def story():
    los = OrganisationFactory(
        name="LOS",
        about="<p>LOS er en brancheorganisation.</p>",
        about_en="<p>LOS is a trade association.</p>",
    )
    ministry = OrganisationFactory(name="Socialministeriet", about="<p>Ministeriet.</p>")
    mads = PersonFactory(name="Mads Roke Clausen")
    PositionFactory(
        person=mads,
        organisation=los,
        title="direktør",
        title_en="CEO",
        start=datetime.date(2015, 1, 1),
    )
    PositionFactory(
        person=mads, organisation=ministry, title="rådgiver", start=datetime.date(2016, 1, 1)
    )
    moment = datetime.datetime(2021, 5, 3, 7, 0, tzinfo=datetime.UTC)
    danish = PressReleaseFactory(title="Ny aftale om samskabelse", people=[mads], publish_at=moment)
    english = PressReleaseFactory(
        title="New agreement on co-creation",
        language="en",
        original=danish,
        people=[mads],
        publish_at=moment,
    )
    for release in (danish, english):
        release.organisations.add(los, ministry)
    freeze(danish, english)
    return danish, english


def test_each_version_offers_the_other_with_hreflang(client, story):
    danish, english = story
    da_url, en_url = (
        "/pressemeddelelser/ny-aftale-om-samskabelse/",
        "/en/pressemeddelelser/new-agreement-on-co-creation/",
    )
    html = client.get(da_url).content.decode()
    title = "New agreement on co-creation"
    assert f'Også på engelsk: <a href="{en_url}" hreflang="en" lang="en">{title}</a>' in html
    assert f'<link rel="alternate" hreflang="en" href="http://testserver{en_url}">' in html
    assert f'<link rel="alternate" hreflang="da" href="http://testserver{da_url}">' in html
    assert f'<link rel="alternate" hreflang="x-default" href="http://testserver{da_url}">' in html
    # The language switch takes a reader to the version, not to the same text in English dress.
    assert f'<a href="{en_url}" hreflang="en" lang="en">English</a>' in html
    # The other version is offered as a version, not as the previous or a related release.
    assert 'rel="prev"' not in html and 'rel="next"' not in html
    assert "Relaterede pressemeddelelser" not in html
    english_page = client.get(en_url).content.decode()
    assert (
        f'Also in Danish: <a href="{da_url}" hreflang="da" lang="da">Ny aftale om samskabelse</a>'
        in english_page
    )


def test_the_english_version_speaks_english_and_marks_what_is_danish(client, story):
    _danish, english = story
    html = client.get("/en/pressemeddelelser/new-agreement-on-co-creation/").content.decode()
    article = html.split("<article", 1)[1].split("</article>", 1)[0]
    assert "CEO, <a" in article and "Current roles" in article
    assert '<span lang="da">rådgiver</span>' in article  # no English title written
    assert "<p>LOS is a trade association.</p>" in article
    assert '<div class="richtext" lang="da"><p>Ministeriet.</p></div>' in article
    assert "3 May 2021" in article
    assert '<meta property="og:locale" content="en_GB">' in html
    danish = client.get("/pressemeddelelser/ny-aftale-om-samskabelse/").content.decode()
    assert '<meta property="og:locale" content="da_DK">' in danish
    assert "direktør, <a" in danish and "LOS er en brancheorganisation." in danish
    assert 'lang="da">rådgiver' not in danish


def test_feeds_and_the_index_have_each_story_once_in_their_language(client, story):
    danish_only = PressReleaseFactory(title="Kun på dansk")
    danish_feed = feedparser.parse(client.get("/feeds/rss/").content)
    english_feed = feedparser.parse(client.get("/en/feeds/rss/").content)
    assert [e.title for e in danish_feed.entries] == ["Kun på dansk", "Ny aftale om samskabelse"]
    assert [e.title for e in english_feed.entries] == [
        "Kun på dansk",
        "New agreement on co-creation",
    ]
    assert english_feed.feed.language == "en" and danish_feed.feed.language == "da"
    organisation = client.get("/organisationer/los/").content.decode()
    assert "Ny aftale om samskabelse" in organisation
    assert "New agreement on co-creation" not in organisation
    # Staff but no board: no empty board heading.
    assert "Ledelse og medarbejdere pr." in organisation
    assert "Ingen kendte bestyrelsesmedlemmer" not in organisation
    english_index = client.get("/en/").content.decode()
    assert "New agreement on co-creation" in english_index
    assert "Ny aftale om samskabelse" not in english_index
    assert danish_only.title in english_index


def test_alerts_one_per_story_in_the_subscribers_language(story):
    danish, english = story
    now = timezone.now()
    for release in (danish, english):
        PressRelease.objects.filter(pk=release.pk).update(
            publish_at=now - datetime.timedelta(minutes=1)
        )
    Subscription.objects.create(
        email="dansk@avis.dk", language="da", confirmed_at=now - datetime.timedelta(days=1)
    )
    Subscription.objects.create(
        email="english@paper.com", language="en", confirmed_at=now - datetime.timedelta(days=1)
    )
    alerts.queue_alerts()
    alerts.send_pending_alerts()
    sent = {message.to[0]: message for message in mail.outbox}
    assert sorted(sent) == ["dansk@avis.dk", "english@paper.com"]
    assert sent["dansk@avis.dk"].subject == "Ny aftale om samskabelse"
    assert sent["english@paper.com"].subject == "New agreement on co-creation"
    assert "/en/pressemeddelelser/new-agreement-on-co-creation/" in sent["english@paper.com"].body


def test_a_version_must_be_in_another_language_and_of_an_original(publisher_client, story):
    danish, english = story
    third = PressReleaseFactory(draft=True, publish_at=None, title="Tredje")
    for original, message in [
        (danish, "Originalen skal være på et andet sprog end denne version."),
        (english, "Vælg den oprindelige pressemeddelelse, ikke en anden version af den."),
    ]:
        response = publisher_client.post(change_url(third), form_data(third, original=original.pk))
        assert response.status_code == 200
        assert message in response.content.decode()
    third.refresh_from_db()
    assert third.original is None


def test_the_subscriber_chooses_the_alert_language(client):

    form = client.get("/en/abonnement/").content.decode()
    assert 'name="language" value="en"' in form and "checked" in form.split('value="en"')[1][:40]
    client.post("/en/abonnement/", {"email": "a@paper.com", "all_releases": "True"})
    client.post("/en/abonnement/", {"email": "b@avis.dk", "all_releases": "True", "language": "da"})
    languages = dict(Subscription.objects.values_list("email", "language"))
    assert languages == {"a@paper.com": "en", "b@avis.dk": "da"}


def test_an_english_release_is_listed_at_its_english_address(client, story):
    """Found by hand: the sitemap and the API gave an English release's Danish-interface
    address as its own. (Both interfaces' pages of a release name its canonical address, in
    its own language.)"""
    _danish, english = story
    canonical = "http://testserver/en/pressemeddelelser/new-agreement-on-co-creation/"
    sitemap = client.get("/sitemap-releases.xml").content.decode()
    assert f"<loc>{canonical}</loc>" in sitemap
    assert "<loc>http://testserver/pressemeddelelser/ny-aftale-om-samskabelse/</loc>" in sitemap
    api = client.get(f"/api/v1/releases/{english.slug}/").json()
    assert api["url"] == canonical


def test_topics_have_english_names_on_english_pages(client, story):
    """Found by hand: English pages listed topics by their Danish names, unmarked."""
    import feedparser

    from tests.factories import TopicFactory

    danish, english = story
    elderly = TopicFactory(name="Ældre", name_en="Older people")
    welfare = TopicFactory(name="Velfærd")  # no English name written
    for release in (danish, english):
        release.topics.add(elderly, welfare)
    page = client.get("/en/pressemeddelelser/new-agreement-on-co-creation/").content.decode()
    topics = page.split('<ul class="topics"', 1)[1].split("</ul>", 1)[0]
    assert ">Older people</a>" in topics and 'lang="da">Velfærd</a>' in topics
    page = client.get("/pressemeddelelser/ny-aftale-om-samskabelse/").content.decode()
    topics = page.split('<ul class="topics"', 1)[1].split("</ul>", 1)[0]
    assert ">Ældre</a>" in topics and "Older people" not in topics and 'lang="da"' not in topics
    topic_page = client.get(f"/en{elderly.get_absolute_url()}").content.decode()
    assert "<h1>Older people</h1>" in topic_page
    index = client.get("/en/").content.decode()
    assert ">Older people</option>" in index and ' lang="da">Velfærd</option>' in index
    feeds_page = client.get("/en/feeds/").content.decode()
    assert "<h3>Older people</h3>" in feeds_page and '<h3 lang="da">Velfærd</h3>' in feeds_page
    [entry] = feedparser.parse(client.get("/en/feeds/rss/").content).entries
    assert {tag.term for tag in entry.tags} == {"Older people", "Velfærd"}
