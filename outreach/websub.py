"""WebSub (W3C Recommendation, https://www.w3.org/TR/websub/): the newsroom's own hub.

Every feed names a hub and itself (newsroom.feeds). Subscribers ask the hub at /websub/
(outreach.views_websub); the hub checks the request at once and verifies the subscriber's
intent later, in the worker (`verify_intent`: a GET to the callback with a challenge). A lease
ends a subscription unless the subscriber renews it.

`deliver_pushes` is a round the worker's clock queues every few seconds (settings.WORKER_ROUNDS):
releases go public by the clock (a scheduled second, an embargo lift) and no request is there
to notice. Each round finds the releases that became public, changed or were withdrawn since
the last (by their saved time and publication time, checked against what the round saw of each
before, `WebSubReleaseState`), works out the feeds they show in (all releases, and the topics,
organisations and people of the release and its language versions, in both languages), and
queues one push per subscriber of those feeds. A push POSTs the feed as readers get it (the
feed view called in-process) with its Content-Type and Link headers, signed with the
subscriber's secret. `WebSubPush` rows are the ledger, as alerts have: claimed with
SELECT ... FOR UPDATE SKIP LOCKED, sent and marked in one transaction, retried after 1, 2, 4 ...
minutes, so a worker killed mid-round loses nothing and sends again at most the one push it
was in. With WEBSUB_HUB_URL set, an outside hub is named instead, and the round only pings it
for each changed feed (`WebSubPing`, the same ledger).
"""

import datetime
import hashlib
import hmac
import http.client
import logging
import secrets
import socket
import ssl
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.db import connection, connections, transaction
from django.db.models import Q
from django.http import Http404
from django.tasks import task
from django.test import RequestFactory
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone, translation

from newsroom.alerts import record_failure
from newsroom.feeds import FORMATS, SCOPES, hub_url, scope_object
from newsroom.importer import (
    METADATA_NAMES,
    RefusedAddress,
    _PinnedHTTPConnection,
    _PinnedHTTPSConnection,
    address_refusal,
)
from newsroom.models import PressRelease
from newsroom.parts import public_state
from organisations.models import Organisation
from outreach.models import (
    PENDING,
    WebSubPing,
    WebSubPush,
    WebSubReleaseState,
    WebSubRequest,
    WebSubSubscription,
    WebSubWatch,
)

logger = logging.getLogger(__name__)

# Leases: what a subscriber asks for, within these bounds; the default when it asks for none.
LEASE_DEFAULT = datetime.timedelta(days=10)
LEASE_MIN = datetime.timedelta(hours=1)
LEASE_MAX = datetime.timedelta(days=30)
# The spec: hub.secret "MUST be less than 200 bytes".
SECRET_MAX_BYTES = 199
URL_MAX_LENGTH = 2000
# A subscription request is a few form fields: anything larger is refused unread (413).
REQUEST_MAX_BYTES = 8 * 1024
# Requests waiting for their verification at most; more are refused (429) until they are done.
MAX_WAITING_REQUESTS = 10_000
# A request whose verification never ran (its task lost) is forgotten after this.
REQUEST_MAX_AGE = datetime.timedelta(days=1)
# Seconds to connect and to wait for each answer from a subscriber or a hub.
HTTP_TIMEOUT = 10
# What is read of a subscriber's answer (the challenge echoed, or whatever a push gets back).
ANSWER_MAX_BYTES = 64 * 1024
# A round stops taking new pushes after this; the next round goes on.
PUSH_ROUND_SECONDS = 30
# Subscribers pushed to at once (PostgreSQL; each thread has its own connection). SQLite takes
# one writer at a time: one.
PUSH_THREADS = 16
# Saves committed this long after their saved time are still noticed (a long transaction).
LOOK_BACK = datetime.timedelta(minutes=2)
# Each push's Link header and each ping name the feed; a feed's topic URL in every language.
LANGUAGES = [code for code, _name in settings.LANGUAGES]


class TopicError(ValueError):
    """A topic this hub does not take: not one of this newsroom's feeds."""


class CallbackError(ValueError):
    """A callback this hub does not call."""


# Topics: this newsroom's own feeds only -----------------------------------------------------


