"""Issue 11: a whole board added in one form, from the organisation."""

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse

from people.models import Person, Position
from tests.factories import OrganisationFactory, PersonFactory, PressReleaseFactory

pytestmark = pytest.mark.django_db

URL = reverse("admin:people_person_group_positions")

# The form's role rows as it is first shown: chair, vice-chair, members, and two free rows.
SHOWN_ROLES = [
    ("formand", Position.Kind.CHAIR),
    ("næstformand", Position.Kind.CHAIR),
    ("bestyrelsesmedlem", Position.Kind.BOARD),
    ("", Position.Kind.BOARD),
    ("", Position.Kind.BOARD),
]


def board_post(organisation, *roles, start="", end="", **extra):
    """What the form posts: the shared fields, then every role row (those not given as the
    form showed them). A role is a dict of its fields, by row number under "row"."""
    data = {"organisation": organisation.pk, "start": start, "end": end, **extra}
    given = {role.get("row", number): role for number, role in enumerate(roles)}
    for number, (title, kind) in enumerate(SHOWN_ROLES):
        role = given.get(number, {})
        data.update(
            {
                f"role-{number}-title": role.get("title", title),
                f"role-{number}-kind": role.get("kind", kind),
                f"role-{number}-start": role.get("start", ""),
                f"role-{number}-end": role.get("end", ""),
                f"role-{number}-people": role.get("people", []),
                f"role-{number}-new_people": role.get("new_people", ""),
            }
        )
    return data


