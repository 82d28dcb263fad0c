"""Alerts through a real SMTP server, and two workers at once on PostgreSQL."""

import datetime
import socket
import threading
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.db import connection
from django.utils import timezone

from newsroom import alerts
from newsroom.models import AlertDelivery, Subscription
from tests.factories import PressReleaseFactory


class CollectingHandler:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_server():
    handler = CollectingHandler()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield controller, handler
    finally:
        controller.stop()


@pytest.mark.django_db
def test_alert_is_delivered_through_a_real_smtp_server(smtp_server, settings):
    controller, handler = smtp_server
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 5},
        }
    }
    Subscription.objects.create(email="redaktion@example.org", confirmed_at=timezone.now())
    PressReleaseFactory(title="Via SMTP")
    queued, sent = alerts.run_once()
    assert (queued, sent) == (1, 1)
    [envelope] = handler.messages
    assert envelope.rcpt_tos == ["redaktion@example.org"]
    message = message_from_bytes(envelope.content, policy=default_policy)
    assert message["Subject"] == "Via SMTP"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.get_body(("plain",)).get_content().startswith("Via SMTP")
    assert "Via SMTP" in message.get_body(("html",)).get_content()


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_alert_once(settings):
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
    counts = []

    def worker():
        try:
            counts.append(alerts.send_pending_alerts())
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    recipients = [message.to[0] for message in mail.outbox]
    assert len(recipients) == len(set(recipients)) == 30
    assert sum(counts) == 30
    assert all(count > 0 for count in counts), counts  # both really worked
    assert not AlertDelivery.objects.filter(sent_at__isnull=True).exists()


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
def test_one_refused_address_does_not_hold_up_the_others(settings, time_machine):
    settings.MAILERS = {"default": {"BACKEND": "tests.mail_backends.RefusingLocmemBackend"}}
    for email in ["afvist@example.org", "a@example.org", "b@example.org"]:
        Subscription.objects.create(email=email, confirmed_at=timezone.now())
    PressReleaseFactory(title="Første")
    PressReleaseFactory(title="Anden")
    alerts.run_once()
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org"] * 2 + ["b@example.org"] * 2
    refused = AlertDelivery.objects.filter(subscription__email="afvist@example.org")
    assert all(d.attempts == 1 and "550" in d.last_error for d in refused)
    # Retried with growing pauses, then given up; nobody else is sent anything twice.
    moment = timezone.now()
    for _ in range(alerts.MAX_ATTEMPTS):
        moment += datetime.timedelta(hours=3)
        time_machine.move_to(moment)
        alerts.run_once()
    assert all(d.failed_at and d.attempts == alerts.MAX_ATTEMPTS for d in refused.all())
    assert len(mail.outbox) == 4


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
