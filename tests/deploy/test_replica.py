"""A read replica: a real hot standby (`pg_basebackup -R` from a private primary), gunicorn with
DATABASE_URL on the primary and DATABASE_REPLICA_URL on the standby, Redis for the page cache.

- The public reads the standby, staff the primary (their own change at once); with the standby's
  replay paused, the public sees the change only once it has caught up, and the page cache never
  keeps the older page under the change's generation.
- The primary stopped: public pages, feeds and the API answer from the standby (and the page
  cache), the admin answers 503 with the read-only page; the primary started again: the admin
  works, with the same gunicorn.
"""

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from newsroom.demo.seed import SEED_SLUG
from tests.deploy.support import (
    Gunicorn,
    PrivatePostgres,
    StandbyPostgres,
    app_env,
    manage,
    postgres_bin,
)
from tests.deploy.test_faults import REDIS_SERVER, PrivateRedis

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql")),
        reason="runs in the PostgreSQL pass (DATABASE_URL=postgres://...); needs initdb",
    ),
    pytest.mark.skipif(
        not (postgres_bin("initdb") and postgres_bin("pg_basebackup")),
        reason="PostgreSQL's initdb and pg_basebackup are not installed",
    ),
    pytest.mark.skipif(not REDIS_SERVER, reason="redis-server is not installed"),
]

SEED_URL = f"/pressemeddelelser/{SEED_SLUG}/"
TITLE = "Ny direktør med fokus på samskabelse"
PUBLIC_URLS = ["/", SEED_URL, "/feeds/rss/", "/feeds/atom/", "/api/v1/releases/", "/arkiv/"]


@pytest.fixture(scope="module")
def clusters():
    # Not under pytest's temporary folder: as root the clusters belong to `postgres`, who may
    # not enter root's private folders.
    directory = Path(tempfile.mkdtemp(prefix="newsroom-replica-"))
    directory.chmod(0o755)  # each cluster's own folder below is its owner's alone
    (directory / "primary").mkdir()
    (directory / "standby").mkdir()
    started = []
    try:
        primary = PrivatePostgres(directory / "primary")
        primary.start()
        started.append(primary)
        primary.psql("CREATE DATABASE newsroom")
        media = directory / "media"
        media.mkdir()
        env = app_env(DATABASE_URL=f"{primary.url_base}/newsroom", MEDIA_ROOT=media)
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "load_demo")
        standby = StandbyPostgres(primary, directory / "standby")
        standby.start()
        started.append(standby)
    except (RuntimeError, subprocess.SubprocessError) as exc:
        for server in started:
            server.stop("immediate")
        detail = getattr(exc, "stderr", "") or ""
        shutil.rmtree(directory, ignore_errors=True)
        pytest.skip(f"a private primary and standby did not start: {exc} {detail}")
    assert standby.in_recovery()
    standby.wait_for(
        f"SELECT count(*) FROM newsroom_pressrelease WHERE slug = '{SEED_SLUG}'",
        [(1,)],
        "newsroom",
    )
    redis = PrivateRedis()
    redis.start()
    yield primary, standby, media, redis
    redis.stop()
    for server in started:
        server.stop("immediate")
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def app(clusters, tmp_path):
    primary, standby, media, redis = clusters
    env = app_env(
        DATABASE_URL=f"{primary.url_base}/newsroom",
        DATABASE_REPLICA_URL=f"{standby.url_base}/newsroom",
        MEDIA_ROOT=media,
        REDIS_URL=redis.url,
        PAGE_CACHE=1,
        NEWSROOM_REQUIRE_MFA=0,
    )
    server = Gunicorn(env, workers=2, log_dir=tmp_path)
    server.env = env
    yield server
    server.stop()


def staff_session(env) -> str:
    """A signed-in superuser's session key, made on the primary."""
    result = manage(
        env,
        "shell",
        "-c",
        "from django.contrib.auth import get_user_model, SESSION_KEY, BACKEND_SESSION_KEY, "
        "HASH_SESSION_KEY\n"
        "from django.contrib.sessions.backends.db import SessionStore\n"
        "User = get_user_model()\n"
        "user = User.objects.filter(username='replica-staff').first() or "
        "User.objects.create_superuser('replica-staff', 'staff@example.org', 'x-unused-9f3')\n"
        "s = SessionStore()\n"
        "s[SESSION_KEY] = str(user.pk)\n"
        "s[BACKEND_SESSION_KEY] = 'django.contrib.auth.backends.ModelBackend'\n"
        "s[HASH_SESSION_KEY] = user.get_session_auth_hash()\n"
        "s.create()\n"
        "print(s.session_key)",
    )
    return result.stdout.strip().splitlines()[-1]