def feed_of(topic: str) -> tuple[str, str, str]:
    """(scope, slug, topic URL) for one of this newsroom's feed URLs; scope and slug are ""
    for the feeds of all releases. TopicError with the reason for anything else."""
    if not isinstance(topic, str) or not topic or len(topic) > URL_MAX_LENGTH:
        raise TopicError("hub.topic must be the URL of one of this newsroom's feeds")
    site = urllib.parse.urlsplit(settings.SITE_URL)
    parts = urllib.parse.urlsplit(topic)
    if (parts.scheme.lower(), parts.netloc.lower()) != (site.scheme.lower(), site.netloc.lower()):
        raise TopicError(
            f"hub.topic must be one of this newsroom's feeds, under {settings.SITE_URL}/ "
            "(see the feeds' Link headers or /feeds/)"
        )
    if parts.query or parts.fragment:
        raise TopicError("hub.topic must be a feed's URL as the feed names itself (no ? or #)")
    path = parts.path
    language = translation.get_language_from_path(path) or settings.LANGUAGE_CODE
    try:
        with translation.override(language):
            match = resolve(path)
    except Resolver404:
        raise TopicError(f"{topic} is not a feed of this newsroom") from None
    if match.view_name not in ("newsroom:feed", "newsroom:scoped-feed"):
        raise TopicError(f"{topic} is not a feed of this newsroom (see /feeds/)")
    scope, slug = match.kwargs.get("scope", ""), match.kwargs.get("slug", "")
    if scope:
        try:
            scope_object(scope, slug)
        except Http404:
            raise TopicError(f"{topic}: there is no such feed") from None
    return scope, slug, f"{settings.SITE_URL}{path}"


def feed_urls(feeds: set[tuple[str, str]]) -> list[str]:
    """Every topic URL of these feeds ((scope, slug), "" for all releases): each format, each
    language."""
    urls = []
    for language in LANGUAGES:
        with translation.override(language):
            for scope, slug in sorted(feeds):
                for format_name in FORMATS:
                    if scope:
                        kwargs = {"scope": scope, "slug": slug, "format_name": format_name}
                        path = reverse("newsroom:scoped-feed", kwargs=kwargs)
                    else:
                        path = reverse("newsroom:feed", kwargs={"format_name": format_name})
                    urls.append(f"{settings.SITE_URL}{path}")
    return urls


# Callbacks: never inside this machine or its network ----------------------------------------


def check_callback(callback: str) -> str:
    """The callback as given, if the hub may call it; CallbackError with the reason if not.
    Its name is looked up here, and again (and checked again) at every connection."""
    if not isinstance(callback, str) or not callback or len(callback) > URL_MAX_LENGTH:
        raise CallbackError(f"hub.callback must be an http(s) URL of at most {URL_MAX_LENGTH}")
    if not callback.isascii() or any(char <= " " or char == "\x7f" for char in callback):
        raise CallbackError("hub.callback must be an ASCII URL without spaces")
    parts = urllib.parse.urlsplit(callback)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise CallbackError("hub.callback must be an http or https URL")
    if parts.fragment or parts.username or parts.password:
        raise CallbackError("hub.callback may carry neither a #fragment nor a user name")
    try:
        parts.port  # noqa: B018 - a port out of range raises
    except ValueError:
        raise CallbackError("hub.callback has a port out of range") from None
    try:
        _addresses(parts.hostname, _port(parts))
    except RefusedAddress as refused:
        raise CallbackError(f"hub.callback refused: {refused}") from None
    except OSError as error:
        raise CallbackError(f"hub.callback cannot be reached: {error}") from None
    return callback


def _port(parts) -> int:
    return parts.port or (443 if parts.scheme.lower() == "https" else 80)


