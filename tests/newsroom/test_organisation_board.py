"""Issue 11: an organisation page shows its board and people as of today or an earlier day,
only people the public may see; release pages link their "Om" boxes and byline."""

import datetime

import pytest
from django.utils import timezone

from newsroom.models import PressRelease
from people.models import Position
from tests.factories import OrganisationFactory, PersonFactory, PositionFactory, PressReleaseFactory

pytestmark = pytest.mark.django_db

RELEASE_DAY = datetime.date(2021, 5, 3)


def published_on(day, **kwargs):
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
    return PressReleaseFactory(publish_at=moment, **kwargs)


@pytest.fixture
def growing_board():
    """Seven members since 2016; two more join a week after the release that announces them."""
    los = OrganisationFactory(name="LOS", slug="los")
    members = []
    for number in range(9):
        joined = datetime.date(2016, 5, 10) if number < 7 else datetime.date(2021, 5, 10)
        person = PersonFactory(name=f"Medlem {number}")
        kind, title = Position.Kind.BOARD, "bestyrelsesmedlem"
        if number == 0:
            kind, title = Position.Kind.CHAIR, "formand"
        PositionFactory(person=person, organisation=los, kind=kind, title=title, start=joined)
        members.append(person)
    director = PersonFactory(name="Direktør Dorte")
    PositionFactory(
        person=director, organisation=los, title="direktør", start=datetime.date(2010, 1, 1)
    )
    release = published_on(
        RELEASE_DAY, title="Ny bestyrelse", people=[*members, director], byline=los
    )
    release.organisations.add(los)
    release.freeze_record()
    PressRelease.objects.filter(pk=release.pk).update(record=release.record)
    return los, members, release


def section(html, start, end="</section>"):
    part = html[html.index(start) :]
    return part[: part.index(end)]


def test_the_board_today_and_on_the_release_day(client, growing_board):
    los, members, _release = growing_board
    today = client.get(los.get_absolute_url()).content.decode()
    board = section(today, 'id="people-of-heading"', "<h3>")
    today_written = f"{timezone.localdate().day}. "
    assert f"Bestyrelse pr. {today_written}" in board
    assert board.count("<li>") == 9
    board = section(today, 'id="people-of-heading"')
    assert board.index("Medlem 0</a>, formand") < board.index("Medlem 1</a>")
    assert "Ledelse og medarbejdere pr." in board and "Direktør Dorte</a>, direktør" in board

    then = client.get(f"{los.get_absolute_url()}?dato=2021-05-03").content.decode()
    board_then = section(then, 'id="people-of-heading"', "<h3>")
    assert "Bestyrelse pr. 3. maj 2021" in board_then
    assert board_then.count("<li>") == 7
    assert "Medlem 8" not in board_then
    assert "Vis bestyrelsen i dag" in then


def test_no_one_known_only_from_an_unpublished_release_and_no_future_board(client, growing_board):
    los, _members, _release = growing_board
    secret = PersonFactory(name="Hemmelig Kandidat")
    PositionFactory(
        person=secret,
        organisation=los,
        kind=Position.Kind.BOARD,
        title="bestyrelsesmedlem",
        start=datetime.date(2020, 1, 1),
    )
    PressReleaseFactory(scheduled=True, people=[secret], title="Kommende nyhed")
    # A public member's seat from tomorrow is news no release has told yet.
    newcomer = PersonFactory(name="Ny I Morgen")
    PositionFactory(
        person=newcomer,
        organisation=los,
        kind=Position.Kind.BOARD,
        title="bestyrelsesmedlem",
        start=timezone.localdate() + datetime.timedelta(days=1),
    )
    published_on(RELEASE_DAY, people=[newcomer], title="Anden nyhed")

    html = client.get(los.get_absolute_url()).content.decode()
    assert "Hemmelig Kandidat" not in html and "Ny I Morgen" not in html
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    future = client.get(f"{los.get_absolute_url()}?dato={tomorrow:%Y-%m-%d}").content.decode()
    assert "Ny I Morgen" not in future
    assert "Kun i dag og tidligere dage kan vises: viser i dag." in future
    bad = client.get(f"{los.get_absolute_url()}?dato=3.+maj").content.decode()
    assert bad.count("<li>") >= 9 and "Kan ikke læse datoen «3. maj»: viser i dag." in bad


def test_the_release_links_its_boxes_and_byline(client, growing_board):
    los, members, release = growing_board
    html = client.get(release.get_absolute_url()).content.decode()
    assert f'<a href="{members[0].get_absolute_url()}">Om Medlem 0</a>' in html
    assert f'<a href="{los.get_absolute_url()}?dato=2021-05-03">Om LOS</a>' in html
    assert f'Af <a href="{los.get_absolute_url()}">LOS</a>' in html


