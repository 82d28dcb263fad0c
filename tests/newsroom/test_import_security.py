"""The archive import fetches nothing inside the network it runs in (issue 18): internal
addresses are refused before and after redirects, each hop connects to the address that was
checked, and an entry's original address is kept only when it is http(s)."""

import http.server
import io
import socket
import threading

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from newsroom import importer
from newsroom.importer import address_refusal, fetch_url
from newsroom.models import PressRelease, ReleaseSource
from tests.factories import PressReleaseFactory, jpeg_bytes

pytestmark = pytest.mark.django_db

PUBLIC = "93.184.215.14"  # a global unicast address; never actually reached by these tests
PHOTO = jpeg_bytes((90, 60))


class Handler(http.server.BaseHTTPRequestHandler):
    """/foto.jpg is a photo; /to?url=X redirects to X; /loop redirects to itself."""

    hosts: list[str] = []

    def do_GET(self):
        self.hosts.append(self.headers.get("Host", ""))
        if self.path.startswith("/to?url="):
            self.send_response(302)
            self.send_header("Location", self.path.removeprefix("/to?url="))
            self.end_headers()
        elif self.path == "/loop":
            self.send_response(301)
            self.send_header("Location", "/loop")
            self.end_headers()
        elif self.path == "/foto.jpg":
            self.send_response(200)
            self.send_header("Content-Type", "image/jpeg")
            self.send_header("Content-Length", str(len(PHOTO)))
            self.end_headers()
            self.wfile.write(PHOTO)
        elif self.path == "/feed.xml":
            body = self.server.feed
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        else:
            self.send_error(404)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.feed = b""
    Handler.hosts = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def base(server) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture
def public_names(monkeypatch, server):
    """Names that resolve to a public address, whose connections reach the local server:
    what a real public web server would look like, without the network."""
    real_getaddrinfo = socket.getaddrinfo
    connected = []

    def getaddrinfo(host, port, *args, **kwargs):
        if host.endswith(".example"):
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (PUBLIC, port))]
        return real_getaddrinfo(host, port, *args, **kwargs)

    real_connect = importer._connect

    def connect(family, sockaddr, timeout):
        connected.append(sockaddr[0])
        if sockaddr[0] == PUBLIC:
            sockaddr = ("127.0.0.1", server.server_address[1])
        return real_connect(family, sockaddr, timeout)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(importer, "_connect", connect)
    return connected


def feed_with_image(url: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        'xmlns:media="http://search.yahoo.com/mrss/"><channel><title>Old</title>'
        "<link>https://old.example/</link><item><title>Nyhed</title>"
        "<link>https://old.example/nyhed</link><guid>https://old.example/?p=1</guid>"
        "<pubDate>Mon, 03 May 2021 09:00:00 +0200</pubDate><description>Kort.</description>"
        f'<enclosure url="{url}" type="image/jpeg" length="1"/>'
        "<media:credit>Ole Fotograf</media:credit></item></channel></rss>"
    ).encode()


def import_feed(*args) -> str:
    out = io.StringIO()
    with translation.override("en"):
        call_command("import_feed", *[str(a) for a in args], stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("::1", "loopback"),
        ("::ffff:127.0.0.1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.10", "private"),
        ("fd12:3456::1", "private"),
        ("169.254.1.1", "link-local"),
        ("fe80::1", "link-local"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("169.254.169.254", "metadata"),
        ("fd00:ec2::254", "metadata"),
        ("100.64.0.1", "public"),
    ],
)
def test_internal_addresses_are_refused(address, kind):
    with translation.override("en"):
        reason = address_refusal(address)
    assert reason is not None and kind in reason, reason


def test_public_addresses_pass_and_private_ones_only_when_allowed():
    assert address_refusal(PUBLIC) is None
    assert address_refusal("2606:2800:220:1:248:1893:25c8:1946") is None
    assert address_refusal("192.168.1.10", allow_private=True) is None
    assert address_refusal("127.0.0.1", allow_private=True) is None
    # The cloud's metadata service is never an intranet source.
    assert address_refusal("169.254.169.254", allow_private=True) is not None
    assert address_refusal("fd00:ec2::254", allow_private=True) is not None


def test_metadata_by_name_is_refused_without_asking_dns(monkeypatch):
    asked = []
    monkeypatch.setattr(socket, "getaddrinfo", lambda *a, **k: asked.append(a) or [])
    with pytest.raises(ValueError, match="metadata"), translation.override("en"):
        fetch_url("http://metadata.google.internal/computeMetadata/v1/", limit=100)
    with pytest.raises(ValueError, match="metadata"), translation.override("en"):
        fetch_url("http://Metadata.Google.Internal./x", limit=100, allow_private=True)
    assert not asked


