"""Two app servers (two gunicorn processes, as on two machines) sharing PostgreSQL and Redis:
what staff do through one is on the other's next answer, the page caches included."""

import runpy

import pytest
import redis
from django.db import connection

from newsroom.services import release_publish, release_unpublish
from tests.deploy.support import BASE_DIR, Gunicorn, app_env
from tests.factories import PressReleaseFactory

# A Redis database of its own, so other tests' counters and pages are not touched.
REDIS_URL = "redis://127.0.0.1:6379/11"


def database_url() -> str:
    """The URL of the database this test runs on (pytest-django's test database)."""
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def shared_redis(settings, monkeypatch):
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.5)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379 (.ci/run starts one)")
    client.flushdb()
    # This process (standing in for a third machine, or a worker) uses the same cache as the
    # app servers, configured as production configures it.
    monkeypatch.setenv("REDIS_URL", REDIS_URL)
    settings.CACHES = runpy.run_path(str(BASE_DIR / "newsroom" / "settings.py"))["CACHES"]
    yield client
    client.flushdb()


@pytest.fixture
def two_app_servers(transactional_db, shared_redis, settings, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("several app servers share PostgreSQL: set DATABASE_URL to a PostgreSQL one")
    # The data this test writes is committed (transactional_db), so the servers see it; they
    # are stopped before pytest-django empties the database.
    env = app_env(
        DATABASE_URL=database_url(),
        REDIS_URL=REDIS_URL,
        MEDIA_ROOT=settings.MEDIA_ROOT,
        CONN_MAX_AGE=60,
    )
    servers = []
    try:
        for _ in range(2):
            servers.append(Gunicorn(env, log_dir=tmp_path))
        yield servers
    finally:
        for server in servers:
            server.stop()
        for server in servers:
            assert "Traceback" not in server.output(), server.output()


def test_a_release_published_through_one_server_is_on_the_others_next_answer(
    two_app_servers, seed_release, django_user_model
):
    a, b = two_app_servers
    # A superuser: the Publisher group comes from a data migration, which an earlier
    # transactional test may have flushed away.
    publisher = django_user_model.objects.create_superuser("chef", "chef@example.org", "pw")
    title = "Fælles database, fælles cache"
    # Both servers have the front page in the shared page cache.
    for server in (a, b):
        for _ in range(2):
            status, _, body = server.get("/")
            assert status == 200
            assert seed_release.title.encode() in body
            assert title.encode() not in body

    release = PressReleaseFactory(title=title, draft=True)
    assert b.get(release.get_absolute_url())[0] == 404
    release_publish(release=release, user=publisher)

    status, _, body = b.get("/")
    assert status == 200 and title.encode() in body
    status, _, body = b.get(release.get_absolute_url())
    assert status == 200 and title.encode() in body
    assert title.encode() in a.get("/feeds/rss/")[2]

    release_unpublish(release=release, user=publisher)
    assert title.encode() not in a.get("/")[2]
    assert b.get(release.get_absolute_url())[0] == 410
