"""Alerts through a real SMTP server and the real worker (django-tasks-db), two workers at
once and a worker killed mid-round on PostgreSQL."""

import datetime
import signal
import threading
import time
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from django.core import mail
from django.db import connection
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from newsroom import alerts
from newsroom.management.commands.run_worker import LOST_AFTER, schedule
from newsroom.models import AlertDelivery, Subscription
from tests.factories import PressReleaseFactory
from tests.smtp import running_mail_server
from tests.worker import run_worker, worker, worker_process


@pytest.fixture
def smtp_server():
    with running_mail_server() as running:
        yield running


@pytest.mark.django_db
def test_alert_is_delivered_by_the_worker_through_a_real_smtp_server(
    smtp_server, settings, database_tasks
):
    controller, handler = smtp_server
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 5},
        }
    }
    Subscription.objects.create(email="redaktion@example.org", confirmed_at=timezone.now())
    PressReleaseFactory(title="Via SMTP")
    run_worker()  # the scheduling step queues an alert round, the worker runs it
    [round_] = DBTaskResult.objects.filter(task_path="newsroom.alerts.deliver_alerts")
    assert round_.status == TaskResultStatus.SUCCESSFUL
    assert round_.return_value == {"queued": 1, "sent": 1}
    [envelope] = handler.messages
    assert envelope.rcpt_tos == ["redaktion@example.org"]
    message = message_from_bytes(envelope.content, policy=default_policy)
    assert message["Subject"] == "Via SMTP"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.get_body(("plain",)).get_content().startswith("Via SMTP")
    assert "Via SMTP" in message.get_body(("html",)).get_content()


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_alert_once(settings, database_tasks):
    if connection.vendor != "postgresql":
        pytest.skip("row locking with SKIP LOCKED needs PostgreSQL (run with DATABASE_URL)")
    settings.MAILERS = {"default": {"BACKEND": "tests.mail_backends.SlowLocmemBackend"}}
    for number in range(30):
        Subscription.objects.create(
            email=f"journalist{number}@example.org", confirmed_at=timezone.now()
        )
    PressReleaseFactory(title="Samtidig")
    assert alerts.queue_alerts() == 30
    mail.outbox = []
    # Two alert rounds waiting, two real workers taking them at the same time.
    alerts.deliver_alerts.enqueue()
    alerts.deliver_alerts.enqueue()

    def work(worker_id):
        try:
            worker(worker_id).run()
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    recipients = [message.to[0] for message in mail.outbox]
    assert len(recipients) == len(set(recipients)) == 30
    rounds = DBTaskResult.objects.all()
    assert all(r.status == TaskResultStatus.SUCCESSFUL for r in rounds)
    counts = [r.return_value["sent"] for r in rounds]
    assert sum(counts) == 30
    assert all(count > 0 for count in counts), counts  # both really worked
    assert sorted(w for r in rounds for w in r.worker_ids) == ["a", "b"]
    assert not AlertDelivery.objects.filter(sent_at__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_round_is_resumed_by_the_next_without_duplicates(
    smtp_server, settings, database_tasks
):
    """A real `run_worker` process, SIGKILLed while the mail server has its second alert."""
    if connection.vendor != "postgresql":
        pytest.skip("a second process shares the test database only on PostgreSQL")
    controller, handler = smtp_server
    for number in range(3):
        Subscription.objects.create(email=f"j{number}@example.org", confirmed_at=timezone.now())
    PressReleaseFactory(title="Nedbrud")
    process = worker_process(
        "--batch", "-v0", smtp_port=controller.port, media_root=settings.MEDIA_ROOT
    )
    handler.kill_on = (2, process.pid)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == -signal.SIGKILL, stderr.decode()
    assert len(handler.messages) == 1 and handler.received == 2
    [lost] = DBTaskResult.objects.filter(task_path="newsroom.alerts.deliver_alerts")
    assert lost.status == TaskResultStatus.RUNNING  # its worker never came back to say
    assert AlertDelivery.objects.filter(sent_at__isnull=False).count() == 1

    # Another worker, in this process, takes over.
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 5},
        }
    }
    run_worker()
    recipients = sorted(envelope.rcpt_tos[0] for envelope in handler.messages)
    assert recipients == ["j0@example.org", "j1@example.org", "j2@example.org"]
    assert not AlertDelivery.objects.filter(sent_at__isnull=True).exists()
    # Later a scheduling step marks the dead worker's round failed, and nothing is sent again.
    schedule(now=timezone.now() + LOST_AFTER + datetime.timedelta(minutes=1))
    lost.refresh_from_db()
    assert lost.status == TaskResultStatus.FAILED
    assert lost.exception_class_path == "newsroom.WorkerLost"
    run_worker()
    assert len(handler.messages) == 3