def test_a_local_server_is_refused_by_default_and_fetched_when_allowed(server, tmp_path):
    feed = tmp_path / "feed.xml"
    feed.write_bytes(feed_with_image(f"{base(server)}/foto.jpg"))

    output = import_feed(feed)

    assert "1 imported" in output
    assert f"Image {base(server)}/foto.jpg left out" in output and "loopback" in output, output
    assert "--allow-private-addresses" in output
    assert not PressRelease.objects.get().images.exists()
    assert Handler.hosts == []  # not even asked

    PressRelease.objects.all().delete()
    output = import_feed(feed, "--allow-private-addresses")
    assert "No problems." in output, output
    assert PressRelease.objects.get().lead_image.width == 90


def test_a_feed_at_an_internal_address_is_refused(server):
    server.feed = feed_with_image("https://old.example/foto.jpg")
    with pytest.raises(CommandError, match="loopback"):
        import_feed(f"{base(server)}/feed.xml")
    assert Handler.hosts == []
    with pytest.raises(CommandError, match="metadata"):
        import_feed("http://169.254.169.254/latest/meta-data/")


def test_a_redirect_to_an_internal_address_is_refused(server, public_names):
    with translation.override("en"):
        assert fetch_url("http://photos.example/foto.jpg", limit=10**6) == PHOTO
        with pytest.raises(ValueError, match="loopback"):
            fetch_url(f"http://photos.example/to?url={base(server)}/foto.jpg", limit=10**6)
        with pytest.raises(ValueError, match="metadata"):
            fetch_url("http://photos.example/to?url=http://169.254.169.254/", limit=10**6)
        with pytest.raises(ValueError, match="only http and https"):
            fetch_url("http://photos.example/to?url=file:///etc/passwd", limit=10**6)
    # The refused hop was never connected to: each hop was the public name's.
    assert set(public_names) == {PUBLIC}
    assert Handler.hosts == ["photos.example"] * 4  # the Host header names the site


def test_a_redirect_is_followed_five_times_and_no_more(server, public_names):
    with pytest.raises(ValueError, match="redirects"), translation.override("en"):
        fetch_url("http://photos.example/loop", limit=10**6)
    assert len(Handler.hosts) == 6  # the address and five redirects


def test_a_redirect_within_the_public_internet_is_followed(server, public_names):
    url = "http://photos.example/to?url=http://cdn.example/foto.jpg"
    assert fetch_url(url, limit=10**6) == PHOTO
    assert Handler.hosts == ["photos.example", "cdn.example"]


def test_dns_rebinding_cannot_swap_the_checked_address(monkeypatch, server):
    """The name answers a public address the first time and 127.0.0.1 the second: the
    import asks once and connects to the address it checked."""
    answers = [PUBLIC, "127.0.0.1"]
    asked, connected = [], []
    real_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host != "rebind.example":
            return real_getaddrinfo(host, port, *args, **kwargs)
        asked.append(host)
        address = answers[min(len(asked), len(answers)) - 1]
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, port))]

    def connect(family, sockaddr, timeout):
        connected.append(sockaddr[0])
        raise OSError("the test connects nowhere")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(importer, "_connect", connect)
    with pytest.raises(OSError, match="connects nowhere"):
        fetch_url(f"http://rebind.example:{server.server_address[1]}/foto.jpg", limit=100)
    assert asked == ["rebind.example"] and connected == [PUBLIC]
    assert Handler.hosts == []


def rss_with_link(link: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Old</title>'
        "<item><title>Nyhed</title>"
        f"<link>{link}</link><guid>urn:old:1</guid>"
        "<pubDate>Mon, 03 May 2021 09:00:00 +0200</pubDate><description>Kort.</description>"
        "</item></channel></rss>"
    ).encode()


@pytest.mark.parametrize(
    "link", ["javascript:alert(document.cookie)", "data:text/html,&lt;script&gt;x&lt;/script&gt;"]
)
def test_an_original_address_that_is_not_http_is_dropped_and_said(tmp_path, link, staff_client):
    feed = tmp_path / "feed.xml"
    feed.write_bytes(rss_with_link(link))
    output = import_feed(feed)
    assert "1 imported" in output
    assert "original address" in output and "only http and https" in output, output
    release = PressRelease.objects.get()
    assert release.source.original_url == ""
    page = staff_client.get(reverse("admin:newsroom_pressrelease_change", args=[release.pk]))
    assert b"javascript:" not in page.content and b"data:text" not in page.content


def test_an_existing_non_http_original_address_is_shown_as_text(staff_client):
    release = PressReleaseFactory()
    ReleaseSource.objects.create(
        release=release, guid="urn:old:9", original_url="javascript:alert(1)", fingerprint="x"
    )
    page = staff_client.get(
        reverse("admin:newsroom_pressrelease_change", args=[release.pk])
    ).content.decode()
    assert 'href="javascript:' not in page
    assert "javascript:alert(1)" in page  # named, as text
