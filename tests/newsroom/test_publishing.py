"""Roles, scheduling, withdrawal, corrections and the record that stays true."""

import datetime
import re
import zoneinfo

import feedparser
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from newsroom import services
from newsroom.models import PressRelease
from people.models import Person, Position
from tests.factories import PersonFactory, PressReleaseFactory

pytestmark = pytest.mark.django_db
CPH = zoneinfo.ZoneInfo("Europe/Copenhagen")


def change_url(release):
    return reverse("admin:newsroom_pressrelease_change", args=[release.pk])


# The release form's inlines, as their management forms are named.
INLINES = (
    "image_links",
    "contact_links",
    "person_links",
    "organisation_links",
    "quotes",
    "corrections",
)


def form_data(release, **changes):
    """What the admin change form posts for a release, with no inline rows."""
    data = {
        "title": release.title,
        "slug": release.slug,
        "language": release.language,
        "lead": release.lead,
        "body": release.body,
        "byline": "",
        "status": release.status,
        "publish_at_0": "",
        "publish_at_1": "",
        "edit_version": release.version,
    }
    if release.publish_at:
        local = timezone.localtime(release.publish_at)
        data["publish_at_0"] = local.strftime("%d.%m.%Y")
        data["publish_at_1"] = local.strftime("%H:%M:%S")
    for prefix in INLINES:
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(changes)
    return data


# Roles, from both sides ---------------------------------------------------------------


def test_editor_writes_drafts_but_cannot_publish_through_the_form(editor_client):
    release = PressReleaseFactory(draft=True, title="Udkast")
    response = editor_client.post(
        change_url(release), form_data(release, status="published", title="Udkast 2")
    )
    assert response.status_code == 302
    release.refresh_from_db()
    assert release.title == "Udkast 2"
    assert release.status == PressRelease.Status.DRAFT  # the status field is not theirs


def test_editor_cannot_change_a_published_release(editor_client):
    release = PressReleaseFactory(title="Ude")
    response = editor_client.post(change_url(release), form_data(release, title="Ændret"))
    assert response.status_code == 403
    release.refresh_from_db()
    assert release.title == "Ude"


def test_editor_cannot_run_publish_actions(editor_client):
    release = PressReleaseFactory(draft=True)
    changelist = reverse("admin:newsroom_pressrelease_changelist")
    assert "publish_now" not in editor_client.get(changelist).content.decode()
    editor_client.post(changelist, {"action": "publish_now", "_selected_action": [release.pk]})
    release.refresh_from_db()
    assert release.status == PressRelease.Status.DRAFT


def test_services_refuse_editors_whatever_the_button(editor):
    release = PressReleaseFactory(draft=True)
    with pytest.raises(PermissionDenied):
        services.release_publish(release=release, user=editor)
    with pytest.raises(PermissionDenied):
        services.release_unpublish(release=release, user=editor)
    with pytest.raises(PermissionDenied):
        services.release_correct(release=release, user=editor, note="x")


def test_publisher_publishes_and_unpublishes_with_actions(publisher_client, client):
    release = PressReleaseFactory(draft=True, title="Nyhed fra udgiveren")
    changelist = reverse("admin:newsroom_pressrelease_changelist")
    publisher_client.post(changelist, {"action": "publish_now", "_selected_action": [release.pk]})
    release.refresh_from_db()
    assert release.is_published and release.record is not None
    anonymous = Client()
    assert anonymous.get(release.get_absolute_url()).status_code == 200
    publisher_client.post(changelist, {"action": "unpublish", "_selected_action": [release.pk]})
    gone = anonymous.get(release.get_absolute_url())
    assert gone.status_code == 410
    assert "trukket tilbage" in gone.content.decode()
    assert "Nyhed fra udgiveren" not in anonymous.get("/").content.decode()
    feed = feedparser.parse(anonymous.get("/feeds/rss/").content)
    assert "Nyhed fra udgiveren" not in [entry.title for entry in feed.entries]


def test_publisher_schedules_through_the_form(publisher_client):
    release = PressReleaseFactory(draft=True)
    when = timezone.now() + datetime.timedelta(days=2)
    release.publish_at = when.replace(microsecond=0)
    response = publisher_client.post(change_url(release), form_data(release, status="scheduled"))
    assert response.status_code == 302
    release.refresh_from_db()
    assert release.status == PressRelease.Status.SCHEDULED
    assert release.record is not None


