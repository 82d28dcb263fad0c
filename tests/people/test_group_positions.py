"""Issue 11: a whole board added in one form, from the organisation."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from people.models import Person, Position
from tests.factories import OrganisationFactory, PersonFactory, PressReleaseFactory

pytestmark = pytest.mark.django_db

URL = reverse("admin:people_person_group_positions")


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
        {
            "organisation": los.pk,
            "title": "bestyrelsesmedlem",
            "kind": Position.Kind.BOARD,
            "start": "10.5.2016",
            "end": "",
            "people": [person.pk for person in known],
            "new_people": "Ida Holm\n  Bo   Berg \n\nLone Jensen\n",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse(
        "admin:organisations_organisation_change", args=[los.pk]
    )
    assert "har nu rollen bestyrelsesmedlem i LOS" in response.content.decode()
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
    for data, message in [
        ({"new_people": ""}, "Vælg personer fra databasen, eller skriv nye navne."),
        ({"new_people": "Ny Person", "start": "maj"}, "Kan ikke læse datoen «maj»"),
        (
            {"new_people": "Ny Person", "start": "2020", "end": "2019"},
            "Slutningen ligger før starten.",
        ),
    ]:
        post = {
            "organisation": los.pk,
            "title": "bestyrelsesmedlem",
            "kind": "board",
            "start": "",
            "end": "",
            **data,
        }
        response = editor_client.post(URL, post)
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
            {
                "organisation": los.pk,
                "title": "bestyrelsesmedlem",
                "kind": Position.Kind.BOARD,
                "start": "2016",
                "end": "",
                "new_people": names,
                "make_public": public,
            },
        )
    html = Client().get(los.get_absolute_url()).content.decode()  # an anonymous reader
    assert "Åben Person" in html and "Lukket Person" not in html
    assert Person.objects.get(name="Lukket Person").is_public is False
