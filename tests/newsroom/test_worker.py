"""The background worker (`manage.py run_worker`, django-tasks-db): confirmation e-mails as
queued tasks with retries, and the scheduling step that keeps alert rounds coming."""

import datetime
import logging

import pytest
from django.core import mail
from django.tasks import TaskResultStatus
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from newsroom import alerts
from newsroom.management.commands.run_worker import (
    LOST_AFTER,
    QuietAlertRounds,
    rounds,
    schedule,
)
from newsroom.models import Subscription
from tests.worker import run_worker

pytestmark = pytest.mark.django_db

CONFIRM = "newsroom.alerts.send_confirmation_task"
ROUND = "newsroom.alerts.deliver_alerts"


def subscribe(client, email):
    return client.post(reverse("newsroom:subscribe"), {"email": email, "all_releases": "True"})


def test_sign_up_queues_the_confirmation_and_the_worker_sends_it(client, database_tasks):
    response = subscribe(client, "journalist@example.org")
    assert response.status_code == 200
    assert mail.outbox == []  # the request only queued it
    [queued] = DBTaskResult.objects.all()
    assert queued.task_path == CONFIRM and queued.status == TaskResultStatus.READY
    run_worker("--no-schedule")
    [message] = mail.outbox
    assert message.to == ["journalist@example.org"]
    queued.refresh_from_db()
    assert queued.status == TaskResultStatus.SUCCESSFUL and queued.return_value == "sent"
    # Known address: a manage link, queued and sent the same way.
    subscribe(client, "journalist@example.org")
    run_worker("--no-schedule")
    assert len(mail.outbox) == 2
    assert Subscription.objects.count() == 1


def test_a_refused_confirmation_is_retried_with_growing_pauses_then_given_up(
    client, settings, database_tasks, time_machine
):
    settings.MAILERS = {"default": {"BACKEND": "tests.mail_backends.RefusingLocmemBackend"}}
    subscribe(client, "afvist@example.org")
    subscribe(client, "a@example.org")
    run_worker("--no-schedule")
    assert [m.to for m in mail.outbox] == [["a@example.org"]]  # not held up by the other
    pauses = []
    for _ in range(alerts.MAX_ATTEMPTS + 2):
        waiting = DBTaskResult.objects.filter(task_path=CONFIRM, status=TaskResultStatus.READY)
        if not waiting.exists():
            break
        [retry] = waiting
        pauses.append(retry.run_after - retry.enqueued_at)
        run_worker("--no-schedule")  # too early: it waits
        assert DBTaskResult.objects.get(pk=retry.pk).status == TaskResultStatus.READY
        time_machine.move_to(retry.run_after + datetime.timedelta(seconds=1))
        run_worker("--no-schedule")
    tries = DBTaskResult.objects.filter(
        task_path=CONFIRM,
        args_kwargs__args=[Subscription.objects.get(email="afvist@example.org").pk],
    )
    assert tries.count() == alerts.MAX_ATTEMPTS
    assert [t.return_value for t in tries.successful()] == ["retry"] * (alerts.MAX_ATTEMPTS - 1)
    [given_up] = tries.failed()
    assert given_up.exception_class_path == "smtplib.SMTPRecipientsRefused"
    assert len(pauses) == alerts.MAX_ATTEMPTS - 1
    assert [round(p.total_seconds() / 60) for p in pauses] == [
        2**n for n in range(alerts.MAX_ATTEMPTS - 1)
    ]
    assert len(mail.outbox) == 1


def test_scheduling_keeps_one_alert_round_waiting_however_many_workers_ask(database_tasks):
    kinds = len(rounds())  # alerts, pitches, WebSub pushes: one waiting round of each
    assert schedule()["enqueued"] == kinds
    assert schedule()["enqueued"] == 0
    assert schedule(backend_name="default")["enqueued"] == 0
    assert DBTaskResult.objects.filter(task_path=ROUND).ready().count() == 1
    run_worker("--no-schedule")
    assert schedule()["enqueued"] == kinds  # the waiting ones ran: the next are queued


def test_tasks_of_a_worker_that_died_are_run_again_or_marked_failed(database_tasks, time_machine):
    subscription = Subscription.objects.create(email="j@example.org")
    confirmation = alerts.send_confirmation_task.enqueue(subscription.pk).db_result
    lost_round = alerts.deliver_alerts.enqueue().db_result
    for result in (confirmation, lost_round):
        result.claim("dead-worker")  # taken, then the worker was killed
    assert schedule()["run_again"] == 0  # a running task is left alone for a while
    time_machine.move_to(timezone.now() + LOST_AFTER + datetime.timedelta(seconds=1))
    assert schedule() | {"enqueued": None, "pruned": None} == {
        "enqueued": None,
        "run_again": 1,
        "given_up": 1,
        "pruned": None,
    }
    confirmation.refresh_from_db()
    lost_round.refresh_from_db()
    assert confirmation.status == TaskResultStatus.READY
    assert lost_round.status == TaskResultStatus.FAILED
    assert lost_round.exception_class_path == "newsroom.WorkerLost"
    run_worker()
    assert [m.to for m in mail.outbox] == [["j@example.org"]]


def test_finished_alert_rounds_are_deleted_after_a_day(database_tasks, time_machine):
    run_worker()
    run_worker()
    assert DBTaskResult.objects.filter(task_path=ROUND).successful().count() == 2
    time_machine.move_to(timezone.now() + datetime.timedelta(days=1, minutes=1))
    assert schedule()["pruned"] == 2 * len(rounds())


def test_idle_alert_rounds_stay_out_of_the_log_but_failures_and_e_mails_do_not():
    quiet = QuietAlertRounds()

    def record(level, path):
        args = ("some-id", path, "SUCCESSFUL")
        return logging.LogRecord("django.tasks", level, __file__, 1, "Task id=%s %s %s", args, None)

    assert not quiet.filter(record(logging.INFO, ROUND))
    assert quiet.filter(record(logging.ERROR, ROUND))
    assert quiet.filter(record(logging.INFO, CONFIRM))