def test_publishing_through_the_form_says_the_release_is_public_now(publisher_client):
    """Chromium pass: "Offentliggjort" in the status field said only "was changed"."""
    release = PressReleaseFactory(draft=True, title="Ud nu")
    response = publisher_client.post(
        change_url(release), form_data(release, status="published"), follow=True
    )
    assert "“Ud nu” er offentlig nu." in response.content.decode()
    release.refresh_from_db()
    assert release.is_published
    again = publisher_client.post(
        change_url(release), form_data(release, lead="Ny indledning."), follow=True
    )
    assert "er offentlig nu." not in again.content.decode().replace("Ændringen er offentlig", "")


def test_publish_times_are_shown_with_their_zone(staff_client):
    summer = PressReleaseFactory(
        draft=True, publish_at=datetime.datetime(2021, 5, 3, 10, tzinfo=CPH)
    )
    winter = PressReleaseFactory(
        draft=True, publish_at=datetime.datetime(2021, 12, 1, 9, tzinfo=CPH)
    )
    assert (
        "3. maj 2021 kl. 10:00 (CEST)"
        in staff_client.get(summer.get_preview_url()).content.decode()
    )
    assert (
        "1. december 2021 kl. 09:00 (CET)"
        in staff_client.get(reverse("admin:newsroom_pressrelease_changelist")).content.decode()
    )
    assert winter.pk


def test_changed_slug_answers_301_from_the_old_address(client, publisher):
    release = PressReleaseFactory(title="Gammel titel")
    old_url = release.get_absolute_url()
    release.slug = "ny-titel"
    release.save()
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == "/pressemeddelelser/ny-titel/"
    # A draft's changed slug leaves nothing behind.
    draft = PressReleaseFactory(draft=True, slug="kladde-a")
    draft.slug = "kladde-b"
    draft.save()
    assert client.get("/pressemeddelelser/kladde-a/").status_code == 404


# The record stays true --------------------------------------------------------------


def test_a_later_edit_to_a_person_never_rewrites_an_old_release(client, seed_release):
    mads = Person.objects.get(name="Mads Roke Clausen")
    frivilligraadet = Position.objects.get(person=mads, title="formand").organisation
    Position.objects.filter(person=mads, title="formand").update(title="æresformand")
    Position.objects.create(
        person=mads,
        organisation=frivilligraadet,
        title="rådgiver",
        kind=Position.Kind.EMPLOYMENT,
        start=datetime.date(2020, 1, 1),
    )
    mads.bio = "Ny biografi skrevet i 2026."
    mads.save()
    release_html = client.get(seed_release.get_absolute_url()).content.decode()
    assert "formand, <a" in release_html and "æresformand" not in release_html
    assert "rådgiver" not in release_html and "Ny biografi" not in release_html
    person_html = client.get(mads.get_absolute_url()).content.decode()
    assert "æresformand" in person_html and "Ny biografi" in person_html


def test_correction_shows_on_the_release_and_moves_the_feed_date_not_the_guid(
    client, seed_release, publisher, time_machine
):
    before = feedparser.parse(client.get("/feeds/atom/").content).entries[0]
    later = timezone.now() + datetime.timedelta(days=3)
    time_machine.move_to(later)
    services.release_correct(release=seed_release, user=publisher, note="Alderen er rettet.")
    html = client.get(seed_release.get_absolute_url()).content.decode()
    day = timezone.localtime(later).date()
    assert f"Rettet {day.day}. " in html and "Alderen er rettet." in html
    after = feedparser.parse(client.get("/feeds/atom/").content).entries[0]
    assert after.id == before.id
    assert after.updated_parsed > before.updated_parsed


