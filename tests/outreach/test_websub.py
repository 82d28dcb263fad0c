"""WebSub: every feed names the hub and itself; the newsroom's hub verifies subscribers over
HTTP and pushes them the new feed when a release goes public (also by the clock), signed with
their secret. The subscriber here is a real HTTP server on 127.0.0.1."""

import datetime
import hashlib
import hmac
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import feedparser
import pytest
import time_machine
from django.utils import timezone

from newsroom.models import PressRelease
from newsroom.services import release_unpublish
from outreach import websub
from outreach.models import WebSubPing, WebSubPush, WebSubRequest, WebSubSubscription
from tests.factories import PersonFactory, PressReleaseFactory, TopicFactory
from tests.worker import run_worker

pytestmark = pytest.mark.django_db

SECRET = "hemmelighed-123"
ATOM = "http://www.w3.org/2005/Atom"
RSS = "http://testserver/feeds/rss/"


class Subscriber(BaseHTTPRequestHandler):
    """Answers the hub's verification with its challenge and keeps what is pushed."""

    def do_GET(self):
        query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
        self.server.verifications.append(query)
        challenge = query.get("hub.challenge", "") if self.server.confirm else "nej tak"
        self._answer(200 if self.server.confirm else 404, challenge.encode())

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        status = self.server.answers.pop(0) if self.server.answers else 200
        self.server.pushes.append(
            {"path": self.path, "headers": dict(self.headers), "body": body, "status": status}
        )
        self._answer(status, b"")

    def _answer(self, status, body):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


class SubscriberServer(ThreadingHTTPServer):
    request_queue_size = 128  # the hub's threads connect at once
    daemon_threads = True


@pytest.fixture
def subscriber(settings):
    settings.WEBSUB_ALLOW_PRIVATE_CALLBACKS = True
    server = SubscriberServer(("127.0.0.1", 0), Subscriber)
    server.confirm = True
    server.answers = []  # statuses for the next pushes (200 once they run out)
    server.verifications, server.pushes = [], []
    server.url = f"http://127.0.0.1:{server.server_port}/callback"
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def hub_post(client, **fields):
    data = urllib.parse.urlencode({f"hub.{name}": value for name, value in fields.items()})
    return client.post("/websub/", data=data, content_type="application/x-www-form-urlencoded")


def subscribe(client, capture, topic, callback, **fields):
    with capture(execute=True):  # the verification task is queued at the commit
        response = hub_post(client, mode="subscribe", topic=topic, callback=callback, **fields)
    assert response.status_code == 202, response.content
    return response


def signed(push, secret=SECRET):
    expected = hmac.new(secret.encode(), push["body"], hashlib.sha256).hexdigest()
    return push["headers"].get("X-Hub-Signature") == f"sha256={expected}"


def test_every_feed_names_the_hub_and_itself(client):
    topic, person = TopicFactory(name="Velfærd"), PersonFactory()
    PressReleaseFactory(title="Om velfærd", people=[person]).topics.add(topic)
    hub = "http://testserver/websub/"
    for prefix in ("", "/en"):
        for scope in ("", f"emner/{topic.slug}/", f"personer/{person.slug}/"):
            for format_name in ("rss", "atom", "json"):
                url = f"{prefix}/feeds/{scope}{format_name}/"
                response = client.get(url)
                assert response.status_code == 200, url
                this = f"http://testserver{url}"
                assert response["Link"] == f'<{hub}>; rel="hub", <{this}>; rel="self"'
                if format_name == "json":
                    document = json.loads(response.content)
                    assert document["hubs"] == [{"type": "WebSub", "url": hub}]
                    assert document["feed_url"] == this
                    continue
                feed = feedparser.parse(response.content)
                assert not feed.bozo, url
                links = {link["rel"]: link["href"] for link in feed.feed.links}
                assert links["hub"] == hub and links["self"] == this, url
    rss = client.get("/feeds/rss/").content.decode()
    assert f'<atom:link href="{hub}" rel="hub"' in rss and f'xmlns:atom="{ATOM}"' in rss


