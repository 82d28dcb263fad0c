"""Item 10: the embedded SQLite default survives a writer beside the web server.

`make run` starts the web server and the alert worker, two processes writing to one SQLite
file. Each process here opens the database exactly as the settings build it from DATABASE_URL
and runs hundreds of read-then-write transactions at the same time as the others.
"""

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from django.db import connection

BASE_DIR = Path(__file__).resolve().parent.parent
WRITERS = 3
WRITES_EACH = 300

WRITER = textwrap.dedent(
    """
    import os, sys, time
    import django
    django.setup()
    from django.db import connection, transaction

    start_at = float(sys.argv[1])
    errors = []
    while time.time() < start_at:
        time.sleep(0.001)
    for number in range({writes}):
        try:
            # Read, then write, in one transaction: what a save in the admin or the alert
            # worker's claim-and-mark does. Under SQLite's default (deferred) transactions two
            # of these at once end in "database is locked" whatever the busy timeout.
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SELECT value FROM counter WHERE id = 1")
                    (value,) = cursor.fetchone()
                    cursor.execute("UPDATE counter SET value = %s WHERE id = 1", [value + 1])
                    cursor.execute("INSERT INTO log (writer) VALUES (%s)", [os.getpid()])
        except Exception as error:
            errors.append(repr(error))
    print(len(errors))
    for error in sorted(set(errors))[:5]:
        print(error, file=sys.stderr)
    """
).format(writes=WRITES_EACH)


FIRST_CONNECTION = "import django; django.setup(); from django.db import connection; " + (
    "connection.ensure_connection()"
)


def test_item10_sqlite_default_survives_concurrent_writers(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite default only; PostgreSQL has its own locking")
    import sqlite3

    database = tmp_path / "db.sqlite3"
    with sqlite3.connect(database) as db:
        db.execute("CREATE TABLE counter (id INTEGER PRIMARY KEY, value INTEGER NOT NULL)")
        db.execute("CREATE TABLE log (id INTEGER PRIMARY KEY, writer INTEGER NOT NULL)")
        db.execute("INSERT INTO counter VALUES (1, 0)")
    db.close()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "newsroom.settings",
        "DATABASE_URL": f"sqlite:///{database}",
        "DATA_DIR": str(tmp_path),
        "SECRET_KEY": "test-only-secret-key-for-the-sqlite-writers-0123456789",
        "PYTHONPATH": str(BASE_DIR),
    }
    env.pop("DEBUG", None)
    # As `make run` does: `migrate` connects first (one process; its connection switches the
    # file to WAL), then the web server and the worker start.
    subprocess.run(
        [sys.executable, "-c", FIRST_CONNECTION], cwd=BASE_DIR, env=env, check=True, timeout=60
    )
    with sqlite3.connect(database) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    db.close()
    start_at = time.time() + 3  # every writer has imported Django by then
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(start_at)],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(WRITERS)
    ]
    results = [writer.communicate(timeout=300) for writer in writers]
    assert all(writer.returncode == 0 for writer in writers), results
    errors = [int(stdout.strip().splitlines()[-1]) for stdout, _stderr in results]
    assert errors == [0] * WRITERS, [stderr for _stdout, stderr in results]
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT value FROM counter").fetchone() == (WRITERS * WRITES_EACH,)
        assert db.execute("SELECT count(*) FROM log").fetchone() == (WRITERS * WRITES_EACH,)
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    db.close()


def test_item10_sqlite_settings_ask_for_wal_a_busy_timeout_and_immediate_transactions():
    from django.conf import settings

    if connection.vendor != "sqlite":
        pytest.skip("the SQLite default only")
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5
    # WAL is switched on by the first connection (common.apps), see the test above.
