"""Running the real background worker (django-tasks-db's, through `manage.py run_worker`)."""

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path
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


def worker_process(*args: str, smtp_port: int, media_root) -> subprocess.Popen:
    """`manage.py run_worker ARGS` as its own process, as in production (newsroom.settings:
    the database backend, SMTP), on the test database; PostgreSQL only, as SQLite's test
    database lives in this process's memory."""
    db = connection.settings_dict
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "DJANGO_SETTINGS_MODULE", "DEBUG"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="newsroom.settings",
        DATABASE_URL=(
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        ),
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        SITE_URL="http://testserver",
        MEDIA_ROOT=str(media_root),
    )
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--no-reload", *args],
        cwd=Path(__file__).resolve().parents[1],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