def _addresses(host: str, port: int, *, allow_private: bool | None = None) -> list[tuple]:
    """The addresses of `host`, looked up once and each checked (newsroom.importer's rules):
    loopback, private, link-local, multicast and reserved ones only with
    WEBSUB_ALLOW_PRIVATE_CALLBACKS, the clouds' metadata addresses never."""
    if allow_private is None:
        allow_private = settings.WEBSUB_ALLOW_PRIVATE_CALLBACKS
    if host.rstrip(".").lower() in METADATA_NAMES:
        raise RefusedAddress(f"{host} is a cloud metadata address")
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise OSError(f"{host} cannot be found ({error})") from None
    addresses = []
    for family, _type, _protocol, _name, sockaddr in answers:
        if family not in (socket.AF_INET, socket.AF_INET6):
            continue
        reason = address_refusal(sockaddr[0], allow_private=allow_private)
        if reason:  # one internal answer refuses the name
            raise RefusedAddress(f"{reason} ({host})")
        addresses.append((family, sockaddr))
    if not addresses:
        raise OSError(f"{host} cannot be found")
    return addresses


def http_request(
    method: str,
    url: str,
    *,
    body: bytes | None = None,
    headers: dict | None = None,
    allow_private: bool | None = None,
) -> tuple[int, bytes]:
    """One request, no redirect followed: (status, the start of the answer's body). The
    connection goes to the address that was checked, never to a second lookup's."""
    parts = urllib.parse.urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("only http and https addresses are called")
    port = _port(parts)
    addresses = _addresses(parts.hostname, port, allow_private=allow_private)
    if scheme == "https":
        conn = _PinnedHTTPSConnection(
            parts.hostname, port, timeout=HTTP_TIMEOUT, context=ssl.create_default_context()
        )
    else:
        conn = _PinnedHTTPConnection(parts.hostname, port, timeout=HTTP_TIMEOUT)
    conn.pin(addresses)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        conn.request(
            method,
            target,
            body=body,
            headers={"User-Agent": f"{settings.SITE_NAME} WebSub hub", **(headers or {})},
        )
        response = conn.getresponse()
        return response.status, response.read(ANSWER_MAX_BYTES)
    finally:
        conn.close()


HTTP_ERRORS = (OSError, ValueError, http.client.HTTPException)


# Verification of intent ---------------------------------------------------------------------


@task
def verify_intent(request_id: int) -> str:
    """GET the callback with hub.challenge; only an answer (2xx) that echoes it makes the
    (un)subscription happen. A later request for the same topic and callback overrides it."""
    request = WebSubRequest.objects.filter(pk=request_id).first()
    if request is None:
        return "gone"
    challenge = secrets.token_urlsafe(32)
    params = {"hub.mode": request.mode, "hub.topic": request.topic, "hub.challenge": challenge}
    if request.mode == WebSubRequest.Mode.SUBSCRIBE:
        params["hub.lease_seconds"] = str(request.lease_seconds)
    separator = "&" if urllib.parse.urlsplit(request.callback).query else "?"
    url = f"{request.callback}{separator}{urllib.parse.urlencode(params)}"
    try:
        status, answer = http_request("GET", url)
    except HTTP_ERRORS as error:
        logger.warning("WebSub verification of %s failed: %s", request, error)
        request.delete()
        return "unreachable"
    confirmed = 200 <= status < 300 and answer.decode("utf-8", "replace").strip() == challenge
    with transaction.atomic():
        if confirmed and request.mode == WebSubRequest.Mode.SUBSCRIBE:
            now = timezone.now()
            WebSubSubscription.objects.update_or_create(
                topic=request.topic,
                callback=request.callback,
                defaults={
                    "scope": request.scope,
                    "slug": request.slug,
                    "secret": request.secret,
                    "lease_seconds": request.lease_seconds,
                    "expires_at": now + datetime.timedelta(seconds=request.lease_seconds),
                    "verified_at": now,
                },
            )
        elif confirmed:
            WebSubSubscription.objects.filter(
                topic=request.topic, callback=request.callback
            ).delete()
        request.delete()
    if not confirmed:
        logger.info("WebSub %s not confirmed by the subscriber (HTTP %s)", request, status)
        return "not confirmed"
    return "verified"


def lease_for(asked: str | None) -> int:
    """Seconds of lease: what the subscriber asked for within LEASE_MIN and LEASE_MAX."""
    if not asked:
        return int(LEASE_DEFAULT.total_seconds())
    seconds = int(asked)
    return int(min(max(seconds, LEASE_MIN.total_seconds()), LEASE_MAX.total_seconds()))


