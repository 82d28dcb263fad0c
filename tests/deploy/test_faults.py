"""Faults the app must ride out without a restart: Redis going away (and coming back), and
PostgreSQL restarting under load."""

import runpy
import shutil
import subprocess
import time
import urllib.error
import urllib.request

import pytest
import redis

from tests.deploy.support import BASE_DIR, free_port, wait_for_port

REDIS_SERVER = shutil.which("redis-server")
# Seconds one public page may take while Redis is down (it takes milliseconds when it is up).
SLOW = 1.5


class PrivateRedis:
    """A redis-server of this test's own, on a free port: stopping it disturbs nobody."""

    def __init__(self):
        self.port = free_port()
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, process=self.process)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"


def public_urls(release) -> list[str]:
    person = release.people.first() if hasattr(release, "people") else None
    urls = [
        "/",
        release.get_absolute_url(),
        "/en/",
        "/arkiv/",
        "/arkiv/2021/",
        "/soeg/?q=samskabelse",
        "/pressekontakter/",
        "/pressefotos/",
        "/feeds/",
        "/feeds/rss/",
        "/feeds/atom/",
        "/sitemap.xml",
        "/robots.txt",
        "/abonnement/",
    ]
    if person is not None:
        urls.append(person.get_absolute_url())
    return urls


def fetch(base, path):
    started = time.monotonic()
    try:
        with urllib.request.urlopen(base + path, timeout=10) as response:  # noqa: S310
            response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    return status, time.monotonic() - started


@pytest.mark.skipif(not REDIS_SERVER, reason="redis-server is not installed")
@pytest.mark.django_db(transaction=True)
def test_public_pages_answer_while_redis_is_down_and_after_it_is_back(
    live_server, settings, monkeypatch, seed_release
):
    server = PrivateRedis()
    server.start()
    try:
        # The cache exactly as production configures it from REDIS_URL.
        monkeypatch.setenv("REDIS_URL", server.url)
        settings.CACHES = runpy.run_path(str(BASE_DIR / "newsroom" / "settings.py"))["CACHES"]
        urls = public_urls(seed_release)
        phases = {}

        def load(phase, rounds):
            rows = phases[phase] = []
            for path in urls * rounds:
                status, seconds = fetch(live_server.url, path)
                rows.append((path, status, seconds))
                assert status == 200, f"Redis {phase}: {path} answered {status}"
                # An outage costs a refused connection per cache call (immediate), never a
                # wait per page: with sync workers a few seconds each would be an outage too.
                assert seconds < SLOW, f"Redis {phase}: {path} took {seconds:.2f} s"

        load("up", 2)
        server.stop()  # killed, as a crash would: every cache call now meets a closed port
        load("down", 2)
        server.start()
        assert redis.Redis(port=server.port).ping()
        load("back", 2)
    finally:
        server.stop()

    for phase, rows in phases.items():
        slowest = max(seconds for _, _, seconds in rows)
        print(f"Redis {phase}: {len(rows)} answers, 0 errors, slowest {slowest:.2f} s")