@pytest.mark.django_db
def test_a_worker_that_crashed_mid_batch_resumes_without_duplicates(settings, monkeypatch):
    for number in range(3):
        Subscription.objects.create(email=f"j{number}@example.org", confirmed_at=timezone.now())
    PressReleaseFactory(title="Nedbrud")
    alerts.queue_alerts()
    real_build = alerts.build_alert
    calls = {"n": 0}

    class WorkerKilled(BaseException):
        """The process dies (SIGKILL, power cut): nothing in the worker catches it."""

    def crash_on_second(**kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise WorkerKilled
        return real_build(**kwargs)

    monkeypatch.setattr(alerts, "build_alert", crash_on_second)
    with pytest.raises(WorkerKilled):
        alerts.send_pending_alerts()
    assert len(mail.outbox) == 1
    monkeypatch.setattr(alerts, "build_alert", real_build)
    assert alerts.send_pending_alerts() == 2
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == ["j0@example.org", "j1@example.org", "j2@example.org"]


@pytest.mark.django_db
def test_one_refused_address_does_not_hold_up_the_others(settings, time_machine, database_tasks):
    settings.MAILERS = {"default": {"BACKEND": "tests.mail_backends.RefusingLocmemBackend"}}
    for email in ["afvist@example.org", "a@example.org", "b@example.org"]:
        Subscription.objects.create(email=email, confirmed_at=timezone.now())
    PressReleaseFactory(title="Første")
    PressReleaseFactory(title="Anden")
    run_worker()
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org"] * 2 + ["b@example.org"] * 2
    refused = AlertDelivery.objects.filter(subscription__email="afvist@example.org")
    assert all(d.attempts == 1 and "550" in d.last_error for d in refused)
    # Growing pauses: not before the first one is over, then again after it.
    first_retry = refused.all().first().next_attempt_at
    assert first_retry - timezone.now() > datetime.timedelta(seconds=50)
    run_worker()
    assert all(d.attempts == 1 for d in refused.all())
    moment = timezone.now()
    pauses = []
    # Retried with growing pauses, then given up; nobody else is sent anything twice.
    for _ in range(alerts.MAX_ATTEMPTS):
        moment += datetime.timedelta(hours=3)
        time_machine.move_to(moment)
        run_worker()
        delivery = refused.all().first()
        if delivery.next_attempt_at and not delivery.failed_at:
            pauses.append(delivery.next_attempt_at - moment)
    assert all(d.failed_at and d.attempts == alerts.MAX_ATTEMPTS for d in refused.all())
    assert len(pauses) == alerts.MAX_ATTEMPTS - 2  # after the 2nd ... 7th attempt
    assert all(a < b for a, b in zip(pauses, pauses[1:], strict=False)), pauses
    assert len(mail.outbox) == 4
    # One round per run; the first day's two were deleted a day after they finished.
    rounds = DBTaskResult.objects.filter(task_path="newsroom.alerts.deliver_alerts")
    assert rounds.count() == alerts.MAX_ATTEMPTS
    assert all(r.status == TaskResultStatus.SUCCESSFUL for r in rounds)


@pytest.mark.django_db
def test_item7_a_title_with_a_line_break_stops_no_alert(smtp_server, settings):
    controller, handler = smtp_server
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 5},
        }
    }
    Subscription.objects.create(email="redaktion@example.org", confirmed_at=timezone.now())
    # Saved through the ORM, past any form: a header injection attempt and a pasted title.
    PressReleaseFactory(title="Første linje\r\nBcc: offer@example.org\r\n\r\nAnden linje")
    PressReleaseFactory(title="Helt almindelig titel")
    queued, sent = alerts.run_once()
    assert (queued, sent) == (2, 2)
    subjects = sorted(
        message_from_bytes(envelope.content, policy=default_policy)["Subject"]
        for envelope in handler.messages
    )
    assert subjects == [
        "Første linje Bcc: offer@example.org Anden linje",
        "Helt almindelig titel",
    ]
    assert all(envelope.rcpt_tos == ["redaktion@example.org"] for envelope in handler.messages)
    assert not AlertDelivery.objects.filter(sent_at__isnull=True).exists()


