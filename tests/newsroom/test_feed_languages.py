"""Issue 19.14: an Atom entry in another language than its feed says so with xml:lang."""

import xml.etree.ElementTree as ET

import pytest

from tests.factories import PressReleaseFactory

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def entries(client, url):
    feed = ET.fromstring(client.get(url).content)
    return feed.get(LANG), {
        entry.find(f"{ATOM}title").text: entry.get(LANG) for entry in feed.iter(f"{ATOM}entry")
    }


def test_atom_entries_carry_the_language_of_their_release_where_it_differs(client):
    danish = PressReleaseFactory(title="Ny aftale")
    PressReleaseFactory(title="New agreement", language="en", original=danish)
    PressReleaseFactory(title="Kun på dansk")
    PressReleaseFactory(title="Only in English", language="en")
    for _twice in range(2):  # rendered, then from the kept entries
        language, langs = entries(client, "/en/feeds/atom/")
        assert language == "en"
        assert langs == {"New agreement": None, "Kun på dansk": "da", "Only in English": None}
        language, langs = entries(client, "/feeds/atom/")
        assert language == "da"
        assert langs == {"Ny aftale": None, "Kun på dansk": None, "Only in English": "en"}
