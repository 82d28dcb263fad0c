"""The one background worker: django-tasks-db's `db_worker`, plus the clock.

Runs every queued task (confirmation e-mails, alerts, anything later) and, every
`--schedule-interval` seconds, a scheduling step: an alert round (`deliver_alerts`) is put in
the queue when none is waiting, since a scheduled release goes public by the clock and nobody
enqueues anything at that second; a task left "running" by a worker that died is dealt with;
finished alert rounds older than a day are deleted.

Several workers may run at once on PostgreSQL (each takes its own tasks with SKIP LOCKED, and
the alert ledger sends each alert once); on SQLite run one.
"""

import datetime
import logging
import os
import signal
import threading

from django.conf import settings
from django.db import close_old_connections, transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django.utils.module_loading import import_string
from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand
from django_tasks_db.models import DBTaskResult

from newsroom import alerts

logger = logging.getLogger(__name__)

# A task still "running" after this long lost its worker (killed, machine gone): every task
# here finishes within minutes (an alert round stops taking alerts after one minute, an SMTP
# call gives up after 20 seconds).
LOST_AFTER = datetime.timedelta(minutes=15)
# Lost e-mail tasks are run again (a confirmation may then, rarely, arrive twice); a lost alert
# round is only marked failed, as the next round picks up its unsent alerts from the ledger.
RUN_AGAIN_WHEN_LOST = {
    alerts.send_confirmation_task.module_path,
    alerts.send_manage_link_task.module_path,
}
KEEP_FINISHED_ROUNDS = datetime.timedelta(days=1)


def rounds() -> list:
    """The rounds of work the clock starts: alerts, and what other apps name in
    settings.WORKER_ROUNDS (pitches sent at publication, WebSub pushes), each a task that
    takes no arguments."""
    names = getattr(settings, "WORKER_ROUNDS", [alerts.deliver_alerts.module_path])
    return [import_string(name) for name in names]


def schedule(*, backend_name: str = "default", now: datetime.datetime | None = None) -> dict:
    """One scheduling step. Safe to run from any number of workers at once."""
    now = now or timezone.now()
    tasks = DBTaskResult.objects.filter(backend_name=backend_name)
    round_paths = [round_task.module_path for round_task in rounds()]
    enqueued = 0
    for round_task in rounds():
        # One waiting round of each kind at most: a busy worker never piles them up.
        if not tasks.filter(task_path=round_task.module_path).ready().exists():
            round_task.using(backend=backend_name).enqueue()
            enqueued += 1
    rounds_done = tasks.filter(task_path__in=round_paths)
    lost = tasks.running().filter(started_at__lt=now - LOST_AFTER)
    with transaction.atomic():
        run_again = lost.filter(task_path__in=RUN_AGAIN_WHEN_LOST).update(
            status=TaskResultStatus.READY, run_after=now
        )
        given_up = lost.exclude(task_path__in=RUN_AGAIN_WHEN_LOST).update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            exception_class_path="newsroom.WorkerLost",
            traceback=f"Still running after {LOST_AFTER}: its worker is taken to have died.",
        )
    if run_again or given_up:
        logger.warning("Tasks of a lost worker: %s run again, %s failed", run_again, given_up)
    pruned, _ = (
        rounds_done.successful().filter(finished_at__lt=now - KEEP_FINISHED_ROUNDS).delete()
    )
    return {"enqueued": enqueued, "run_again": run_again, "given_up": given_up, "pruned": pruned}


class QuietAlertRounds(logging.Filter):
    """Keep the alert rounds' "running"/"successful" lines (one pair every few seconds) out
    of the log; a round that queued or sent something logs it itself, a failed one is kept."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else ()
        return not (
            record.levelno < logging.WARNING
            and len(args) > 1
            and args[1] in {round_task.module_path for round_task in rounds()}
        )


def _scheduler(backend_name: str, interval: float, stop: threading.Event) -> None:
    while not stop.is_set():
        close_old_connections()
        try:
            schedule(backend_name=backend_name)
        except Exception:
            # The database may be away for a moment: log it, try again next time.
            logger.exception("Scheduling step failed; trying again in %s s", interval)
        stop.wait(interval)


class Command(DbWorkerCommand):
    help = (
        "Run the background worker: queued tasks (confirmation e-mails, alerts) and, every "
        "few seconds, an alert round. Several may run at once on PostgreSQL."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--schedule-interval",
            type=float,
            default=2,
            help=(
                "Seconds between scheduling steps (a round of alerts, pitches at publication "
                "and WebSub pushes is queued when none waits)."
            ),
        )
        parser.add_argument(
            "--no-schedule",
            action="store_false",
            dest="scheduling",
            help="Only run queued tasks; enqueue no alert rounds.",
        )

    def handle(self, *args, schedule_interval, scheduling, **options):
        logging.getLogger("django.tasks").addFilter(QuietAlertRounds())
        backend_name = options["backend_name"]
        reload = options["reload"] and not options["batch"]
        # With --reload the parent process only restarts the child, which does the work.
        in_worker_process = not reload or os.environ.get(DJANGO_AUTORELOAD_ENV) == "true"
        stop = threading.Event()
        if scheduling and options["batch"]:
            # One pass, as from a timer: queue a round now, run everything, leave.
            schedule(backend_name=backend_name)
        elif scheduling and in_worker_process:
            threading.Thread(
                target=_scheduler,
                args=(backend_name, schedule_interval, stop),
                name="newsroom-scheduler",
                daemon=True,
            ).start()
        # db_worker takes over these signals; give them back when it returns (tests, --batch).
        signals = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
        handlers = {sig: signal.getsignal(sig) for sig in signals}
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
            if threading.current_thread() is threading.main_thread():
                for sig, handler in handlers.items():
                    signal.signal(sig, handler)