def test_four_people_become_board_members_from_one_day_in_one_save(editor_client, client):
    los = OrganisationFactory(name="LOS")
    known = [PersonFactory(name="Lone Jensen"), PersonFactory(name="Kim Nielsen")]
    change_page = editor_client.get(
        reverse("admin:organisations_organisation_change", args=[los.pk])
    ).content.decode()
    assert f'href="{URL}?organisation={los.pk}"' in change_page
    assert editor_client.get(f"{URL}?organisation={los.pk}").status_code == 200

    response = editor_client.post(
        URL,
        board_post(
            los,
            {
                "row": 2,
                "people": [person.pk for person in known],
                "new_people": "Ida Holm\n  Bo   Berg \n\nLone Jensen\n",
            },
            start="10.5.2016",
        ),
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse(
        "admin:organisations_organisation_change", args=[los.pk]
    )
    page = response.content.decode()
    assert (
        "Kim Nielsen, Lone Jensen, Ida Holm og Bo Berg har nu rollen bestyrelsesmedlem i LOS."
        in page
    ), re.findall(r'<li class="success">(.*?)</li>', page)
    board = Position.objects.filter(organisation=los, title="bestyrelsesmedlem")
    assert sorted(board.values_list("person__name", flat=True)) == [
        "Bo Berg",
        "Ida Holm",
        "Kim Nielsen",
        "Lone Jensen",
    ]
    assert set(board.values_list("start", "start_precision")) == {
        (datetime.date(2016, 5, 10), "day")
    }
    assert Person.objects.filter(name="Lone Jensen").count() == 1

    # Once a release names them, the organisation's page lists the board.
    PressReleaseFactory(people=list(Person.objects.filter(positions__in=board)), byline=los)
    html = client.get(los.get_absolute_url()).content.decode()
    assert html.count(", bestyrelsesmedlem</li>") == 4


def test_the_form_says_what_is_missing_or_wrong_and_saves_nothing(editor_client):
    los = OrganisationFactory()
    for roles, dates, message in [
        ([], {}, "Vælg personer fra databasen, eller skriv nye navne."),
        ([{"row": 2, "new_people": "Ny Person"}], {"start": "maj"}, "Kan ikke læse datoen «maj»"),
        (
            [{"row": 2, "new_people": "Ny Person"}],
            {"start": "2020", "end": "2019"},
            "Slutningen ligger før starten.",
        ),
        (
            [{"row": 2, "new_people": "Ny Person", "start": "2020", "end": "2019"}],
            {},
            "Slutningen ligger før starten.",
        ),
        ([{"row": 3, "new_people": "Ny Person"}], {}, "Skriv rollens titel."),
        (
            [{"row": 1, "start": "2020"}, {"row": 2, "new_people": "Ny Person"}],
            {},
            "Vælg personerne med rollen, eller fjern dens datoer.",
        ),
    ]:
        response = editor_client.post(URL, board_post(los, *roles, **dates))
        assert response.status_code == 200
        assert message in response.content.decode(), message
    assert not Position.objects.exists() and not Person.objects.filter(name="Ny Person").exists()


def test_only_staff_who_may_add_positions_get_the_form(client, django_user_model):
    user = django_user_model.objects.create_user("x", "x@example.org", "pw", is_staff=True)
    client.force_login(user)
    assert client.get(URL).status_code == 403


def test_a_board_shown_publicly_at_once_when_the_press_office_says_so(editor_client):
    los = OrganisationFactory(name="LOS")
    PressReleaseFactory(byline=los)  # the organisation is public
    for names, public in (("Åben Person", "on"), ("Lukket Person", "")):
        editor_client.post(
            URL,
            board_post(los, {"row": 2, "new_people": names}, start="2016", make_public=public),
        )
    html = Client().get(los.get_absolute_url()).content.decode()  # an anonymous reader
    assert "Åben Person" in html and "Lukket Person" not in html
    assert Person.objects.get(name="Lukket Person").is_public is False


def test_chair_vice_chair_and_members_each_with_their_dates_in_one_save(editor_client):
    """Issue 19, item 19: a whole board in one submit, each role with its own dates."""
    los = OrganisationFactory(name="LOS")
    known = PersonFactory(name="Kim Nielsen")
    response = editor_client.post(
        URL,
        board_post(
            los,
            {"row": 0, "new_people": "Anne Bach", "start": "1.6.2024"},
            {"row": 1, "people": [known.pk]},
            {"row": 2, "new_people": "Bo Carlsen\nClara Dam\nDan Eriksen"},
            {
                "row": 3,
                "title": "suppleant",
                "new_people": "Eva Friis",
                "start": "2023",
                "end": "2025",
            },
            start="10.5.2024",
        ),
        follow=True,
    )
    shown = {
        (p.person.name, p.title, p.kind, p.start, p.start_precision, p.end)
        for p in Position.objects.filter(organisation=los).select_related("person")
    }
    may_10, june_1 = datetime.date(2024, 5, 10), datetime.date(2024, 6, 1)
    assert shown == {
        ("Anne Bach", "formand", "chair", june_1, "day", None),
        ("Kim Nielsen", "næstformand", "chair", may_10, "day", None),
        ("Bo Carlsen", "bestyrelsesmedlem", "board", may_10, "day", None),
        ("Clara Dam", "bestyrelsesmedlem", "board", may_10, "day", None),
        ("Dan Eriksen", "bestyrelsesmedlem", "board", may_10, "day", None),
        ("Eva Friis", "suppleant", "board", datetime.date(2023, 1, 1), "year",
         datetime.date(2025, 1, 1)),
    }  # fmt: skip
    page = response.content.decode()
    for message in (
        "Anne Bach har nu rollen formand i LOS.",
        "Kim Nielsen har nu rollen næstformand i LOS.",
        "Bo Carlsen, Clara Dam og Dan Eriksen har nu rollen bestyrelsesmedlem i LOS.",
        "Eva Friis har nu rollen suppleant i LOS.",
    ):
        assert message in page, message


def test_names_are_listed_as_the_language_writes_them():
    from django.utils import translation

    from common.text import names_list

    with translation.override("da"):
        assert names_list(["A"]) == "A"
        assert names_list(["A", "B"]) == "A og B"
        assert names_list(["A", "B", "C"]) == "A, B og C"
    with translation.override("en"):
        assert names_list(["A", "B", "C"]) == "A, B and C"
        assert names_list(["A", "B"]) == "A and B"
    assert names_list([]) == ""
