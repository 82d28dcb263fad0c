"""Issue 19, items 17-21: daily work in the admin."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from newsroom.models import PressRelease
from tests.factories import PressReleaseFactory

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:newsroom_pressrelease_changelist")


def text_of(response) -> str:
    return re.sub(r"\s+", " ", strip_tags(response.content.decode()))


def listed_titles(response) -> set[str]:
    html = response.content.decode()
    return set(re.findall(r'<t[dh] class="field-title"><a [^>]*>([^<]+)</a>', html))


# Item 17: a release that went public by the clock reads as published --------------------


def test_a_release_out_by_the_clock_is_published_in_the_list_and_its_filter(
    publisher_client, time_machine
):
    now = timezone.now()
    passed = PressReleaseFactory(
        title="Embargo udløbet", status=PressRelease.Status.EMBARGOED, publish_at=now
    )
    PressReleaseFactory(
        title="Planlagt i morgen",
        status=PressRelease.Status.SCHEDULED,
        publish_at=now + datetime.timedelta(days=1),
    )
    PressReleaseFactory(title="Udgivet", status=PressRelease.Status.PUBLISHED)
    PressReleaseFactory(title="Kladde", draft=True)
    time_machine.move_to(now + datetime.timedelta(seconds=1))

    page = publisher_client.get(CHANGELIST)
    row = next(line for line in page.content.decode().split("<tr") if "Embargo udløbet" in line)
    assert "Offentliggjort" in row and "Embargo" not in strip_tags(row).replace(
        "Embargo udløbet", ""
    )
    published = publisher_client.get(CHANGELIST, {"status": "published"})
    assert listed_titles(published) == {"Embargo udløbet", "Udgivet"}
    embargoed = publisher_client.get(CHANGELIST, {"status": "embargoed"})
    assert listed_titles(embargoed) == set()
    scheduled = publisher_client.get(CHANGELIST, {"status": "scheduled"})
    assert listed_titles(scheduled) == {"Planlagt i morgen"}
    assert listed_titles(publisher_client.get(CHANGELIST, {"status": "draft"})) == {"Kladde"}
    # Nothing was rewritten: the row is as it was saved.
    passed.refresh_from_db()
    assert passed.status == PressRelease.Status.EMBARGOED


# Item 18: only a correction moves the feeds' "updated" -----------------------------------


def feed_updated(client, title):
    import feedparser

    feed = feedparser.parse(client.get("/feeds/atom/").content)
    [entry] = [entry for entry in feed.entries if entry.title == title]
    return entry.updated


def test_a_silent_fix_leaves_the_feeds_updated_time_and_a_correction_moves_it(
    publisher_client, client, time_machine
):
    from tests.newsroom.test_publishing import change_url, form_data

    release = PressReleaseFactory(title="Ny direktør", body="<p>Velkomen.</p>")
    before = feed_updated(client, "Ny direktør")
    time_machine.move_to(timezone.now() + datetime.timedelta(days=2))

    response = publisher_client.post(
        change_url(release), form_data(release, body="<p>Velkommen.</p>")
    )
    assert response.status_code == 302
    release.refresh_from_db()
    assert release.body == "<p>Velkommen.</p>"
    assert feed_updated(client, "Ny direktør") == before

    time_machine.move_to(timezone.now() + datetime.timedelta(days=1))
    response = publisher_client.post(
        change_url(release),
        form_data(release, body="<p>Velkommen, Anne.</p>", correction_note="Navnet manglede."),
    )
    assert response.status_code == 302
    assert feed_updated(client, "Ny direktør") > before


# Item 21: the correction's help text, and the other language version -----------------------


def test_the_correction_help_text_gives_todays_date(publisher_client):
    from django.utils.formats import date_format
    from django.utils.translation import override

    from tests.newsroom.test_publishing import change_url

    release = PressReleaseFactory()
    page = publisher_client.get(change_url(release)).content.decode()
    with override("da"):
        today = date_format(timezone.localdate(), "DATE_FORMAT")
    assert f"Rettet {today}: din note" in page
    assert "3. maj 2021" not in page


def test_correcting_one_language_version_reminds_of_the_other(publisher_client):
    from tests.newsroom.test_publishing import change_url, form_data

    danish = PressReleaseFactory(title="Ny direktør")
    english = PressReleaseFactory(title="New director", language="en", original=danish)

    def messages_after(release, **changes):
        response = publisher_client.post(
            change_url(release), form_data(release, **changes), follow=True
        )
        assert response.redirect_chain
        return [str(m) for m in response.context["messages"]]

    shown = messages_after(danish, lead="Rettet indledning.", correction_note="Titlen var forkert.")
    reminder = [m for m in shown if "Husk også den engelske version" in m]
    assert reminder and f'href="{change_url(english)}"' in reminder[0], shown
    shown = messages_after(
        english, original=danish.pk, lead="Fixed lead.", correction_note="The lead was wrong."
    )
    reminder = [m for m in shown if "Husk også den danske version" in m]
    assert reminder and f'href="{change_url(danish)}"' in reminder[0], shown
    # A change without a note is no correction: no reminder.
    danish.refresh_from_db()
    assert not [m for m in messages_after(danish, lead="Stavefejl rettet.") if "Husk" in m]


def test_the_admin_names_every_app_in_danish(admin_client):
    """Issue 19, item 21: login attempts (django-axes), tasks (django-tasks-db) and the second
    factor's devices (django-otp) read in Danish on the admin's front page."""
    page = text_of(admin_client.get(reverse("admin:index")))
    for english in (
        "Axes",
        "Tasks Database Backend",
        "Otp_Totp",
        "Otp_Static",
        "OTP WebAuthn",
        "Access attempts",
        "Access logs",
        "WebAuthn credentials",
    ):
        assert english not in page, english
    for danish in (
        "Loginforsøg",
        "Baggrundsopgaver",
        "Godkendelsesapps",
        "Gendannelseskoder",
        "Mislykkede login",
    ):
        assert danish in page, danish