# What changed since the last round ----------------------------------------------------------


def notice_changes(*, now: datetime.datetime) -> list[int] | None:
    """The releases that went public, changed (saved, corrected) or were withdrawn since the
    last round, each once; recorded as seen in the caller's transaction. None when another
    worker is looking at this moment (it takes them)."""
    watch = WebSubWatch.objects.select_for_update(skip_locked=True).filter(pk=1).first()
    if watch is None:
        if WebSubWatch.objects.filter(pk=1).exists():
            return None  # locked: another worker's round is at it
        watch, _created = WebSubWatch.objects.get_or_create(
            pk=1, defaults={"checked_at": now - LOOK_BACK}
        )
    since = watch.checked_at - LOOK_BACK
    candidates = list(
        PressRelease.objects.filter(
            Q(updated_at__gte=since)
            | Q(publish_at__gte=since, publish_at__lte=now, status__in=PressRelease.RELEASED)
        ).values_list("pk", "version", "status", "publish_at", "was_public")
    )
    seen = WebSubReleaseState.objects.in_bulk([row[0] for row in candidates])
    changed, states = [], []
    for pk, version, status, publish_at, was_public in candidates:
        public = status in PressRelease.RELEASED and publish_at is not None and publish_at <= now
        state = seen.get(pk)
        if state is None and not public and not was_public:
            continue  # a draft, or still waiting for its second: in no feed
        if state is not None and (state.version, state.public) == (version, public):
            continue
        changed.append(pk)
        states.append(WebSubReleaseState(release_id=pk, version=version, public=public))
    WebSubReleaseState.objects.bulk_create(
        states,
        update_conflicts=True,
        unique_fields=["release"],
        update_fields=["version", "public"],
    )
    watch.checked_at = now
    watch.save(update_fields=["checked_at"])
    return changed


def feeds_showing(release_ids: list[int]) -> set[tuple[str, str]]:
    """The feeds (scope, slug) these releases show in, or showed in: the newsroom's own, and
    those of the topics, people and organisations (about, or under the byline) of each release
    and its language versions (a version stands in for its original in its language)."""
    if not release_ids:
        return set()
    roots = PressRelease.objects.filter(pk__in=release_ids).values_list("original_id", "pk")
    root_ids = {original_id or pk for original_id, pk in roots}
    story = PressRelease.objects.filter(Q(pk__in=root_ids) | Q(original_id__in=root_ids))
    feeds = {("", "")}
    for scope, model in SCOPES.items():  # Topic, Organisation, Person: each has `releases`
        about = Q(releases__in=story)
        if model is Organisation:
            about |= Q(bylined_releases__in=story)
        slugs = model.objects.filter(about).values_list("slug", flat=True).distinct()
        feeds |= {(scope, slug) for slug in slugs}
    return feeds


def subscriptions_of(feeds: set[tuple[str, str]], now):
    """Live subscriptions to any of these feeds (in any format and language)."""
    wanted = Q(pk__in=[])
    by_scope: dict[str, list[str]] = {}
    for scope, slug in feeds:
        by_scope.setdefault(scope, []).append(slug)
    for scope, slugs in by_scope.items():
        wanted |= Q(scope="") if not scope else Q(scope=scope, slug__in=slugs)
    return WebSubSubscription.objects.filter(wanted, expires_at__gt=now)


def queue_pushes(feeds: set[tuple[str, str]], *, now) -> int:
    """One push per subscriber of these feeds, unless one is already waiting that no worker
    is sending (that one will send the feed as it then is). Inside the caller's transaction."""
    subscriber_ids = set(subscriptions_of(feeds, now).values_list("pk", flat=True))
    if not subscriber_ids:
        return 0
    waiting = set(
        WebSubPush.objects.select_for_update(skip_locked=True)
        .filter(PENDING, subscription_id__in=subscriber_ids)
        .values_list("subscription_id", flat=True)
    )
    new = [WebSubPush(subscription_id=pk) for pk in sorted(subscriber_ids - waiting)]
    WebSubPush.objects.bulk_create(new, batch_size=500)
    return len(new)