def test_subscriber_is_verified_then_gets_the_new_release_signed(
    client, subscriber, django_capture_on_commit_callbacks
):
    topic = "http://testserver/feeds/rss/"
    subscribe(client, django_capture_on_commit_callbacks, topic, subscriber.url, secret=SECRET)
    [check] = subscriber.verifications
    assert check["hub.mode"] == "subscribe" and check["hub.topic"] == topic
    assert check["hub.lease_seconds"] == str(int(websub.LEASE_DEFAULT.total_seconds()))
    subscription = WebSubSubscription.objects.get()
    assert (subscription.topic, subscription.callback) == (topic, subscriber.url)
    assert not WebSubRequest.objects.exists()

    PressReleaseFactory(title="Nyt fra pressrummet", publish_at=timezone.now())
    assert websub.run_once()["sent"] == 1
    [push] = subscriber.pushes
    assert signed(push)
    assert push["headers"]["Content-Type"] == "application/rss+xml; charset=utf-8"
    assert push["headers"]["Link"] == (
        f'<http://testserver/websub/>; rel="hub", <{topic}>; rel="self"'
    )
    feed = feedparser.parse(push["body"])
    assert not feed.bozo
    assert feed.entries[0].title == "Nyt fra pressrummet"
    assert push["body"] == client.get("/feeds/rss/").content  # as readers get it
    # Nothing new: nothing more is sent.
    assert websub.run_once() == {"changed": 0, "queued": 0, "sent": 0}
    assert len(subscriber.pushes) == 1