def test_a_person_page_says_which_day_it_shows(client, growing_board):
    _los, members, _release = growing_board
    html = client.get(members[0].get_absolute_url()).content.decode()
    today = timezone.localdate()
    assert f'<p class="as-of">Pr. {today.day}. ' in html and f"{today.year}.</p>" in html


def test_a_person_marked_public_by_staff_is_on_the_board_before_any_release(client):
    los = OrganisationFactory(name="Frivilligrådet", slug="frivilligraadet")
    PressReleaseFactory(byline=los)  # the organisation itself is public
    listed = PersonFactory(name="Synlig Uden Nyhed", is_public=True)
    unlisted = PersonFactory(name="Usynlig Uden Nyhed")
    for person in (listed, unlisted):
        PositionFactory(
            person=person,
            organisation=los,
            kind=Position.Kind.BOARD,
            title="bestyrelsesmedlem",
            start=datetime.date(2020, 1, 1),
        )
    html = client.get(los.get_absolute_url()).content.decode()
    assert "Synlig Uden Nyhed" in html and "Usynlig Uden Nyhed" not in html
    assert client.get(listed.get_absolute_url()).status_code == 200
    assert client.get(unlisted.get_absolute_url()).status_code == 404


def test_on_a_handover_day_the_outgoing_chair_says_so(client, growing_board):
    """Found by hand: on the release day the board listed the outgoing and the new chair side
    by side; the release's "Om" box says "fratræder", the board page now does too."""
    los, members, _release = growing_board
    outgoing = members[0].positions.get()
    outgoing.end = RELEASE_DAY
    outgoing.save()
    newcomer = PersonFactory(name="Ny Formand", is_public=True)
    PositionFactory(
        person=newcomer,
        organisation=los,
        kind=Position.Kind.CHAIR,
        title="formand",
        start=RELEASE_DAY,
    )
    board = section(
        client.get(f"{los.get_absolute_url()}?dato=2021-05-03").content.decode(),
        'id="people-of-heading"',
        "<h3>",
    )
    assert "Medlem 0</a>, formand (fratræder 3. maj 2021)</li>" in board
    assert "Ny Formand</a>, formand</li>" in board
    later = client.get(f"{los.get_absolute_url()}?dato=2021-05-04").content.decode()
    assert "Medlem 0</a>" not in section(later, 'id="people-of-heading"', "<h3>")


def test_a_start_known_only_to_the_year_reads_as_such_on_a_board_inside_that_year(client):
    """Issue 19, item 20: "2024" is not "since 1 January 2024"; on a board dated in 2024 the
    member is listed "fra 2024", and from 2025 on without a date, as the others are."""
    los = OrganisationFactory(name="LOS", slug="los")
    PressReleaseFactory(byline=los)
    for name, start, precision in (
        ("Årstal Alene", datetime.date(2024, 1, 1), "year"),
        ("Måned Alene", datetime.date(2024, 2, 1), "month"),
        ("Præcis Dato", datetime.date(2024, 1, 1), "day"),
    ):
        PositionFactory(
            person=PersonFactory(name=name, is_public=True),
            organisation=los,
            kind=Position.Kind.BOARD,
            title="bestyrelsesmedlem",
            start=start,
            start_precision=precision,
        )

    PositionFactory(
        person=PersonFactory(name="Slut Med Årstal", is_public=True),
        organisation=los,
        kind=Position.Kind.BOARD,
        title="bestyrelsesmedlem",
        start=datetime.date(2016, 5, 10),
        end=datetime.date(2024, 1, 1),
        end_precision="year",
    )

    def board_on(day):
        html = client.get(f"{los.get_absolute_url()}?dato={day}").content.decode()
        return section(html, 'id="people-of-heading"', "</ul>")

    in_2024 = board_on("2024-03-05")
    assert "Årstal Alene</a>, bestyrelsesmedlem (fra 2024)</li>" in in_2024
    assert "Måned Alene</a>, bestyrelsesmedlem</li>" in in_2024
    assert "Præcis Dato</a>, bestyrelsesmedlem</li>" in in_2024
    assert "Slut Med Årstal</a>, bestyrelsesmedlem (til 2024)</li>" in in_2024
    in_february = board_on("2024-02-20")
    assert "Måned Alene</a>, bestyrelsesmedlem (fra februar 2024)</li>" in in_february
    later = board_on("2025-01-02")
    assert "Årstal Alene</a>, bestyrelsesmedlem</li>" in later
