"""Pitches through a real SMTP server: a press officer sends a release to the office's own
journalists, now or at the publication second, each journalist once, with their own embargo
link."""

import datetime
import io
import re
import signal
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from newsroom.models import PressRelease, PreviewLink
from newsroom.services import preview_link_revoke
from outreach import pitches
from outreach.models import Contact, MediaList, Pitch, PitchDelivery, Suppression
from tests.factories import PressReleaseFactory

pytestmark = pytest.mark.django_db


def journalists(*people, list_name="Dagblade"):
    media_list, _created = MediaList.objects.get_or_create(name=list_name)
    for name, email, language in people:
        contact = Contact.objects.create(
            name=name, email=email, outlet=f"{name.split()[0]}s avis", language=language
        )
        contact.lists.add(media_list)
    return media_list


def parsed(envelope):
    return message_from_bytes(envelope.content, policy=default_policy)


def texts(message):
    return (
        message.get_body(("plain",)).get_content().replace("\r\n", "\n"),
        message.get_body(("html",)).get_content(),
    )


def new_pitch(release, media_list, **fields):
    pitch = Pitch.objects.create(release=release, **fields)
    pitch.lists.add(media_list)
    return pitch


def test_a_press_officer_sends_a_published_release_from_the_admin(
    publisher_client, publisher, mail_server, django_capture_on_commit_callbacks
):
    publisher.email = "presse@los.dk"
    publisher.first_name, publisher.last_name = "Pia", "Presse"
    publisher.save()
    media_list = journalists(
        ("Jens Hansen", "jens@avisen.dk", "da"), ("Sara Berg", "sara@radio.dk", "da")
    )
    release = PressReleaseFactory(title="Ny direktør i LOS", lead="LOS får ny direktør.")
    page = publisher_client.get(reverse("admin:newsroom_pressrelease_change", args=[release.pk]))
    add_url = f"{reverse('admin:outreach_pitch_add')}?release={release.pk}"
    assert add_url.replace("&", "&amp;") in page.content.decode()
    assert publisher_client.get(add_url).status_code == 200
    created = publisher_client.post(
        reverse("admin:outreach_pitch_add"),
        {"release": release.pk, "lists": [media_list.pk], "subject": "", "note": "Hej,\nSe her."},
    )
    pitch = Pitch.objects.get()
    assert created["Location"] == reverse("admin:outreach_pitch_change", args=[pitch.pk])
    preview = publisher_client.get(created["Location"]).content.decode()
    assert "Ny direktør i LOS" in preview and "2" in preview
    form = {"release": release.pk, "lists": [media_list.pk], "subject": "", "note": "Hej,\nSe her."}
    publisher_client.post(created["Location"], {**form, "_send_test": "1"})
    [test] = mail_server.messages
    assert test.rcpt_tos == ["presse@los.dk"]
    assert parsed(test)["Subject"] == "[Test] Ny direktør i LOS"
    mail_server.messages.clear()

    with django_capture_on_commit_callbacks(execute=True):
        sent = publisher_client.post(created["Location"], {**form, "_send": "1"})
    assert sent.status_code == 302
    assert sorted(e.rcpt_tos[0] for e in mail_server.messages) == [
        "jens@avisen.dk",
        "sara@radio.dk",
    ]
    message = parsed(next(e for e in mail_server.messages if e.rcpt_tos == ["jens@avisen.dk"]))
    assert message["Subject"] == "Ny direktør i LOS"
    assert message["Reply-To"] == "presse@los.dk"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe = message["List-Unsubscribe"].strip("<>")
    plain, html = texts(message)
    assert plain.startswith("Kære Jens Hansen") and "Hej,\nSe her." in plain
    assert f"http://testserver{release.get_absolute_url()}" in plain
    assert "Pia Presse" in plain
    # No tracking: no image, no rewritten link; every link is the newsroom's own address.
    assert "<img" not in html
    assert all(
        link.startswith(("http://testserver/", "mailto:", "tel:"))
        for link in re.findall(r'href="([^"]+)"', html)
    )
    report = publisher_client.get(created["Location"]).content.decode()
    assert "Jens Hansen" in report and "Sendt" in report or "sent" in report

    # One click in the mail client: no more pitches to that address, from any list.
    assert Client().post(unsubscribe.removeprefix("http://testserver")).status_code == 200
    assert Suppression.is_suppressed("jens@avisen.dk")


