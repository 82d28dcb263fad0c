import datetime

import pytest

from people.dates import Precision
from people.models import Person, Position
from tests.factories import OrganisationFactory, PersonFactory, PositionFactory

pytestmark = pytest.mark.django_db


def test_age_from_birth_date_and_from_year():
    exact = Person(name="A", birth_date=datetime.date(1969, 6, 1))
    assert exact.age_on(datetime.date(2021, 5, 31)) == 51
    assert exact.age_on(datetime.date(2021, 6, 1)) == 52
    assert Person(name="B", birth_year=1969).age_on(datetime.date(2021, 5, 3)) == 52
    assert Person(name="C").age_on(datetime.date(2021, 5, 3)) is None


def test_positions_are_placed_as_of_a_given_day():
    person = PersonFactory()
    board = PositionFactory(person=person, kind=Position.Kind.BOARD, title="bestyrelsesmedlem")
    later = PositionFactory(person=person, title="direktør", start=datetime.date(2021, 5, 3))
    earlier = PositionFactory(
        person=person,
        title="ansat",
        start=datetime.date(1995, 6, 1),
        start_precision=Precision.YEAR,
        end=datetime.date(1996, 2, 1),
        end_precision=Precision.YEAR,
    )
    # A year-precise end lasts until the end of that year.
    during = person.biography_on(datetime.date(1996, 12, 31))
    assert during.current_roles == [earlier]
    before = person.biography_on(datetime.date(2021, 5, 2))
    assert before.current_roles == []
    assert before.board_seats == [board]
    assert before.earlier_roles == [earlier]
    on_the_day = person.biography_on(datetime.date(2021, 5, 3))
    assert on_the_day.current_roles == [later]


def test_month_precision_and_period_text():
    position = PositionFactory(
        start=datetime.date(1998, 2, 17),
        start_precision=Precision.MONTH,
        end=datetime.date(2002, 7, 4),
        end_precision=Precision.MONTH,
    )
    assert position.start == datetime.date(1998, 2, 1)
    assert position.end_last_day == datetime.date(2002, 7, 31)
    assert position.is_held_on(datetime.date(2002, 7, 31))
    assert not position.is_held_on(datetime.date(2002, 8, 1))
    assert position.period == "februar 1998–juli 2002"


def test_held_on_queryset_agrees_with_python():
    organisation = OrganisationFactory()
    person = PersonFactory()
    current = PositionFactory(person=person, organisation=organisation)
    PositionFactory(person=person, organisation=organisation, ended_undated=True)
    PositionFactory(person=person, organisation=organisation, end=datetime.date(2000, 1, 1))
    assert list(Position.objects.held_on(datetime.date(2021, 1, 1))) == [current]


def test_end_before_start_is_refused_with_a_message():
    from django.core.exceptions import ValidationError

    position = PositionFactory.build(
        person=PersonFactory(),
        organisation=OrganisationFactory(),
        start=datetime.date(2000, 1, 1),
        end=datetime.date(1999, 1, 1),
    )
    with pytest.raises(ValidationError) as error:
        position.full_clean()
    assert "The end comes before the start." in str(error.value) or "før" in str(error.value)


def test_item9_chair_and_vice_chair_are_board_seats_council_chair_is_a_role():
    person = PersonFactory()
    chair = PositionFactory(person=person, kind=Position.Kind.CHAIR, title="formand")
    vice = PositionFactory(person=person, kind=Position.Kind.BOARD, title="næstformand")
    council = PositionFactory(person=person, kind=Position.Kind.COUNCIL, title="formand")
    biography = person.biography_on(datetime.date(2021, 5, 3))
    assert set(biography.board_seats) == {chair, vice}
    assert biography.current_roles == [council]


def test_item9_a_role_ending_on_the_release_date_says_it_is_left_that_day(client):
    """The documented rule: on a handover day the outgoing chair is still a board member
    that day, and the box says "fratræder <date>", never "til <date>"."""
    from newsroom.record import person_box

    person = PersonFactory()
    day = datetime.date(2021, 5, 3)
    PositionFactory(
        person=person, kind=Position.Kind.CHAIR, title="formand", end=day, start=None
    )
    box = person_box(person, person.biography_on(day))
    assert box["current_roles"] == []
    assert [seat["period"] for seat in box["board_seats"]] == ["fratræder 3. maj 2021"]
    day_after = person_box(person, person.biography_on(datetime.date(2021, 5, 4)))
    assert [role["period"] for role in day_after["earlier_roles"]] == ["til 3. maj 2021"]
