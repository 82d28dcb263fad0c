"""Issue 11: quotes bound to a person, with the role held on the release's date; free-text
attribution for someone outside the database."""

import datetime
import json
import re

import feedparser
import pytest

from newsroom.models import PressRelease, Quote
from people.models import Position
from tests.factories import OrganisationFactory, PersonFactory, PositionFactory, PressReleaseFactory
from tests.newsroom.test_publishing import change_url, form_data
from tests.newsroom.test_saves_reach_the_public import link_rows

pytestmark = pytest.mark.django_db


def quote_rows(*quotes):
    data = {"quotes-TOTAL_FORMS": str(len(quotes)), "quotes-INITIAL_FORMS": "0"}
    for index, quote in enumerate(quotes):
        data.update({f"quotes-{index}-{key}": value for key, value in quote.items()})
        data[f"quotes-{index}-order"] = index
    return data


@pytest.fixture
def director():
    """Direktør at LOS until 2022, then chair of Frivilligrådet."""
    person = PersonFactory(name="Mads Roke Clausen")
    los = OrganisationFactory(name="LOS")
    PositionFactory(
        person=person,
        organisation=los,
        title="direktør",
        start=datetime.date(2015, 1, 1),
        end=datetime.date(2022, 6, 30),
    )
    PositionFactory(
        person=person,
        organisation=OrganisationFactory(name="Frivilligrådet"),
        title="formand",
        kind=Position.Kind.CHAIR,
        start=datetime.date(2022, 7, 1),
    )
    return person


def test_a_publisher_quotes_a_person_and_an_outsider_and_the_public_reads_both(
    publisher_client, client, director
):
    release = PressReleaseFactory(
        draft=True, title="Nyt samarbejde", publish_at=None, people=[director]
    )
    published = datetime.datetime(2021, 5, 3, 7, 0, tzinfo=datetime.UTC)  # 9:00 in Copenhagen
    data = form_data(
        release,
        status=PressRelease.Status.PUBLISHED,
        publish_at_0="03.05.2021",
        publish_at_1="09:00:00",
    )
    data.update(link_rows(release, "person_links", "person", []))
    data.update(
        quote_rows(
            {
                "text": "Vi glæder os til samarbejdet.",
                "person": director.pk,
                "speaker": "",
                "role": "",
            },
            {
                "text": "Det er en god dag for frivilligheden.",
                "person": "",
                "speaker": "Anne Andersen",
                "role": "borgmester",
            },
        )
    )
    response = publisher_client.post(change_url(release), data, follow=True)
    assert response.status_code == 200, response.content.decode()[:500]
    release.refresh_from_db()
    assert release.publish_at == published
    # The role he held on the release's date, not today's.
    assert Quote.objects.get(person=director).role == "direktør, LOS"

    html = client.get(release.get_absolute_url()).content.decode()
    assert "<blockquote><p>Vi glæder os til samarbejdet.</p></blockquote>" in html
    assert f'– <a href="{director.get_absolute_url()}">Mads Roke Clausen</a>, direktør, LOS' in html
    assert "– Anne Andersen, borgmester" in html

    json_ld = json.loads(
        re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S).group(1)
    )
    parts = json_ld["hasPart"]
    assert parts[0]["@type"] == "Quotation" and parts[0]["creator"]["name"] == "Mads Roke Clausen"
    assert parts[0]["creator"]["jobTitle"] == "direktør, LOS"
    assert parts[1]["creator"] == {
        "@type": "Person",
        "name": "Anne Andersen",
        "jobTitle": "borgmester",
    }

    feed = feedparser.parse(client.get("/feeds/rss/").content)
    content = feed.entries[0].content[0].value
    assert (
        "Vi glæder os til samarbejdet." in content and "Mads Roke Clausen, direktør, LOS" in content
    )

    person_page = client.get(director.get_absolute_url()).content.decode()
    quotes = person_page[person_page.index('id="quotes-heading"') :]
    assert "Vi glæder os til samarbejdet." in quotes
    assert f'i <a href="{release.get_absolute_url()}">Nyt samarbejde</a>, 3. maj 2021' in quotes


def test_a_quote_needs_a_person_or_a_name_not_both(publisher_client, director):
    release = PressReleaseFactory(draft=True, publish_at=None)
    for person, speaker, message in (
        (director.pk, "Anne Andersen", "Vælg en person fra databasen eller skriv et navn, ikke"),
        # Neither given: said as such (found by hand: "not both" was said here too).
        ("", "", "Angiv, hvem der citeres: vælg en person fra databasen eller skriv et navn."),
    ):
        data = form_data(release)
        data.update(
            quote_rows({"text": "Et citat.", "person": person, "speaker": speaker, "role": ""})
        )
        response = publisher_client.post(change_url(release), data)
        assert response.status_code == 200
        assert message in response.content.decode()
    assert not Quote.objects.exists()


def test_a_quote_on_an_unpublished_release_is_not_on_the_person_page(client, director):
    PressReleaseFactory(title="Offentlig", people=[director])
    hidden = PressReleaseFactory(scheduled=True, title="Hemmelig")
    Quote.objects.create(release=hidden, person=director, text="Hemmeligt citat.")
    html = client.get(director.get_absolute_url()).content.decode()
    assert "Hemmeligt citat." not in html


def test_an_editor_may_write_quotes():
    from django.contrib.auth.models import Group

    codenames = set(Group.objects.get(name="Editor").permissions.values_list("codename", flat=True))
    assert {"add_quote", "change_quote", "delete_quote", "view_quote"} <= codenames


def test_a_quote_in_a_board_release_names_the_role_at_the_board_it_is_about():
    """Found by hand: the new LOS chair, quoted in the LOS board release, was given her
    day job ("direktør, Mødrehjælpen"), the first current role."""
    karen = PersonFactory(name="Karen Østergaard")
    los = OrganisationFactory(name="Landsorganisationen for sociale tilbud", short_name="LOS")
    PositionFactory(
        person=karen,
        organisation=OrganisationFactory(name="Mødrehjælpen"),
        title="direktør",
        start=datetime.date(2019, 1, 1),
    )
    PositionFactory(
        person=karen,
        organisation=los,
        title="formand",
        kind=Position.Kind.CHAIR,
        start=datetime.date(2021, 5, 3),
    )
    release = PressReleaseFactory(
        publish_at=datetime.datetime(2021, 5, 3, 9, tzinfo=datetime.UTC), people=[karen]
    )
    release.organisations.add(los)
    quote = Quote(release=release, person=karen, text="Vi glæder os.")
    quote.fill_role(release.release_date)
    assert quote.role == "formand, LOS"
    # A release about something else: her first current role, as before.
    other = PressReleaseFactory(
        publish_at=datetime.datetime(2021, 5, 3, 9, tzinfo=datetime.UTC), people=[karen]
    )
    quote = Quote(release=other, person=karen, text="Vi glæder os.")
    quote.fill_role(other.release_date)
    assert quote.role == "direktør, Mødrehjælpen"
