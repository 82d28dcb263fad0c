"""deploy/nginx.conf itself, run by a real nginx in front of the app: TLS, the shared cache for
anonymous pages (staff bypass it), static files and public media from disk, `nginx -t`."""

import http.client
import os
import pwd
import re
import shutil
import ssl
import subprocess
from http.client import HTTPSConnection
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

from tests.deploy.support import BASE_DIR, free_port, wait_for_port

NGINX = shutil.which("nginx") or (os.path.exists("/usr/sbin/nginx") and "/usr/sbin/nginx")
pytestmark = pytest.mark.skipif(
    not NGINX, reason="nginx is not installed (Debian: apt-get install nginx-light)"
)

CONFIG = BASE_DIR / "deploy" / "nginx.conf"


def render(text: str, replacements: dict[str, str]) -> str:
    """The reference config with its ports and paths swapped; each must be there to swap, so
    the file and this test cannot drift apart."""
    for old, new in replacements.items():
        assert old in text, f"deploy/nginx.conf no longer contains {old!r}"
        text = text.replace(old, new)
    return text


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return cert, key


class Nginx:
    def __init__(self, prefix: Path, site: str):
        self.prefix = prefix
        self.https_port, self.http_port = free_port(), free_port()
        site = site.replace("@HTTPS_PORT@", str(self.https_port)).replace(
            "@HTTP_PORT@", str(self.http_port)
        )
        (prefix / "newsroom.conf").write_text(site)
        # As root, nginx's workers would drop to `nobody`, who cannot read the temp folders.
        user = f"user {pwd.getpwuid(os.geteuid()).pw_name};" if os.geteuid() == 0 else ""
        temp_paths = "\n".join(
            f"    {kind}_temp_path {prefix / kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        self.conf = prefix / "nginx.conf"
        self.conf.write_text(
            f"""{user}
daemon off;
worker_processes 1;
pid {prefix / "nginx.pid"};
error_log {prefix / "error.log"} warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log {prefix / "access.log"};
{temp_paths}
    include {prefix / "newsroom.conf"};
}}
"""
        )

    def command(self, *extra):
        return [NGINX, "-p", str(self.prefix), "-c", str(self.conf), *extra]

    def start(self):
        self.process = subprocess.Popen(
            self.command(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        wait_for_port(self.https_port, process=self.process)

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def get(self, path, cookies=""):
        conn = HTTPSConnection(
            "127.0.0.1", self.https_port, context=ssl._create_unverified_context(), timeout=10
        )
        headers = {"Cookie": cookies} if cookies else {}
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            return response.status, response.headers, response.read()
        finally:
            conn.close()


@pytest.fixture
def nginx(live_server, settings, tmp_path, seed_release, monkeypatch):
    # Django's test server answers /media/ from MEDIA_ROOT itself, before the app's checks;
    # production has no such thing, so neither does this test.
    from django.test.testcases import _MediaFilesHandler

    monkeypatch.setattr(_MediaFilesHandler, "_should_handle", lambda self, path: False)
    static_root = tmp_path / "static"
    settings.STATIC_ROOT = static_root
    call_command("collectstatic", interactive=False, verbosity=0)
    cert, key = self_signed_certificate(tmp_path)
    app = urlsplit(live_server.url)
    prefix = tmp_path / "nginx"
    prefix.mkdir()
    site = render(
        CONFIG.read_text(),
        {
            "/var/cache/nginx/newsroom": str(prefix / "cache"),
            "server 127.0.0.1:8000;": f"server 127.0.0.1:{app.port};",
            "listen 80;": "listen 127.0.0.1:@HTTP_PORT@;",
            "listen [::]:80;": "",
            "listen 443 ssl http2;": "listen 127.0.0.1:@HTTPS_PORT@ ssl http2;",
            "listen [::]:443 ssl http2;": "",
            "/etc/letsencrypt/live/presse.example.dk/fullchain.pem": str(cert),
            "/etc/letsencrypt/live/presse.example.dk/privkey.pem": str(key),
            "/srv/newsroom/var/static/": f"{static_root}/",
            "/srv/newsroom/var/media/": f"{settings.MEDIA_ROOT}/",
            "/var/log/nginx/newsroom-access.log": str(prefix / "newsroom-access.log"),
        },
    )
    settings.MEDIA_ACCEL_REDIRECT = "/protected-media/"
    server = Nginx(prefix, site)
    tested = subprocess.run(server.command("-t"), capture_output=True, text=True, timeout=30)
    assert tested.returncode == 0, tested.stderr
    server.start()
    yield server
    server.stop()


def cache_status(response):
    return response[1].get("X-Cache-Status")


@pytest.mark.django_db(transaction=True)
def test_nginx_caches_public_answers_and_never_staff_ones(nginx, seed_release):
    # Feeds are public (Cache-Control: public, max-age): the first reader fills the cache.
    first = nginx.get("/feeds/rss/")
    assert first[0] == 200
    assert "public" in first[1]["Cache-Control"]
    assert cache_status(first) == "MISS"
    second = nginx.get("/feeds/rss/")
    assert cache_status(second) == "HIT"
    assert second[2] == first[2]

    # A staff request carries the session cookie: past the cache both ways.
    staff = nginx.get("/feeds/atom/", cookies="sessionid=abc")
    assert cache_status(staff) == "BYPASS"
    assert cache_status(nginx.get("/feeds/atom/")) == "MISS", "a staff answer was stored"
    assert cache_status(nginx.get("/feeds/rss/", cookies="sessionid=abc")) == "BYPASS"


@pytest.mark.django_db(transaction=True)
def test_nginx_keeps_a_public_page_only_as_the_app_allows(nginx, seed_release):
    url = seed_release.get_absolute_url()
    first = nginx.get(url)
    assert first[0] == 200
    assert cache_status(first) == "MISS"
    second = nginx.get(url)
    cache_control = first[1].get("Cache-Control", "")
    shareable = (
        "public" in cache_control
        and "private" not in cache_control
        and not first[1].get("Set-Cookie")
    )
    # nginx honours the app's Cache-Control: a shared page is then served from the cache, a
    # private one (or one setting a cookie) never is.
    assert cache_status(second) == ("HIT" if shareable else "MISS"), cache_control
    print(f"release page: Cache-Control {cache_control!r}, second answer {cache_status(second)}")
    assert cache_status(nginx.get(url, cookies="sessionid=abc")) == "BYPASS"
    assert nginx.get(url, cookies="sessionid=abc")[2].count(b"<h1") == 1


@pytest.mark.django_db(transaction=True)
def test_nginx_serves_static_and_public_media_from_disk(nginx, seed_release, settings):
    status, headers, body = nginx.get("/static/favicon.svg")
    assert status == 200
    assert body == (BASE_DIR / "static" / "favicon.svg").read_bytes()
    assert headers["Content-Type"] == "image/svg+xml"
    assert "max-age=31536000" in headers["Cache-Control"]
    assert "X-Cache-Status" not in headers  # straight from disk, not through the app

    image = seed_release.lead_image
    url = image.public_url
    assert url.startswith("/media/photos/")
    status, headers, body = nginx.get(url)
    assert status == 200
    assert body == (Path(settings.MEDIA_ROOT) / image.master.name).read_bytes()
    assert headers["Content-Type"] == "image/jpeg"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "public" in headers["Cache-Control"]
    assert "X-Accel-Redirect" not in headers
    # The internal location cannot be asked for directly.
    assert nginx.get(f"/protected-media/{image.master.name}")[0] == 404
    # Outside the public folders nothing is served, even when the file exists.
    (Path(settings.MEDIA_ROOT) / "documents").mkdir(exist_ok=True)
    (Path(settings.MEDIA_ROOT) / "documents" / "secret.pdf").write_bytes(b"%PDF-1.4")
    assert nginx.get("/media/documents/secret.pdf")[0] == 404

    # Withdrawn: the photo and its renditions answer 404 through nginx too.
    from django.utils import timezone

    from newsroom.models import PressRelease

    PressRelease.objects.filter(pk=seed_release.pk).update(
        status=PressRelease.Status.UNPUBLISHED, updated_at=timezone.now()
    )
    from common.generation import content_changed

    content_changed()
    assert nginx.get(url)[0] == 404
    rendition = image.renditions.first()
    assert nginx.get(rendition.file.url)[0] == 404


@pytest.mark.django_db(transaction=True)
def test_nginx_redirects_plain_http_to_https(nginx):
    conn = http.client.HTTPConnection("127.0.0.1", nginx.http_port, timeout=10)
    conn.request("GET", "/feeds/", headers={"Host": "presse.example.dk"})
    response = conn.getresponse()
    assert response.status == 301
    assert response.headers["Location"] == "https://presse.example.dk/feeds/"
    conn.close()


@pytest.mark.django_db(transaction=True)
def test_nginx_tells_the_app_the_request_came_over_https(nginx, settings, seed_release):
    # Production trusts X-Forwarded-Proto (HTTPS=1) and redirects plain HTTP to HTTPS. Without
    # the header the app would see plain HTTP and redirect every page to itself for ever.
    # (Links the app writes come from SITE_URL, whatever the request says.)
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    status, _, body = nginx.get("/sitemap.xml")
    assert status == 200
    locations = re.findall(rb"<loc>([^<]+)</loc>", body)
    assert locations
    assert all(url.startswith(settings.SITE_URL.encode()) for url in locations), locations[:3]
