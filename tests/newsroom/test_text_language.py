"""Issue 19, items 12 and 16: on an English page every Danish text the reader sees is either
in English or marked lang="da", and the English interface's page of a Danish-only release does
not announce itself as English content."""

import re

import pytest

pytestmark = pytest.mark.django_db


def alternates(html: str) -> dict:
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))


def test_a_danish_only_release_read_in_english_is_danish_content(client, seed_release):
    url = seed_release.get_absolute_url()
    response = client.get(f"/en{url}")
    html = response.content.decode()
    # The text is Danish: the page says so; the English interface around it says it is English.
    assert '<html lang="da">' in html and '<body lang="en">' in html
    assert response["Content-Language"] == "da"
    # Alternates only for the languages the text exists in: Danish, at its Danish address.
    assert alternates(html) == {
        "da": f"http://testserver{url}",
        "x-default": f"http://testserver{url}",
    }
    assert f'<link rel="canonical" href="http://testserver{url}">' in html
    # The switch back to the Danish interface is still there; it promises no English text.
    assert f'<a href="{url}" hreflang="da" lang="da">Dansk</a>' in html
    danish = client.get(url).content.decode()
    assert '<html lang="da">' in danish and "<body>" in danish
    assert alternates(danish) == alternates(html)
    assert f'<a href="/en{url}" lang="en">English</a>' in danish


def test_other_english_pages_are_english(client, seed_release):
    response = client.get("/en/")
    assert '<html lang="en">' in response.content.decode()
    assert response["Content-Language"] == "en"
    assert "/en/" in alternates(response.content.decode())["en"]
