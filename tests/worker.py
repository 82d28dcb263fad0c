"""Running the real background worker (django-tasks-db's, through `manage.py run_worker`)."""

import contextlib
import io
from unittest import mock

from django.core.management import call_command
from django.db import connection
from django_tasks_db.management.commands.db_worker import Worker

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


def use_database_tasks(settings) -> None:
    """Tasks go into the database (django-tasks-db, as in production) for a worker to run."""
    settings.TASKS = DATABASE_TASKS


def run_worker(*args: str) -> None:
    """`manage.py run_worker --batch`: one scheduling step, then every task that is due.

    Inside a test's transaction the worker must not close the connection between tasks, as
    it does to drop connections that have gone stale; in a real process that is harmless.
    """
    keep = mock.patch(
        "django_tasks_db.management.commands.db_worker.close_old_connections",
        lambda: None,
    )
    with keep if connection.in_atomic_block else contextlib.nullcontext():
        _run_worker_command(*args)


def _run_worker_command(*args: str) -> None:
    call_command(
        "run_worker",
        "--batch",
        "--no-reload",
        "--no-startup-delay",
        *args,
        verbosity=0,
        stdout=io.StringIO(),
    )


def worker(worker_id: str) -> Worker:
    """A bare worker (no scheduling) to run in a thread: `worker("a").run()`."""
    return Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )
