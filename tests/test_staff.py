"""Issue 11: making an Editor or Publisher is one step, in the admin or from a script."""

import pytest
from django.contrib.auth.models import Group, User
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def user_form(user, **values):
    data = {
        "username": user.username,
        "first_name": "",
        "last_name": "",
        "email": user.email,
        "is_active": "on",
        "date_joined_0": "2026-11-28",
        "date_joined_1": "10:00:00",
        "initial-date_joined_0": "2026-11-28",
        "initial-date_joined_1": "10:00:00",
        "groups": [],
        "user_permissions": [],
    }
    data.update(values)
    return data


def test_choosing_the_editor_group_gives_staff_status_and_the_login_works(staff_client):
    user = User.objects.create_user("skribent@example.org", "skribent@example.org", "kodeord-1")
    editor = Group.objects.get(name="Editor")
    response = staff_client.post(
        reverse("admin:auth_user_change", args=[user.pk]),
        user_form(user, groups=[editor.pk]),
        follow=True,
    )
    assert "Brugeren skribent@example.org kan nu logge ind i administrationen som Redaktør." in (
        response.content.decode()
    )
    user.refresh_from_db()
    assert user.is_staff
    newcomer = Client()
    login = newcomer.post(
        reverse("admin:login"),
        {"username": "skribent@example.org", "password": "kodeord-1", "next": "/admin/"},
        follow=True,
    )
    assert login.redirect_chain[-1][0] == "/admin/"


def test_groups_are_named_in_danish_in_the_danish_admin(staff_client):
    html = staff_client.get(
        reverse("admin:auth_user_change", args=[User.objects.get(username="editor").pk])
    ).content.decode()
    assert ">Redaktør</option>" in html and ">Udgiver</option>" in html
    groups = staff_client.get(reverse("admin:auth_group_changelist")).content.decode()
    assert "Redaktør" in groups and "Udgiver" in groups


def test_a_right_password_without_admin_access_is_not_called_wrong(client):
    User.objects.create_user("ny@example.org", "ny@example.org", "kodeord-2")
    response = client.post(
        reverse("admin:login"), {"username": "ny@example.org", "password": "kodeord-2"}
    )
    html = response.content.decode()
    assert "Brugernavn og adgangskode er rigtige, men kontoen har ikke adgang" in html
    wrong = client.post(reverse("admin:login"), {"username": "ny@example.org", "password": "x"})
    assert "Brugernavn og adgangskode er rigtige" not in wrong.content.decode()


def test_createstaff_makes_a_publisher_who_can_log_in(capsys, monkeypatch):
    monkeypatch.setenv("NEWSROOM_STAFF_PASSWORD", "hemmeligt-kodeord")
    call_command(
        "createstaff", "presse@example.org", "--role", "publisher", "--name", "Anne Marie Holm"
    )
    out = capsys.readouterr().out
    assert "presse@example.org is Publisher" in out and "hemmeligt" not in out
    user = User.objects.get(username="presse@example.org")
    assert user.is_staff and (user.first_name, user.last_name) == ("Anne Marie", "Holm")
    assert list(user.groups.values_list("name", flat=True)) == ["Publisher"]
    client = Client()
    login = client.post(
        reverse("admin:login"),
        {"username": "presse@example.org", "password": "hemmeligt-kodeord", "next": "/admin/"},
    )
    assert login.status_code == 302
    assert client.get(reverse("admin:newsroom_pressrelease_changelist")).status_code == 200


def test_createstaff_gives_an_existing_user_the_role_and_prints_a_made_password_once(capsys):
    call_command("createstaff", "skribent@example.org", "--role", "editor")
    assert "Password: " in capsys.readouterr().out
    call_command("createstaff", "skribent@example.org", "--role", "publisher")
    assert "Password" not in capsys.readouterr().out
    user = User.objects.get(username="skribent@example.org")
    assert set(user.groups.values_list("name", flat=True)) == {"Editor", "Publisher"}


def test_createstaff_refuses_what_is_not_an_email_address():
    with pytest.raises(CommandError, match="is not an e-mail address"):
        call_command("createstaff", "ikke en adresse", "--role", "editor")
    with pytest.raises(CommandError):
        call_command("createstaff", "a@example.org", "--role", "chef")
