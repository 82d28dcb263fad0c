"""A PostgreSQL cluster of the test's own (never the machine's, which others use): restarted
under load, the app recovers without a gunicorn restart; and a backup (pg_dump plus the media
folder) restores into a new database that serves the seed release."""

import os
import re
import shutil
import subprocess
import tarfile
import tempfile
import threading
import time
from http.client import HTTPConnection
from pathlib import Path

import pytest

from newsroom.demo.seed import SEED_SLUG
from tests.deploy.support import Gunicorn, PrivatePostgres, app_env, manage, postgres_bin

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql")),
        reason="runs in the PostgreSQL pass (DATABASE_URL=postgres://...); needs initdb",
    ),
    pytest.mark.skipif(not postgres_bin("initdb"), reason="PostgreSQL's initdb is not installed"),
]

SEED_URL = f"/pressemeddelelser/{SEED_SLUG}/"
# A bounded load: this long in all, the restart in the middle, a few clients at once.
LOAD_SECONDS = 12
RESTART_AT = 5
CLIENTS = 3


@pytest.fixture(scope="module")
def cluster():
    # Not under pytest's temporary folder: as root the cluster belongs to `postgres`, who may
    # not enter root's private folders.
    directory = Path(tempfile.mkdtemp(prefix="newsroom-pg-"))
    try:
        server = PrivatePostgres(directory)
        server.start()
    except (RuntimeError, subprocess.SubprocessError) as exc:
        detail = getattr(exc, "stderr", "") or ""
        shutil.rmtree(directory, ignore_errors=True)
        pytest.skip(f"a private PostgreSQL cluster did not start: {exc} {detail}")
    server.psql("CREATE DATABASE newsroom")
    media = directory / "media"
    media.mkdir()
    env = app_env(DATABASE_URL=f"{server.url_base}/newsroom", MEDIA_ROOT=media)
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_demo")
    server.media = media
    yield server
    server.stop("immediate")
    shutil.rmtree(directory, ignore_errors=True)


class Load:
    """CLIENTS threads asking for public pages until told to stop; every answer is kept."""

    def __init__(self, port, paths):
        self.port, self.paths = port, paths
        self.results = []  # (seconds since start, status or exception name)
        self.stopping = threading.Event()
        self.started = time.monotonic()
        self.threads = [threading.Thread(target=self.run, args=(i,)) for i in range(CLIENTS)]
        for thread in self.threads:
            thread.start()

    def run(self, offset):
        i = offset
        while not self.stopping.is_set():
            path = self.paths[i % len(self.paths)]
            i += 1
            at = time.monotonic() - self.started
            try:
                conn = HTTPConnection("127.0.0.1", self.port, timeout=10)
                conn.request("GET", path, headers={"Host": "127.0.0.1"})
                response = conn.getresponse()
                response.read()
                outcome = response.status
                conn.close()
            except OSError as exc:
                outcome = type(exc).__name__
            self.results.append((at, outcome))

    def stop(self):
        self.stopping.set()
        for thread in self.threads:
            thread.join(15)


def test_the_app_rides_out_a_postgresql_restart_under_load(cluster, tmp_path):
    env = app_env(
        DATABASE_URL=f"{cluster.url_base}/newsroom",
        MEDIA_ROOT=cluster.media,
        CONN_MAX_AGE=60,  # persistent connections: each is checked before reuse
        PAGE_CACHE=0,  # every page from the database, as for content no cache has yet
    )
    app = Gunicorn(env, workers=2, log_dir=tmp_path)
    try:
        assert app.get(SEED_URL)[0] == 200
        load = Load(app.port, ["/", SEED_URL, "/arkiv/2021/", "/feeds/rss/", "/soeg/?q=LOS"])
        time.sleep(RESTART_AT)
        down_at = time.monotonic() - load.started
        cluster.restart("fast")  # drops every connection the workers hold
        up_at = time.monotonic() - load.started
        time.sleep(max(0, LOAD_SECONDS - up_at))
        load.stop()
        pid_before = app.process.pid
        assert app.process.poll() is None
    finally:
        app.stop()

    results = load.results
    failed = [(at, outcome) for at, outcome in results if outcome != 200]
    after = [(at, outcome) for at, outcome in failed if at > up_at + 0.5]
    rate = len(failed) / len(results)
    print(
        f"\nPostgreSQL restart under load: {len(results)} requests in {LOAD_SECONDS} s "
        f"({CLIENTS} clients, 2 gunicorn workers), database down {up_at - down_at:.2f} s; "
        f"{len(failed)} failed ({rate:.2%}), {len(after)} of them after it was back"
    )
    assert len(results) > 100
    assert pid_before == app.process.pid  # the same gunicorn throughout
    # Once PostgreSQL is back, stale persistent connections are replaced, not used.
    assert after == [], after[:10]
    assert rate < 0.01, failed[:20]


def test_a_backup_restores_into_a_new_database_that_serves_the_seed_release(cluster, tmp_path):
    """The README's backup and restore steps: pg_dump plus the media folder, restored elsewhere."""
    pg_dump, pg_restore = postgres_bin("pg_dump"), postgres_bin("pg_restore")
    if not (pg_dump and pg_restore):
        pytest.skip("pg_dump/pg_restore are not installed")
    backup = tmp_path / "backup"
    backup.mkdir()
    dump = backup / "newsroom.dump"
    subprocess.run(
        [
            pg_dump,
            "--format=custom",
            "--no-owner",
            f"--file={dump}",
            f"--dbname={cluster.url_base}/newsroom",
        ],
        check=True,
        timeout=120,
    )
    with tarfile.open(backup / "media.tar.gz", "w:gz") as archive:
        archive.add(cluster.media, arcname="media")

    # Restore: a new database and a new media folder, nothing shared with the original.
    cluster.psql("CREATE DATABASE newsroom_restored")
    subprocess.run(
        [
            pg_restore,
            "--no-owner",
            "--exit-on-error",
            f"--dbname={cluster.url_base}/newsroom_restored",
            str(dump),
        ],
        check=True,
        timeout=120,
    )
    restored = tmp_path / "restored"
    with tarfile.open(backup / "media.tar.gz") as archive:
        archive.extractall(restored, filter="data")
    env = app_env(
        DATABASE_URL=f"{cluster.url_base}/newsroom_restored",
        MEDIA_ROOT=restored / "media",
        SERVE_MEDIA=1,
    )
    app = Gunicorn(env, log_dir=tmp_path)
    try:
        status, _, body = app.get(SEED_URL)
        assert status == 200
        page = body.decode()
        assert "Ny direktør med fokus på samskabelse" in page
        photos = re.findall(r'src="(/media/renditions/[^"]+)"', page)
        assert photos, "the seed release shows its lead photo"
        status, _, photo = app.get(photos[0])
        assert status == 200
        assert photo == (restored / photos[0].removeprefix("/")).read_bytes()
        assert photo == (cluster.media / photos[0].removeprefix("/media/")).read_bytes()
    finally:
        app.stop()
