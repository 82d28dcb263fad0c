"""Issue 19, items 12 and 16: on an English page every Danish text the reader sees is either
in English or marked lang="da", and the English interface's page of a Danish-only release does
not announce itself as English content."""

import re
from html.parser import HTMLParser

import pytest

from newsroom.models import Quote
from organisations.models import Organisation

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


class LangOfText(HTMLParser):
    """Each text on a page (and each alt text) with the language it is marked in."""

    VOID = {"img", "br", "meta", "link", "input", "source", "hr"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.texts, self.in_head = [], [], False

    def lang(self):
        return next((lang for _tag, lang in reversed(self.stack) if lang), None)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img" and attrs.get("alt"):
            self.texts.append((attrs["alt"], attrs.get("lang") or self.lang()))
        if tag not in self.VOID:
            self.stack.append((tag, attrs.get("lang")))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if data.strip() and not any(tag in ("head", "script") for tag, _l in self.stack):
            self.texts.append((data.strip(), self.lang()))


def unmarked_danish(html: str, danish: list[str]) -> list[tuple[str, str]]:
    parser = LangOfText()
    parser.feed(html)
    return [
        (text, lang)
        for text, lang in parser.texts
        for word in danish
        if word in text and lang != "da"
    ]


@pytest.fixture
def english_version(seed_release, publisher):
    from newsroom import services
    from people.models import Person
    from tests.factories import PressReleaseFactory

    english = services.release_make_version(release=seed_release, user=publisher)
    english.title, english.lead = "New CEO focused on co-creation", "Today LOS ..."
    english.body = "<p>English body.</p>"
    english.save()
    mads = Person.objects.get(name="Mads Roke Clausen")
    Quote.objects.create(release=seed_release, person=mads, text="Vi skal samskabe.", role="")
    Quote.objects.create(release=english, person=mads, text="We shall co-create.", role="")
    for quote in Quote.objects.filter(role=""):
        quote.fill_role(quote.release.release_date, quote.release.language)
        quote.save()
    services.release_publish(release=english, user=publisher, publish_at=seed_release.publish_at)
    # A Danish-only neighbour, shown in English lists and as previous/related.
    PressReleaseFactory(title="Kun dansk nyhed", publish_at=seed_release.publish_at).topics.set(
        seed_release.topics.all()
    )
    return english


def danish_texts(release) -> list[str]:
    photo = release.lead_image
    contact = release.contacts.first()
    texts = [photo.caption, photo.alt_text, contact.title, "Kun dansk nyhed"]
    texts += [org.name for org in Organisation.objects.all() if org.name != org.label]
    texts += ["Ny direktør med fokus på samskabelse", "Vi skal samskabe."]
    return texts


def test_english_pages_mark_every_danish_text(client, seed_release, english_version):
    danish = danish_texts(seed_release)
    contact = seed_release.contacts.first()
    pages = [
        english_version.canonical_url,
        "/en/",
        f"/en{seed_release.get_absolute_url()}",
        "/en/personer/mads-roke-clausen/",
        "/en/organisationer/los/",
        "/en/pressekontakter/",
        "/en/pressefotos/",
        f"/en/pressemeddelelser/{english_version.slug}/pressefotos/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        # The article of a Danish release is Danish as a whole; outside it, each text.
        assert unmarked_danish(html, danish) == [], url
    # Where English is written, it is shown instead, unmarked.
    photo = seed_release.lead_image
    photo.caption_en, photo.alt_text_en = (
        "Mads Roke Clausen is the new CEO of LOS.",
        "Mads, new CEO",
    )
    photo.save()
    contact.title_en = "Head of communications"
    contact.save()
    english_version.update_record(refresh=True)
    english_version.save()
    html = client.get(english_version.canonical_url).content.decode()
    article = html.split("<article", 1)[1].split("</article>", 1)[0]
    assert (
        "Mads Roke Clausen is the new CEO of LOS." in article and 'alt="Mads, new CEO"' in article
    )
    assert "Head of communications" in article and contact.title not in article
    danish_page = client.get(seed_release.get_absolute_url()).content.decode()
    assert photo.caption in danish_page and photo.caption_en not in danish_page