def test_under_embargo_each_journalist_gets_their_own_link(
    publisher, mail_server, django_capture_on_commit_callbacks
):
    media_list = journalists(
        ("Jens Hansen", "jens@avisen.dk", "da"), ("Sara Berg", "sara@radio.dk", "da")
    )
    moment = timezone.now() + datetime.timedelta(days=2)
    release = PressReleaseFactory(
        title="Embargo", status=PressRelease.Status.EMBARGOED, publish_at=moment
    )
    pitch = new_pitch(release, media_list)
    with django_capture_on_commit_callbacks(execute=True):
        assert pitches.send_pitch(pitch, publisher) == 2
    links = {}
    for envelope in mail_server.messages:
        plain, _html = texts(parsed(envelope))
        assert "EMBARGO" in plain
        assert re.search(r"\((CET|CEST)\)", plain)
        [url] = re.findall(r"http://testserver/embargo/[^/\s]+/", plain)
        links[envelope.rcpt_tos[0]] = url
    assert len(set(links.values())) == 2
    assert PreviewLink.objects.filter(release=release).count() == 2
    jens, sara = links["jens@avisen.dk"], links["sara@radio.dk"]
    assert Client().get(jens).status_code == 200
    # Revoking one journalist's link leaves the other's working.
    link = PitchDelivery.objects.get(email="sara@radio.dk").preview_link
    preview_link_revoke(link=link, user=publisher)
    assert Client().get(sara).status_code == 404
    assert Client().get(jens).status_code == 200
    rows = {row["email"]: row for row in pitches.report_rows(pitch)}
    assert rows["jens@avisen.dk"]["opened_at"] is not None
    assert rows["sara@radio.dk"]["opened_at"] is None and rows["sara@radio.dk"]["link_revoked"]


def test_an_editor_may_not_send_before_publication(editor, publisher):
    media_list = journalists(("Jens Hansen", "jens@avisen.dk", "da"))
    pitch = new_pitch(PressReleaseFactory(scheduled=True), media_list)
    with pytest.raises(pitches.PitchRefused, match="Kun en udgiver"):
        pitches.send_pitch(pitch, editor)
    assert not PitchDelivery.objects.exists()


def test_each_journalist_gets_the_version_in_their_language(
    publisher, mail_server, django_capture_on_commit_callbacks
):
    media_list = journalists(
        ("Jens Hansen", "jens@avisen.dk", "da"), ("Anna Smith", "anna@wire.example", "en")
    )
    danish = PressReleaseFactory(title="Ny direktør", language="da")
    english = PressReleaseFactory(title="New director", language="en", original=danish)
    with django_capture_on_commit_callbacks(execute=True):
        pitches.send_pitch(new_pitch(danish, media_list), publisher)
    subjects = {e.rcpt_tos[0]: parsed(e)["Subject"] for e in mail_server.messages}
    assert subjects == {"jens@avisen.dk": "Ny direktør", "anna@wire.example": "New director"}
    anna = parsed(next(e for e in mail_server.messages if e.rcpt_tos == ["anna@wire.example"]))
    plain, _html = texts(anna)
    assert plain.startswith("Dear Anna Smith,")
    assert f"http://testserver/en{english.get_absolute_url().removeprefix('/en')}" in plain


def test_the_same_story_to_the_same_list_again_sends_nothing_to_those_who_had_it(
    publisher, mail_server, django_capture_on_commit_callbacks
):
    media_list = journalists(("Jens Hansen", "jens@avisen.dk", "da"))
    release = PressReleaseFactory()
    with django_capture_on_commit_callbacks(execute=True):
        pitches.send_pitch(new_pitch(release, media_list), publisher)
    assert len(mail_server.messages) == 1
    journalists(("Sara Berg", "sara@radio.dk", "da"))
    with django_capture_on_commit_callbacks(execute=True):
        assert pitches.send_pitch(new_pitch(release, media_list), publisher) == 1
    assert [e.rcpt_tos[0] for e in mail_server.messages] == ["jens@avisen.dk", "sara@radio.dk"]


def test_at_publication_it_goes_in_the_second_the_release_does_following_a_moved_embargo(
    publisher, mail_server, time_machine
):
    media_list = journalists(("Jens Hansen", "jens@avisen.dk", "da"))
    first = timezone.now() + datetime.timedelta(hours=1)
    release = PressReleaseFactory(status=PressRelease.Status.EMBARGOED, publish_at=first)
    pitch = new_pitch(release, media_list, at_publication=True)
    assert pitches.send_pitch(pitch, publisher) == 0
    assert Pitch.objects.get().status == Pitch.Status.WAITING
    # The embargo moves an hour later.
    release.publish_at = first + datetime.timedelta(hours=1)
    release.save()
    time_machine.move_to(first + datetime.timedelta(seconds=1))
    pitches.deliver_pitches.enqueue()
    assert mail_server.messages == []
    time_machine.move_to(release.publish_at + datetime.timedelta(seconds=1))
    pitches.deliver_pitches.enqueue()
    [envelope] = mail_server.messages
    plain, _html = texts(parsed(envelope))
    assert "EMBARGO" not in plain and "/embargo/" not in plain
    assert f"http://testserver{release.get_absolute_url()}" in plain