def test_a_scheduled_release_going_public_by_the_clock_is_pushed_by_the_worker(
    client, subscriber, settings, database_tasks, django_capture_on_commit_callbacks
):
    start = timezone.now().replace(microsecond=0)
    goes_public = start + datetime.timedelta(minutes=30)
    with time_machine.travel(start, tick=False):
        topic = "http://testserver/en/feeds/atom/"
        subscribe(client, django_capture_on_commit_callbacks, topic, subscriber.url)
        PressReleaseFactory(
            title="Embargoed news",
            language="en",
            status=PressRelease.Status.EMBARGOED,
            publish_at=goes_public,
        )
        run_worker()  # verifies the subscriber; the round finds nothing public yet
        assert WebSubSubscription.objects.count() == 1
        assert subscriber.pushes == []
    with time_machine.travel(goes_public + datetime.timedelta(seconds=1), tick=False):
        run_worker()  # nobody saved anything: the clock's round notices the lift
    [push] = subscriber.pushes
    assert push["headers"]["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert "X-Hub-Signature" not in push["headers"]  # no secret, no signature
    feed = feedparser.parse(push["body"])
    assert [entry.title for entry in feed.entries] == ["Embargoed news"]


def test_feeds_of_a_topic_and_a_person_are_pushed_in_both_languages_and_others_are_not(
    client, subscriber, django_capture_on_commit_callbacks
):
    topic, other, person = TopicFactory(), TopicFactory(), PersonFactory()
    PressReleaseFactory().topics.add(topic)  # the topics' feeds exist
    PressReleaseFactory().topics.add(other)
    PressReleaseFactory(people=[person])
    websub.run_once()
    urls = {
        f"http://testserver/feeds/emner/{topic.slug}/json/": "topic",
        f"http://testserver/en/feeds/emner/{topic.slug}/rss/": "topic-en",
        f"http://testserver/feeds/emner/{other.slug}/rss/": "other",
        f"http://testserver/feeds/personer/{person.slug}/atom/": "person",
    }
    for url, name in urls.items():
        subscribe(client, django_capture_on_commit_callbacks, url, f"{subscriber.url}/{name}")
    release = PressReleaseFactory(title="Om emnet", people=[person])
    release.topics.add(topic)
    websub.run_once()
    pushed = {urllib.parse.unquote(push["path"]).rsplit("/", 1)[1] for push in subscriber.pushes}
    assert pushed == {"topic", "topic-en", "person"}
    json_push = next(p for p in subscriber.pushes if p["path"].endswith("/topic"))
    assert json_push["headers"]["Content-Type"] == "application/feed+json; charset=utf-8"
    assert json.loads(json_push["body"])["items"][0]["title"] == "Om emnet"


def test_a_correction_and_a_withdrawal_are_pushed(
    client, subscriber, publisher, django_capture_on_commit_callbacks
):
    release = PressReleaseFactory(title="Skal trækkes tilbage")
    websub.run_once()
    subscribe(client, django_capture_on_commit_callbacks, RSS, subscriber.url)
    release.title = "Skal trækkes tilbage (rettet)"
    release.save()
    websub.run_once()
    assert feedparser.parse(subscriber.pushes[-1]["body"]).entries[0].title.endswith("(rettet)")
    release_unpublish(release=release, user=publisher)
    websub.run_once()
    assert len(subscriber.pushes) == 2
    assert feedparser.parse(subscriber.pushes[-1]["body"]).entries == []


def test_unsubscribe_is_verified_and_stops_the_pushes(
    client, subscriber, django_capture_on_commit_callbacks
):
    topic = "http://testserver/feeds/atom/"
    subscribe(client, django_capture_on_commit_callbacks, topic, subscriber.url)
    with django_capture_on_commit_callbacks(execute=True):
        response = hub_post(client, mode="unsubscribe", topic=topic, callback=subscriber.url)
    assert response.status_code == 202
    assert subscriber.verifications[-1]["hub.mode"] == "unsubscribe"
    assert not WebSubSubscription.objects.exists()
    PressReleaseFactory()
    websub.run_once()
    assert subscriber.pushes == []


def test_an_unconfirmed_intent_subscribes_nobody(
    client, subscriber, django_capture_on_commit_callbacks
):
    subscriber.confirm = False
    subscribe(client, django_capture_on_commit_callbacks, RSS, subscriber.url)
    assert len(subscriber.verifications) == 1
    assert not WebSubSubscription.objects.exists()
    assert not WebSubRequest.objects.exists()


def test_a_callback_on_this_machine_or_a_private_network_is_refused_without_the_setting(
    client, subscriber, settings
):
    settings.WEBSUB_ALLOW_PRIVATE_CALLBACKS = False
    for callback, reason in (
        (subscriber.url, "loopback"),
        ("http://10.1.2.3/cb", "private"),
        ("http://169.254.169.254/latest/", "metadata"),
        ("http://[::1]:8000/cb", "loopback"),
        ("ftp://example.org/cb", "http or https"),
        ("http://example.org/a b", "without spaces"),
        ("http://example.org/cb#x", "fragment"),
    ):
        response = hub_post(
            client, mode="subscribe", topic="http://testserver/feeds/rss/", callback=callback
        )
        assert response.status_code == 400, callback
        assert reason in response.content.decode(), (callback, response.content)
    assert subscriber.verifications == []
    assert not WebSubRequest.objects.exists()


def test_a_topic_that_is_not_one_of_our_feeds_is_refused(client, subscriber):
    TopicFactory(slug="skjult")  # no public release: its feed is 404 to readers
    for topic in (
        "https://other.example/feeds/rss/",
        "http://testserver/",
        "http://testserver/feeds/",
        "http://testserver/feeds/rss/?x=1",
        "http://testserver/feeds/emner/findes-ikke/rss/",
        "http://testserver/feeds/emner/skjult/rss/",
        "",
    ):
        response = hub_post(client, mode="subscribe", topic=topic, callback=subscriber.url)
        assert response.status_code == 400, topic
        assert "feed" in response.content.decode(), topic
    assert subscriber.verifications == []


def test_malformed_and_oversized_requests_are_answered_4xx(client, subscriber):
    good = {"topic": "http://testserver/feeds/rss/", "callback": subscriber.url}
    assert hub_post(client, mode="publish", **good).status_code == 400
    assert hub_post(client, mode="subscribe", lease_seconds="ti dage", **good).status_code == 400
    assert hub_post(client, mode="subscribe", secret="x" * 200, **good).status_code == 400
    twice = "hub.mode=subscribe&hub.mode=unsubscribe&" + urllib.parse.urlencode(
        {"hub.topic": good["topic"], "hub.callback": good["callback"]}
    )
    response = client.post("/websub/", twice, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400 and b"more than once" in response.content
    big = urllib.parse.urlencode({"hub.mode": "subscribe", "padding": "x" * 10_000})
    response = client.post("/websub/", big, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    response = client.post("/websub/", {"hub.mode": "subscribe"}, content_type="application/json")
    assert response.status_code == 415
    response = client.get("/websub/")
    assert response.status_code == 405
    assert subscriber.verifications == []


def test_the_hub_keeps_leases_within_bounds_and_an_ended_lease_gets_nothing(
    client, subscriber, django_capture_on_commit_callbacks
):
    topic = "http://testserver/feeds/json/"
    subscribe(client, django_capture_on_commit_callbacks, topic, subscriber.url, lease_seconds="5")
    assert subscriber.verifications[-1]["hub.lease_seconds"] == "3600"
    subscribe(
        client, django_capture_on_commit_callbacks, topic, subscriber.url, lease_seconds="9" * 12
    )
    subscription = WebSubSubscription.objects.get()
    assert subscription.lease_seconds == websub.LEASE_MAX.total_seconds()
    with time_machine.travel(subscription.expires_at + datetime.timedelta(seconds=1)):
        PressReleaseFactory(publish_at=timezone.now())
        websub.run_once()
    assert subscriber.pushes == []
    assert not WebSubSubscription.objects.exists()


def test_a_failing_subscriber_is_tried_again_later_and_gets_one_push(
    client, subscriber, django_capture_on_commit_callbacks
):
    subscribe(
        client,
        django_capture_on_commit_callbacks,
        "http://testserver/feeds/rss/",
        subscriber.url,
        secret=SECRET,
    )
    subscriber.answers = [503]
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        PressReleaseFactory(title="Første", publish_at=start)
        websub.run_once()
    [push] = WebSubPush.objects.all()
    assert (push.attempts, push.sent_at, push.last_error) == (1, None, "ValueError: HTTP 503")
    with time_machine.travel(start + datetime.timedelta(seconds=30), tick=False):
        PressReleaseFactory(title="Anden", publish_at=start + datetime.timedelta(seconds=30))
        websub.run_once()  # waiting for its pause; the new release joins the waiting push
    assert len(subscriber.pushes) == 1
    assert WebSubPush.objects.count() == 1
    with time_machine.travel(start + datetime.timedelta(minutes=2), tick=False):
        websub.run_once()
        websub.run_once()
    assert [p["status"] for p in subscriber.pushes] == [503, 200]
    feed = feedparser.parse(subscriber.pushes[-1]["body"])
    assert [entry.title for entry in feed.entries[:2]] == ["Anden", "Første"]
    assert signed(subscriber.pushes[-1])
    push.refresh_from_db()
    assert push.sent_at is not None and push.attempts == 1


def test_with_an_outside_hub_the_feeds_name_it_and_the_round_pings_it(client, subscriber, settings):
    settings.WEBSUB_HUB_URL = f"{subscriber.url}/hub"
    topic = TopicFactory()
    response = client.get("/feeds/rss/")
    assert response["Link"].startswith(f'<{settings.WEBSUB_HUB_URL}>; rel="hub"')
    assert (
        hub_post(
            client, mode="subscribe", topic="http://testserver/feeds/rss/", callback=subscriber.url
        ).status_code
        == 400
    )
    PressReleaseFactory().topics.add(topic)
    outcome = websub.run_once()
    # The feeds of all releases and of the topic, in 3 formats and 2 languages.
    assert outcome["sent"] == outcome["queued"] == 2 * 3 * 2
    pinged = set()
    for push in subscriber.pushes:
        form = dict(urllib.parse.parse_qsl(push["body"].decode()))
        assert form["hub.mode"] == "publish"
        pinged.add(form["hub.url"])
    assert "http://testserver/feeds/rss/" in pinged
    assert f"http://testserver/en/feeds/emner/{topic.slug}/json/" in pinged
    assert not WebSubPing.objects.filter(sent_at__isnull=True).exists()


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_push_each_subscriber_once_with_threads(subscriber):
    """Two rounds at the same moment, each sending with its threads (PostgreSQL): every
    subscriber gets the new feed exactly once."""
    if websub.connection.vendor != "postgresql":
        pytest.skip("row locking with SKIP LOCKED needs PostgreSQL (run with DATABASE_URL)")
    now = timezone.now()
    WebSubSubscription.objects.bulk_create(
        WebSubSubscription(
            topic=RSS,
            callback=f"{subscriber.url}/{number}",
            secret=f"{SECRET}-{number}",
            lease_seconds=3600,
            expires_at=now + datetime.timedelta(hours=1),
            verified_at=now,
        )
        for number in range(60)
    )
    websub.queue_changes()
    PressReleaseFactory(title="To på én gang", publish_at=timezone.now())
    outcomes = []

    def work():
        try:
            outcomes.append(websub.run_once())
        finally:
            websub.connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    paths = [push["path"] for push in subscriber.pushes]
    assert len(paths) == len(set(paths)) == 60
    assert sum(outcome["sent"] for outcome in outcomes) == 60
    assert sum(outcome["queued"] for outcome in outcomes) == 60  # one round noticed it
    for push in subscriber.pushes:
        number = push["path"].rsplit("/", 1)[1]
        assert signed(push, f"{SECRET}-{number}")
        assert feedparser.parse(push["body"]).entries[0].title == "To på én gang"
    assert not WebSubPush.objects.filter(sent_at__isnull=True).exists()