@pytest.mark.django_db
def test_item7_an_alert_that_cannot_be_built_is_failed_with_its_reason_and_the_next_goes_out(
    monkeypatch,
):
    Subscription.objects.create(email="redaktion@example.org", confirmed_at=timezone.now())
    bad = PressReleaseFactory(title="Går galt")
    PressReleaseFactory(title="Går godt")
    real_build = alerts.build_alert

    def build(*, release, **kwargs):
        if release.pk == bad.pk:
            raise ValueError("Header values can't contain newlines")
        return real_build(release=release, **kwargs)

    monkeypatch.setattr(alerts, "build_alert", build)
    assert alerts.run_once() == (2, 1)
    assert [message.subject for message in mail.outbox] == ["Går godt"]
    failed = AlertDelivery.objects.get(release=bad)
    assert failed.failed_at and failed.sent_at is None and failed.attempts == 1
    assert "ValueError" in failed.last_error and "newlines" in failed.last_error
    # Given up for good: the next rounds neither retry it nor stop on it.
    assert alerts.run_once() == (0, 0)
    assert len(mail.outbox) == 1


@pytest.mark.django_db(transaction=True)
def test_the_worker_left_running_alerts_a_scheduled_release_at_its_time_and_stops_on_sigterm(
    smtp_server, settings
):
    """The production command as `make run` and the systemd unit start it: nobody enqueues
    anything when the release's time comes, the worker's own clock finds it."""
    if connection.vendor != "postgresql":
        pytest.skip("a second process shares the test database only on PostgreSQL")
    controller, handler = smtp_server
    Subscription.objects.create(email="vagt@example.org", confirmed_at=timezone.now())
    publish_at = timezone.now().replace(microsecond=0) + datetime.timedelta(seconds=3)
    PressReleaseFactory(title="Klokken slår", scheduled=True, publish_at=publish_at)
    process = worker_process(
        "--schedule-interval",
        "0.5",
        "-v0",
        smtp_port=controller.port,
        media_root=settings.MEDIA_ROOT,
    )
    try:
        deadline = time.monotonic() + 60
        while not handler.messages and time.monotonic() < deadline:
            assert process.poll() is None, process.stderr.read().decode()
            time.sleep(0.2)
        arrived = timezone.now()
        time.sleep(2)  # four more rounds: nothing is sent twice
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
    assert [envelope.rcpt_tos for envelope in handler.messages] == [["vagt@example.org"]]
    assert publish_at <= arrived < publish_at + datetime.timedelta(seconds=10)
    assert process.returncode == 0, stderr.decode()  # a clean stop
    rounds = DBTaskResult.objects.filter(task_path="newsroom.alerts.deliver_alerts")
    assert rounds.filter(status=TaskResultStatus.SUCCESSFUL).count() >= 4
    assert not rounds.filter(status__in=[TaskResultStatus.RUNNING, TaskResultStatus.FAILED])
