"""Issue 9.8: the interface language is the URL's; text that belongs to a release is in the
release's own language, always."""

import re

import pytest
from django.utils.html import strip_tags

from people.models import Person
from tests.factories import PositionFactory

pytestmark = pytest.mark.django_db


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", strip_tags(html))


def article_of(html: str) -> str:
    return html.split("<article", 1)[1].split("</article>", 1)[0]


def test_item8_english_interface_keeps_the_danish_release_danish(client, seed_release):
    html = client.get("/en" + seed_release.get_absolute_url()).content.decode()
    # The page is the release's Danish text in an English frame (issue 19.16).
    assert '<html lang="da">' in html and '<body lang="en">' in html
    assert "Press releases" in html and "Media contacts" in html  # the interface
    article = article_of(html)
    assert 'lang="da"' in html.split("<article", 1)[1][:40]
    text = text_of(article)
    assert "For yderligere oplysninger" in text and "For further information" not in text
    assert "Nuværende hverv" in text and "Current roles" not in text
    assert "(fra 1. februar 2018)" in text and "52 år" in text
    assert "3. maj 2021 kl. 09:00 (CEST)" in text
    assert "Om LOS" in text


def test_item8_the_browser_language_never_changes_a_public_page(client, seed_release):
    url = seed_release.get_absolute_url()
    danish = client.get(url)
    english_browser = client.get(url, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert english_browser.content == danish.content
    assert '<html lang="da">' in english_browser.content.decode()
    for response in (danish, english_browser):
        assert "Accept-Language" not in response.get("Vary", "")
        assert not response.cookies
        assert response["Content-Language"] == "da"
    assert client.get("/en/", HTTP_ACCEPT_LANGUAGE="da")["Content-Language"] == "en"


def test_item8_language_switch_is_plain_links_with_hreflang_alternates(client, seed_release):
    url = seed_release.get_absolute_url()
    html = client.get(url).content.decode()
    assert 'action="/i18n/setlang/"' not in html and "csrfmiddlewaretoken" not in html
    # The release is in Danish only: the English interface's page is no English alternate
    # (issue 19.16), and the switch to it promises no English text.
    assert f'<a href="/en{url}" lang="en">English</a>' in html
    assert f'<link rel="alternate" hreflang="da" href="http://testserver{url}">' in html
    assert 'hreflang="en"' not in html
    assert f'<link rel="alternate" hreflang="x-default" href="http://testserver{url}">' in html
    index = client.get("/").content.decode()
    assert '<link rel="alternate" hreflang="en" href="http://testserver/en/">' in index
    english = client.get(f"/en{url}").content.decode()
    assert f'<a href="{url}" hreflang="da" lang="da">Dansk</a>' in english
    # The search keeps its words across the switch.
    search = client.get("/soeg/?q=samskabelse").content.decode()
    assert 'href="/en/soeg/?q=samskabelse"' in search


def test_item8_person_page_in_english_writes_english_dates(client, seed_release):
    mads = Person.objects.get(name="Mads Roke Clausen")
    PositionFactory(
        person=mads,
        title="konsulent",
        start=__import__("datetime").date(1990, 3, 1),
        start_precision="month",
        end=__import__("datetime").date(1991, 2, 1),
        end_precision="month",
    )
    english = text_of(client.get("/en" + mads.get_absolute_url()).content.decode())
    assert "March 1990–February 1991" in english
    assert "from 1 February 2018" in english
    danish = text_of(client.get(mads.get_absolute_url()).content.decode())
    assert "marts 1990–februar 1991" in danish and "fra 1. februar 2018" in danish


def test_item8_the_admin_follows_the_browser(admin_client):
    english = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en")
    assert "<h1>Overview</h1>" in english.content.decode()
    assert "Accept-Language" in english["Vary"]
    danish = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="da")
    assert "<h1>Overblik</h1>" in danish.content.decode()


def test_default_photo_terms_read_in_the_pages_language(client, seed_release):
    """Chromium pass: /en/pressefotos/ showed the default usage terms in Danish. Terms an
    editor wrote are shown as written."""
    english = client.get("/en/pressefotos/").content.decode()
    danish = client.get("/pressefotos/").content.decode()
    assert "Free for editorial use with credit to the photographer." in english
    assert "Fri til redaktionel brug med kreditering af fotografen." in danish
    photo = seed_release.images.get()
    photo.usage_terms = "Kun i forbindelse med omtale af LOS."
    photo.save()
    assert "Kun i forbindelse med omtale af LOS." in client.get("/en/pressefotos/").content.decode()