def retitle(env, title: str) -> None:
    """A staff member's edit, saved on the primary as the admin saves (signals, content
    version, the page cache's generation in Redis)."""
    manage(
        env,
        "shell",
        "-c",
        "from newsroom.models import PressRelease\n"
        f"release = PressRelease.objects.get(slug={SEED_SLUG!r})\n"
        f"release.title = {title!r}\n"
        "release.save()",
    )


def test_the_public_reads_the_standby_and_staff_see_their_change_at_once(app, clusters):
    primary, standby, _media, _redis = clusters
    session = {"Cookie": f"sessionid={staff_session(app.env)}"}
    status, _headers, body = app.get(SEED_URL)
    assert status == 200 and TITLE in body.decode()

    standby.pause_replay()  # the standby lags behind from now on
    try:
        retitle(app.env, "Rettet titel set af staff")
        # Staff (a session cookie) read the primary: their change at once.
        for _ in range(2):
            status, _headers, body = app.get(SEED_URL, headers=session)
            assert status == 200
            assert "Rettet titel set af staff" in body.decode()
        # The public reads the standby, which has not replayed the change yet.
        for _ in range(4):  # both workers, and again: nothing older is kept meanwhile
            status, _headers, body = app.get(SEED_URL)
            assert status == 200
            assert TITLE in body.decode() and "Rettet titel" not in body.decode()
    finally:
        standby.resume_replay()
    standby.wait_for(
        f"SELECT title FROM newsroom_pressrelease WHERE slug = '{SEED_SLUG}'",
        [("Rettet titel set af staff",)],
        "newsroom",
    )
    # Caught up: the public sees the change; the pages rendered from the lagging standby were
    # not kept under the change's generation.
    for _ in range(4):
        status, _headers, body = app.get(SEED_URL)
        assert status == 200 and "Rettet titel set af staff" in body.decode()
    retitle(app.env, TITLE)
    standby.wait_for(
        f"SELECT title FROM newsroom_pressrelease WHERE slug = '{SEED_SLUG}'",
        [(TITLE,)],
        "newsroom",
    )


def test_with_the_primary_down_the_public_reads_the_standby_and_the_admin_is_read_only(
    app, clusters
):
    primary, _standby, _media, _redis = clusters
    session = {"Cookie": f"sessionid={staff_session(app.env)}"}
    assert app.get("/admin/", headers=session)[0] == 200
    for url in PUBLIC_URLS:
        assert app.get(url)[0] == 200, url
    primary.stop("fast")
    try:
        # Pages not in the page cache too: a search and an address with another parameter.
        for url in [*PUBLIC_URLS, "/soeg/?q=samskabelse", "/?page=1&aar=2021"]:
            started = time.monotonic()
            status, _headers, body = app.get(url)
            assert status == 200, (url, status, app.output()[-2000:])
            assert time.monotonic() - started < 10, url
        status, headers, body = app.get(SEED_URL)
        assert TITLE in body.decode()
        # The admin says what is going on instead of failing.
        for _ in range(2):
            status, headers, body = app.get("/admin/", headers=session)
            assert status == 503, (status, body[:500])
            assert "kan kun læses lige nu" in body.decode()
            assert headers["Retry-After"]
        # Staff on a public page read the standby meanwhile.
        assert app.get(SEED_URL, headers=session)[0] == 200
    finally:
        primary.start()
    # Back: the same gunicorn writes and reads the primary again, without a restart (each
    # worker tries it again PRIMARY_RECHECK_SECONDS after its last failure: both, in a row).
    deadline = time.monotonic() + 20
    in_a_row = 0
    while in_a_row < 6 and time.monotonic() < deadline:
        in_a_row = in_a_row + 1 if app.get("/admin/", headers=session)[0] == 200 else 0
        time.sleep(0.2)
    assert in_a_row == 6, app.output()[-3000:]
    retitle(app.env, TITLE)  # writes work
    status = app.get("/admin/newsroom/pressrelease/", headers=session)[0]
    assert status == 200, app.output()[-4000:]