def queue_pings(feeds: set[tuple[str, str]]) -> int:
    """With an outside hub: one ping per changed feed URL, unless one is waiting."""
    urls = set(feed_urls(feeds))
    waiting = set(
        WebSubPing.objects.select_for_update(skip_locked=True)
        .filter(PENDING, topic__in=urls)
        .values_list("topic", flat=True)
    )
    new = [WebSubPing(topic=url) for url in sorted(urls - waiting)]
    WebSubPing.objects.bulk_create(new)
    return len(new)


# Sending ------------------------------------------------------------------------------------


class FeedRenderer:
    """Feed bodies as readers get them: the feed view called in-process with an anonymous
    GET for the topic's path. One rendering per feed and state of public content, shared by the
    threads of a round; `prepare` renders the round's feeds first, outside the pushes'
    transactions (rendering may keep parts of pages, rows other renderings write too)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.bodies: dict[tuple, tuple[bytes, str] | Exception] = {}
        self.factory = RequestFactory()

    def prepare(self, topics) -> None:
        for topic in topics:
            try:
                self.render(topic)
            except Exception:  # kept, and raised for each push of this feed
                pass

    def render(self, topic: str) -> tuple[bytes, str]:
        state = public_state()
        key = (topic, state.version, state.last_publication_at)
        with self.lock:
            if key not in self.bodies:
                try:
                    self.bodies[key] = self._render(topic)
                except Exception as error:
                    self.bodies[key] = error
            outcome = self.bodies[key]
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def _render(self, topic: str) -> tuple[bytes, str]:
        parts = urllib.parse.urlsplit(topic)
        language = translation.get_language_from_path(parts.path) or settings.LANGUAGE_CODE
        request = self.factory.get(
            parts.path, headers={"host": parts.netloc}, secure=parts.scheme == "https"
        )
        with translation.override(language):
            request.LANGUAGE_CODE = language
            match = resolve(parts.path)
            response = match.func(request, *match.args, **match.kwargs)
        if response.status_code != 200:
            raise Http404(f"{topic} answered {response.status_code}")
        return response.content, response["Content-Type"]


def link_header(topic: str) -> str:
    return f'<{hub_url()}>; rel="hub", <{topic}>; rel="self"'


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def push_one(renderer: FeedRenderer) -> bool | None:
    """Claim one due push, send it and mark it, in one transaction. None when none is due."""
    with transaction.atomic():
        now = timezone.now()
        push = (
            WebSubPush.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("subscription")
            .filter(
                PENDING,
                Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
                subscription__expires_at__gt=now,
            )
            .order_by("pk")
            .first()
        )
        if push is None:
            return None
        subscription = push.subscription
        try:
            body, content_type = renderer.render(subscription.topic)
        except Http404 as gone:
            # The topic or person is no longer public: nothing to send, the lease runs out.
            record_failure(push, gone, now, permanent=True)
            return False
        except Exception as error:
            logger.exception("WebSub feed %s could not be rendered", subscription.topic)
            record_failure(push, error, now, permanent=True)
            return False
        digest = hashlib.sha256(body).hexdigest()
        if digest == subscription.delivered_hash:
            push.sent_at = now  # the subscriber has this feed as it is: nothing new to send
            push.last_error = "unchanged"
            push.save(update_fields=["sent_at", "last_error"])
            return True
        headers = {"Content-Type": content_type, "Link": link_header(subscription.topic)}
        if subscription.secret:
            headers["X-Hub-Signature"] = signature(subscription.secret, body)
        try:
            status, _answer = http_request(
                "POST", subscription.callback, body=body, headers=headers
            )
        except HTTP_ERRORS as error:
            record_failure(push, error, now)
            return False
        if status == 410:  # the subscriber says the subscription is gone
            subscription.delete()
            return False
        if not 200 <= status < 300:
            record_failure(push, ValueError(f"HTTP {status}"), now)
            return False
        push.sent_at = timezone.now()
        push.save(update_fields=["sent_at"])
        WebSubSubscription.objects.filter(pk=subscription.pk).update(delivered_hash=digest)
        return True


def send_pending_pushes(*, seconds: float | None = PUSH_ROUND_SECONDS) -> int:
    """Send the due pushes, several at once on PostgreSQL (each thread claims its own rows).
    Returns how many went out; takes no new push after `seconds`."""
    stop_at = None if seconds is None else time.monotonic() + seconds
    renderer = FeedRenderer()

    def loop(own_connection: bool) -> int:
        sent = 0
        try:
            while stop_at is None or time.monotonic() < stop_at:
                outcome = push_one(renderer)
                if outcome is None:
                    break
                sent += bool(outcome)
        finally:
            if own_connection:
                connections.close_all()  # this thread's own
        return sent

    due = WebSubPush.objects.filter(
        PENDING,
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=timezone.now()),
        subscription__expires_at__gt=timezone.now(),
    )
    topics = set(due.values_list("subscription__topic", flat=True).distinct())
    if not topics:
        return 0
    renderer.prepare(topics)
    threads = PUSH_THREADS if connection.vendor == "postgresql" else 1
    if threads == 1 or connection.in_atomic_block:
        return loop(own_connection=False)  # SQLite, or inside a test's transaction
    threads = min(threads, due.count())
    if threads <= 1:
        return loop(own_connection=False)
    with ThreadPoolExecutor(threads, thread_name_prefix="websub-push") as pool:
        return sum(pool.map(lambda _n: loop(True), range(threads)))


def send_pending_pings(*, seconds: float | None = PUSH_ROUND_SECONDS) -> int:
    """Ping the outside hub (WEBSUB_HUB_URL) for each changed feed: hub.mode=publish."""
    stop_at = None if seconds is None else time.monotonic() + seconds
    sent = 0
    while stop_at is None or time.monotonic() < stop_at:
        with transaction.atomic():
            now = timezone.now()
            ping = (
                WebSubPing.objects.select_for_update(skip_locked=True)
                .filter(PENDING, Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
                .order_by("pk")
                .first()
            )
            if ping is None:
                break
            body = urllib.parse.urlencode({"hub.mode": "publish", "hub.url": ping.topic})
            try:
                # The operator names the hub: it may be on an intranet (metadata never).
                status, _answer = http_request(
                    "POST",
                    settings.WEBSUB_HUB_URL,
                    body=body.encode(),
                    headers={"Content-Type": "application/x-www-form-urlencoded"},
                    allow_private=True,
                )
            except HTTP_ERRORS as error:
                record_failure(ping, error, now)
                continue
            if not 200 <= status < 300:
                record_failure(ping, ValueError(f"HTTP {status}"), now)
                continue
            ping.sent_at = timezone.now()
            ping.save(update_fields=["sent_at"])
            sent += 1
    return sent


# The round ----------------------------------------------------------------------------------


def queue_changes(*, now: datetime.datetime | None = None) -> tuple[int, int]:
    """Notice what changed and queue its pushes (or pings), in one transaction: a worker that
    dies here leaves it all for the next round. (changed releases, rows queued)."""
    now = now or timezone.now()
    with transaction.atomic():
        # Leases that ran out: their subscribers get nothing more.
        WebSubSubscription.objects.filter(expires_at__lte=now).delete()
        WebSubRequest.objects.filter(created_at__lt=now - REQUEST_MAX_AGE).delete()
        changed = notice_changes(now=now)
        if not changed:
            return 0, 0
        feeds = feeds_showing(changed)
        if settings.WEBSUB_HUB_URL:
            return len(changed), queue_pings(feeds)
        return len(changed), queue_pushes(feeds, now=now)


def run_once(*, seconds: float | None = PUSH_ROUND_SECONDS) -> dict:
    changed, queued = queue_changes()
    if settings.WEBSUB_HUB_URL:
        sent = send_pending_pings(seconds=seconds)
    else:
        sent = send_pending_pushes(seconds=seconds)
    return {"changed": changed, "queued": queued, "sent": sent}


@task
def deliver_pushes() -> dict:
    """The worker's round (settings.WORKER_ROUNDS): notice, queue, push."""
    outcome = run_once()
    if outcome["queued"] or outcome["sent"]:
        logger.info("WebSub round: %s", outcome)
    return outcome