def test_at_publication_is_cancelled_if_the_release_is_pulled_back(
    publisher, mail_server, time_machine
):
    media_list = journalists(("Jens Hansen", "jens@avisen.dk", "da"))
    moment = timezone.now() + datetime.timedelta(hours=1)
    release = PressReleaseFactory(status=PressRelease.Status.SCHEDULED, publish_at=moment)
    pitches.send_pitch(new_pitch(release, media_list, at_publication=True), publisher)
    release.status = PressRelease.Status.DRAFT
    release.save()
    time_machine.move_to(moment + datetime.timedelta(minutes=1))
    pitches.deliver_pitches.enqueue()
    assert Pitch.objects.get().status == Pitch.Status.CANCELLED
    assert mail_server.messages == []


def test_a_refused_address_is_a_hard_bounce_and_a_busy_one_is_tried_again(
    publisher, mail_server, django_capture_on_commit_callbacks
):
    media_list = journalists(
        ("Jens Hansen", "jens@avisen.dk", "da"),
        ("Sara Berg", "sara@radio.dk", "da"),
        ("Ole Olsen", "ole@ugeavis.dk", "da"),
    )
    mail_server.refuse = {
        "jens@avisen.dk": "550 5.1.1 No such user",
        "sara@radio.dk": "450 4.2.1 Mailbox busy",
    }
    with django_capture_on_commit_callbacks(execute=True):
        pitches.send_pitch(new_pitch(PressReleaseFactory(), media_list), publisher)
    statuses = dict(PitchDelivery.objects.values_list("email", "status"))
    assert statuses == {
        "jens@avisen.dk": "refused",
        "sara@radio.dk": "pending",
        "ole@ugeavis.dk": "sent",
    }
    assert Suppression.objects.get().reason == "bounced"
    sara = PitchDelivery.objects.get(email="sara@radio.dk")
    assert sara.attempts == 1 and sara.next_attempt_at > timezone.now()
    # Later the mailbox takes it; nobody gets it twice.
    mail_server.refuse = {}
    PitchDelivery.objects.filter(pk=sara.pk).update(next_attempt_at=timezone.now())
    assert pitches.send_pending() == 1
    assert [e.rcpt_tos[0] for e in mail_server.messages] == ["ole@ugeavis.dk", "sara@radio.dk"]
    # The bounced address gets no pitch from any list again.
    other = journalists(list_name="Fagblade")
    Contact.objects.get(email="jens@avisen.dk").lists.add(other)
    assert pitches.recipients(new_pitch(PressReleaseFactory(), other)).count() == 0


def test_the_pitch_command(publisher, mail_server):
    journalists(("Jens Hansen", "jens@avisen.dk", "da"))
    release = PressReleaseFactory(title="Fra kommandolinjen")
    out = io.StringIO()
    call_command(
        "pitch",
        release.slug,
        "--list",
        "Dagblade",
        "--note",
        "Til orientering.",
        "--as",
        publisher.username,
        stdout=out,
    )
    assert "queued for 1 journalists" in out.getvalue()
    pitches.send_pending()
    [envelope] = mail_server.messages
    assert "Til orientering." in texts(parsed(envelope))[0]
    scheduled = PressReleaseFactory(scheduled=True)
    call_command(
        "pitch", scheduled.slug, "--list", "Dagblade", "--at-publication", "--as",
        publisher.username, stdout=(out := io.StringIO()),
    )
    assert "waits for the release to go public" in out.getvalue()


@pytest.fixture
def on_postgresql(transactional_db):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a second process shares the test database only on PostgreSQL")


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_send_loses_and_doubles_nothing(
    on_postgresql, django_user_model, mail_server, settings, database_tasks
):
    """A real `run_worker` process, SIGKILLed while the mail server has its second pitch."""
    from tests.browser.support import restore_roles
    from tests.worker import run_worker, worker_process

    restore_roles()  # a transactional test before this one may have flushed the roles
    publisher = django_user_model.objects.create_user("udgiver", "u@example.org", "x")
    publisher.is_staff = True
    publisher.save()
    publisher.groups.add(Group.objects.get(name="Publisher"))
    media_list = journalists(*[(f"Journalist {n}", f"j{n}@example.org", "da") for n in range(4)])
    pitches.send_pitch(new_pitch(PressReleaseFactory(title="Nedbrud"), media_list), publisher)
    assert PitchDelivery.objects.filter(status="pending").count() == 4
    process = worker_process(
        "--batch", "-v0", smtp_port=mail_server.port, media_root=settings.MEDIA_ROOT
    )
    mail_server.kill_on = (2, process.pid)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == -signal.SIGKILL, stderr.decode()
    assert len(mail_server.messages) == 1
    assert PitchDelivery.objects.filter(status="sent").count() == 1

    # Another worker takes over: the three others once each, the first not again.
    run_worker()
    recipients = sorted(envelope.rcpt_tos[0] for envelope in mail_server.messages)
    assert recipients == [f"j{n}@example.org" for n in range(4)]
    assert PitchDelivery.objects.filter(status="sent").count() == 4