def test_publisher_adds_a_correction_in_the_admin(publisher_client, seed_release):
    data = form_data(seed_release)
    data.update({"correction_note": "Rettet stavefejl."})
    data.update(
        {
            "image_links-INITIAL_FORMS": "0",
            "contact_links-INITIAL_FORMS": "0",
        }
    )
    response = publisher_client.post(change_url(seed_release), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert seed_release.corrections.get().note == "Rettet stavefejl."


# History and concurrent edits -------------------------------------------------------


def test_history_shows_who_changed_what_and_restores(publisher_client, publisher):
    release = PressReleaseFactory(draft=True, title="Første titel")
    publisher_client.post(change_url(release), form_data(release, title="Anden titel"))
    release.refresh_from_db()
    assert release.title == "Anden titel"
    history_url = reverse("admin:newsroom_pressrelease_history", args=[release.pk])
    page = publisher_client.get(history_url).content.decode()
    assert "Første titel" in page and "Anden titel" in page  # the diff
    assert "Vælg et tidspunkt på listen" in page and "Ændret af" in page  # in Danish
    # Changes as staff read them (found in the Chromium pass: "draft → published", "None").
    publisher_client.post(change_url(release), form_data(release, status="published"))
    page = publisher_client.get(history_url).content.decode()
    assert "Kladde" in page and "Offentliggjort" in page and "draft" not in page
    assert "None" not in page and "(CE" in page  # a time with its zone
    assert publisher.username in page
    first = release.history.order_by("history_date").first()
    revert_url = reverse(
        "admin:newsroom_pressrelease_simple_history", args=[release.pk, first.history_id]
    )
    form = publisher_client.get(revert_url)
    assert form.status_code == 200
    # Submit the restore form as rendered: it carries the stored version, not the old one's.
    shown_version = re.search(r'name="edit_version" value="(\d+)"', form.content.decode()).group(1)
    release.refresh_from_db()
    assert int(shown_version) == release.version
    data = form_data(release, title="Første titel", edit_version=shown_version)
    assert publisher_client.post(revert_url, data).status_code == 302
    release.refresh_from_db()
    assert release.title == "Første titel"
    assert release.version > int(shown_version)  # never backwards


def test_editors_cannot_use_history_to_publish_or_withdraw(editor_client, publisher):
    release = PressReleaseFactory(draft=True, title="Kladde")
    services.release_publish(release=release, user=publisher)  # a published version exists
    services.release_unpublish(release=release, user=publisher)
    published_version = release.history.filter(status="published").first()
    revert_url = reverse(
        "admin:newsroom_pressrelease_simple_history",
        args=[release.pk, published_version.history_id],
    )
    release.refresh_from_db()
    response = editor_client.post(revert_url, form_data(release, title="Tilbage igen"))
    assert response.status_code == 403
    release.refresh_from_db()
    assert release.status == PressRelease.Status.UNPUBLISHED and release.title == "Kladde"
    assert Client().get(release.get_absolute_url()).status_code == 410


def test_restoring_an_old_version_keeps_the_frozen_record(publisher_client, seed_release):
    frozen = seed_release.record
    first = seed_release.history.order_by("history_date").first()
    revert_url = reverse(
        "admin:newsroom_pressrelease_simple_history", args=[seed_release.pk, first.history_id]
    )
    seed_release.refresh_from_db()
    publisher_client.post(revert_url, form_data(seed_release))
    seed_release.refresh_from_db()
    assert seed_release.record == frozen


def restore_form(client, release, version):
    """The history's restore page for `version`, and what posting it as rendered sends."""
    url = reverse(
        "admin:newsroom_pressrelease_simple_history", args=[release.pk, version.history_id]
    )
    page = client.get(url).content.decode()
    status_select = re.search(r'<select name="status".*?</select>', page, re.S).group(0)
    shown_status = re.search(r'<option value="(\w+)" selected>', status_select).group(1)
    shown_version = re.search(r'name="edit_version" value="(\d+)"', page).group(1)
    release.refresh_from_db()
    data = form_data(release, title=version.title, body=version.body, lead=version.lead)
    data.update(status=shown_status, edit_version=shown_version)
    return url, page, data


def public_then_edited(client, publisher, title, new_title):
    """A release published as `title`, then retitled `new_title` through the admin."""
    release = PressReleaseFactory(draft=True, title=title)
    services.release_publish(release=release, user=publisher)
    release.refresh_from_db()
    client.post(change_url(release), form_data(release, title=new_title))
    return release


def test_restoring_a_draft_version_of_a_public_release_keeps_it_public(publisher_client, publisher):
    """Review: the restore form started from the old version's status, so bringing back the
    text written as a draft silently withdrew a public release."""
    release = public_then_edited(publisher_client, publisher, "Kladdens titel", "Ny titel")
    draft_version = release.history.filter(status="draft").earliest("history_date")
    url, page, data = restore_form(publisher_client, release, draft_version)
    assert data["status"] == "published"  # today's status, not the old version's
    assert "Gendannelse henter denne versions tekst tilbage" in page

    response = publisher_client.post(url, data, follow=True)
    shown = response.content.decode()
    release.refresh_from_db()
    assert release.status == PressRelease.Status.PUBLISHED and release.title == "Kladdens titel"
    assert "Ændringen er offentlig nu, uden en rettelse" in shown
    assert "Teksten fra versionen fra" in shown and "er gendannet" in shown
    assert release.history.first().history_change_reason.startswith("Gendannet fra versionen")
    public = Client().get(release.get_absolute_url())
    assert public.status_code == 200 and "Kladdens titel" in public.content.decode()


def test_a_restore_with_a_correction_note_publishes_the_note(publisher_client, publisher):
    release = public_then_edited(publisher_client, publisher, "Rigtig titel", "Forkert titel")
    good = release.history.filter(title="Rigtig titel").latest("history_date")
    url, _page, data = restore_form(publisher_client, release, good)
    data["correction_note"] = "Titlen var forkert."
    publisher_client.post(url, data)
    release.refresh_from_db()
    assert release.title == "Rigtig titel" and release.status == PressRelease.Status.PUBLISHED
    assert release.corrections.get().note == "Titlen var forkert."
    assert "Titlen var forkert." in Client().get(release.get_absolute_url()).content.decode()


def test_restoring_the_version_already_shown_saves_nothing_and_says_so(publisher_client, publisher):
    release = PressReleaseFactory(draft=True, title="Uændret")
    services.release_publish(release=release, user=publisher)
    release.refresh_from_db()
    version_before = release.version
    latest = release.history.latest("history_date")
    url, _page, data = restore_form(publisher_client, release, latest)
    shown = publisher_client.post(url, data, follow=True).content.decode()
    assert "Intet blev ændret" in shown
    release.refresh_from_db()
    assert release.version == version_before


def test_a_publisher_may_still_withdraw_through_the_restore_form(publisher_client, publisher):
    release = PressReleaseFactory(draft=True, title="Trækkes")
    services.release_publish(release=release, user=publisher)
    release.refresh_from_db()
    first = release.history.earliest("history_date")
    url, _page, data = restore_form(publisher_client, release, first)
    data["status"] = "draft"  # chosen in the form, not a side effect
    assert publisher_client.post(url, data).status_code == 302
    release.refresh_from_db()
    assert release.status == PressRelease.Status.DRAFT


def test_an_editor_is_sent_to_the_history_list_of_a_public_release(editor_client, publisher):
    """Review: the version page (a restore form) answered 500 to an Editor who may not change
    the release."""
    release = PressReleaseFactory(draft=True, title="Kladde først")
    services.release_publish(release=release, user=publisher)
    draft_version = release.history.filter(status="draft").earliest("history_date")
    url = reverse(
        "admin:newsroom_pressrelease_simple_history", args=[release.pk, draft_version.history_id]
    )
    page = editor_client.get(url, follow=True)
    assert page.redirect_chain[-1][0].endswith(f"/{release.pk}/history/")
    assert "Kun en udgiver kan åbne og gendanne" in page.content.decode()
    assert editor_client.post(url, form_data(release, title="Ændret")).status_code == 403
    release.refresh_from_db()
    assert release.title == "Kladde først" and release.status == PressRelease.Status.PUBLISHED


def test_an_editor_restores_text_of_a_version_that_was_scheduled(editor_client, publisher):
    release = PressReleaseFactory(draft=True, title="Planlagt tekst")
    services.release_publish(
        release=release, user=publisher, publish_at=timezone.now() + datetime.timedelta(days=1)
    )
    release.refresh_from_db()
    scheduled = release.history.filter(status="scheduled").latest("history_date")
    services.release_unpublish(release=release, user=publisher)  # back to a draft
    release.refresh_from_db()
    release.status = PressRelease.Status.DRAFT
    release.title = "Kladde igen"
    release.save()
    url = reverse(
        "admin:newsroom_pressrelease_simple_history", args=[release.pk, scheduled.history_id]
    )
    page = editor_client.get(url).content.decode()
    version = re.search(r'name="edit_version" value="(\d+)"', page).group(1)
    data = form_data(release, title="Planlagt tekst", edit_version=version)
    del data["status"]  # not an Editor's field
    assert editor_client.post(url, data).status_code == 302
    release.refresh_from_db()
    assert release.title == "Planlagt tekst" and release.status == PressRelease.Status.DRAFT


def test_a_release_withdrawn_before_it_was_ever_public_is_simply_not_found(publisher):
    release = PressReleaseFactory(draft=True)
    services.release_publish(
        release=release,
        user=publisher,
        publish_at=timezone.now() + datetime.timedelta(days=1),
        embargo=True,
    )
    services.release_unpublish(release=release, user=publisher)
    assert Client().get(release.get_absolute_url()).status_code == 404


def test_second_save_from_an_old_copy_is_refused_and_nothing_is_lost(publisher_client):
    release = PressReleaseFactory(draft=True, title="Original")
    stale = form_data(release, title="Fra den langsomme redaktør")
    # Someone else saves first.
    publisher_client.post(change_url(release), form_data(release, title="Fra den hurtige"))
    response = publisher_client.post(change_url(release), stale)
    assert response.status_code == 200
    html = response.content.decode()
    assert "IKKE gemt" in html
    assert reverse("admin:newsroom_pressrelease_history", args=[release.pk]) in html
    assert "Fra den langsomme redaktør" in html  # their text is still in the form
    release.refresh_from_db()
    assert release.title == "Fra den hurtige"


def test_an_admin_action_also_makes_an_open_form_stale(publisher_client, publisher):
    release = PressReleaseFactory(draft=True, title="Før")
    stale = form_data(release, title="Efter")
    services.release_publish(release=release, user=publisher)
    response = publisher_client.post(change_url(release), stale)
    assert response.status_code == 200 and "IKKE gemt" in response.content.decode()


# Delete protection ----------------------------------------------------------------------


def test_a_person_in_a_published_release_cannot_be_deleted(staff_client):
    person = PersonFactory(name="Beskyttet Person")
    PressReleaseFactory(people=[person])
    url = reverse("admin:people_person_delete", args=[person.pk])
    page = staff_client.get(url).content.decode()
    assert "Beskyttet Person" in page
    assert "beskyttede relaterede objekter" in page or "protected related objects" in page
    staff_client.post(url, {"post": "yes"})
    assert Person.objects.filter(pk=person.pk).exists()


def test_an_organisation_in_a_release_cannot_be_deleted(staff_client, seed_release):
    from organisations.models import Organisation

    los = Organisation.objects.get(short_name="LOS")
    staff_client.post(
        reverse("admin:organisations_organisation_delete", args=[los.pk]), {"post": "yes"}
    )
    assert Organisation.objects.filter(pk=los.pk).exists()


# Caching ---------------------------------------------------------------------------------


def test_public_pages_are_never_cached_past_the_next_publication(client, seed_release):
    response = client.get("/")
    assert "max-age=60" in response["Cache-Control"]
    PressReleaseFactory(scheduled=True, publish_at=timezone.now() + datetime.timedelta(seconds=20))
    max_age = int(re.search(r"max-age=(\d+)", client.get("/")["Cache-Control"]).group(1))
    assert max_age <= 20


def test_people_and_organisations_have_history_with_diffs(staff_client, seed_release):
    from organisations.models import Organisation

    mads = Person.objects.get(name="Mads Roke Clausen")
    mads.bio = "Første udgave."
    mads.save()
    mads.bio = "Anden udgave."
    mads.save()
    page = staff_client.get(reverse("admin:people_person_history", args=[mads.pk]))
    assert "Første udgave." in page.content.decode() and "Anden udgave." in page.content.decode()
    los = Organisation.objects.get(short_name="LOS")
    los.website = "https://example.org/los/"
    los.save()
    page = staff_client.get(reverse("admin:organisations_organisation_history", args=[los.pk]))
    assert "https://example.org/los/" in page.content.decode()


def test_the_record_is_fixed_when_the_release_goes_public_not_when_scheduled(
    publisher, time_machine, client
):
    from newsroom import alerts
    from newsroom.models import ReleasePerson

    release = PressReleaseFactory(draft=True, title="Planlagt med person")
    services.release_publish(
        release=release, user=publisher, publish_at=timezone.now() + datetime.timedelta(hours=1)
    )
    assert release.record["about"] == []
    # The person is added after scheduling, before the release goes public.
    ReleasePerson.objects.create(release=release, person=PersonFactory(name="Sen Tilføjelse"))
    time_machine.move_to(release.publish_at)
    alerts.queue_alerts()
    release.refresh_from_db()
    assert [box["name"] for box in release.record["about"]] == ["Sen Tilføjelse"]
    assert release.was_public
    assert "Om Sen Tilføjelse" in client.get(release.get_absolute_url()).content.decode()


@pytest.mark.parametrize(
    ("status", "days", "message"),
    [
        ("embargoed", -700, "Det tidspunkt er passeret"),
        ("scheduled", -1, "Det tidspunkt er passeret"),
        ("published", 3, "Det tidspunkt ligger i fremtiden"),
    ],
)
def test_a_time_that_contradicts_the_status_is_refused_not_published(
    publisher_client, status, days, message
):
    """Found by hand: "Under embargo" with a year typed wrong (a time that has passed) went
    public at once with the ordinary success message; "Offentliggjort" with a time ahead said
    success and answered 404 until then."""
    release = PressReleaseFactory(draft=True, title="Embargo i fortiden")
    when = timezone.localtime() + datetime.timedelta(days=days)
    response = publisher_client.post(
        change_url(release),
        form_data(
            release,
            status=status,
            publish_at_0=when.strftime("%d.%m.%Y"),
            publish_at_1=when.strftime("%H:%M:%S"),
        ),
    )
    assert response.status_code == 200  # the form again, with the reason at the field
    page = response.content.decode()
    assert message in page
    # One reason: not also "needs a publish time" for a time that was given (Chromium pass).
    assert "skal have et udgivelsestidspunkt" not in page
    release.refresh_from_db()
    assert release.status == PressRelease.Status.DRAFT
    assert Client().get(release.get_absolute_url()).status_code == 404


def test_an_embargo_that_has_lifted_is_refused_by_the_service(publisher):
    release = PressReleaseFactory(draft=True)
    with pytest.raises(ValidationError, match="passed|passeret"):
        services.release_publish(
            release=release,
            user=publisher,
            publish_at=timezone.now() - datetime.timedelta(hours=1),
            embargo=True,
        )
    release.refresh_from_db()
    assert release.status == PressRelease.Status.DRAFT


def test_a_lifted_embargo_can_still_be_edited(publisher_client, publisher):
    # The status stays "Under embargo" after the time has come: editing the text is no change
    # of time, and must not be refused.
    release = PressReleaseFactory(draft=True)
    services.release_publish(
        release=release,
        user=publisher,
        publish_at=timezone.now() + datetime.timedelta(seconds=2),
        embargo=True,
    )
    release.refresh_from_db()
    release.publish_at = timezone.now() - datetime.timedelta(hours=1)
    PressRelease.objects.filter(pk=release.pk).update(publish_at=release.publish_at)
    response = publisher_client.post(change_url(release), form_data(release, lead="Ny indledning."))
    assert response.status_code == 302, response.content.decode()[:3000]
    release.refresh_from_db()
    assert release.lead == "Ny indledning." and release.is_published


def test_saving_a_scheduled_release_says_when_it_goes_public(publisher_client):
    release = PressReleaseFactory(draft=True, title="Planlagt nyhed")
    when = timezone.localtime() + datetime.timedelta(days=2)
    response = publisher_client.post(
        change_url(release),
        form_data(
            release,
            status="scheduled",
            publish_at_0=when.strftime("%d.%m.%Y"),
            publish_at_1="09:00:00",
        ),
        follow=True,
    )
    page = response.content.decode()
    assert "“Planlagt nyhed” bliver offentlig" in page
    assert "kl. 09:00" in page


def test_restoring_a_version_whose_embargo_time_has_passed_is_refused(
    publisher_client, publisher, time_machine
):
    """Review: restoring from the history starts the form from the old version's values, so
    the check saw no change of time and the restored embargo went public at once."""
    release = PressReleaseFactory(draft=True, title="Skulle ud i går")
    services.release_publish(
        release=release,
        user=publisher,
        publish_at=timezone.now() + datetime.timedelta(hours=2),
        embargo=True,
    )
    release.refresh_from_db()
    publisher_client.post(change_url(release), form_data(release, status="draft"))
    release.refresh_from_db()
    assert release.status == "draft"
    time_machine.move_to(timezone.now() + datetime.timedelta(days=1))
    old = release.history.filter(status="embargoed").first()
    revert_url = reverse(
        "admin:newsroom_pressrelease_simple_history", args=[release.pk, old.history_id]
    )
    page = publisher_client.get(revert_url).content.decode()
    version = re.search(r'name="edit_version" value="(\d+)"', page).group(1)
    data = form_data(release, status="embargoed", edit_version=version)
    local = timezone.localtime(old.publish_at)
    data["publish_at_0"] = local.strftime("%d.%m.%Y")
    data["publish_at_1"] = local.strftime("%H:%M:%S")
    response = publisher_client.post(revert_url, data)
    release.refresh_from_db()
    assert response.status_code == 200 and release.status == "draft"
    assert "Det tidspunkt er passeret" in response.content.decode()
