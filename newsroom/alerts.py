"""E-mail alerts: double opt-in tokens, queueing when a release becomes public, sending once.

The work runs as Django tasks (django-tasks-db) in `manage.py run_worker`, which also
enqueues `deliver_alerts` every few seconds: scheduled releases go public by the clock and
nobody enqueues anything at that second. `AlertDelivery` rows are the ledger that makes each
alert go out once: on PostgreSQL any number of workers may run at once, as rows are claimed
with SELECT ... FOR UPDATE SKIP LOCKED and each alert is sent and marked inside one
transaction, so a crash leaves it pending for the next round, not lost and not sent twice.
"""

import datetime
import itertools
import logging
import smtplib
import time

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import transaction
from django.db.models import Q
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from common.generation import content_changed
from common.urls import absolute_url
from newsroom.models import AlertDelivery, PressRelease, Subscription

logger = logging.getLogger(__name__)

CONFIRM_SALT = "newsroom.alerts.confirm"
MANAGE_SALT = "newsroom.alerts.manage"
CONFIRM_MAX_AGE = datetime.timedelta(days=3)
# Manage and unsubscribe links work for six months. Every alert and every manage-link e-mail
# carries a freshly signed one, so a reader who still gets alerts always has a working link;
# an older one leads to a page that says how to get a new one (alerts/link_expired.html).
MANAGE_MAX_AGE = datetime.timedelta(days=183)
# Releases older than this when first seen (imports, back-dated archive) alert nobody.
ALERT_MAX_AGE = datetime.timedelta(days=2)


# Tokens carry the subscription's id, signed; never the address.
def confirm_token(subscription: Subscription) -> str:
    return signing.dumps(subscription.pk, salt=CONFIRM_SALT, compress=True)


def manage_token(subscription: Subscription) -> str:
    return signing.dumps(subscription.pk, salt=MANAGE_SALT, compress=True)


def subscription_from_confirm_token(token: str) -> Subscription | None:
    try:
        pk = signing.loads(token, salt=CONFIRM_SALT, max_age=CONFIRM_MAX_AGE)
    except signing.BadSignature:
        return None
    return Subscription.objects.filter(pk=pk).first()


def subscription_from_manage_token(token: str) -> Subscription | None:
    """The subscription a manage or unsubscribe link is for; None if the link is forged,
    damaged or older than MANAGE_MAX_AGE (manage_token_has_expired tells those apart)."""
    try:
        pk = signing.loads(token, salt=MANAGE_SALT, max_age=MANAGE_MAX_AGE)
    except signing.BadSignature:
        return None
    return Subscription.objects.filter(pk=pk).first()


def manage_token_has_expired(token: str) -> bool:
    """True only for a link we signed whose lifetime is over: it gets the "expired" page."""
    try:
        signing.loads(token, salt=MANAGE_SALT, max_age=MANAGE_MAX_AGE)
    except signing.SignatureExpired:
        return True
    except signing.BadSignature:
        return False
    return False


def subscriber_url(subscription: Subscription, name: str, token: str) -> str:
    """A page for the subscriber, in their language: English ones live under /en/."""
    with translation.override(subscription.language):
        return absolute_url(reverse(name, args=[token]))


def manage_url(subscription: Subscription) -> str:
    return subscriber_url(subscription, "newsroom:subscription-manage", manage_token(subscription))


def unsubscribe_url(subscription: Subscription) -> str:
    return subscriber_url(
        subscription, "newsroom:subscription-unsubscribe", manage_token(subscription)
    )


def send_confirmation(*, subscription: Subscription) -> None:
    context = {
        "confirm_url": subscriber_url(
            subscription, "newsroom:subscription-confirm", confirm_token(subscription)
        ),
        "SITE_NAME": settings.SITE_NAME,
        "valid_days": CONFIRM_MAX_AGE.days,
    }
    with translation.override(subscription.language):
        message = EmailMultiAlternatives(
            subject=header_text(render_to_string("alerts/confirm_subject.txt", context)),
            body=render_to_string("alerts/confirm.txt", context),
            to=[subscription.email],
        )
    message.send()


def send_manage_link(*, subscription: Subscription) -> None:
    """For an address that is already subscribed: a link to change it, nothing revealed."""
    context = {"manage_url": manage_url(subscription), "SITE_NAME": settings.SITE_NAME}
    with translation.override(subscription.language):
        EmailMultiAlternatives(
            subject=header_text(render_to_string("alerts/manage_subject.txt", context)),
            body=render_to_string("alerts/manage.txt", context),
            to=[subscription.email],
        ).send()


# Django's tasks framework: sign-up answers at once whatever the mail server does. With the
# database backend (settings.TASKS) a worker sends them, and a mail server that refuses or
# cannot be reached is tried again after 1, 2, 4 ... minutes, MAX_ATTEMPTS times in all.
# The immediate backend (tests) runs them in the request and logs a failure instead.
@task
def send_confirmation_task(subscription_id: int, attempt: int = 1) -> str:
    subscription = Subscription.objects.filter(pk=subscription_id).first()
    if subscription is None or subscription.confirmed_at is not None:
        return "not needed"
    try:
        send_confirmation(subscription=subscription)
    except (smtplib.SMTPException, OSError) as error:
        return _mail_later(send_confirmation_task, subscription_id, attempt, error)
    return "sent"


@task
def send_manage_link_task(subscription_id: int, attempt: int = 1) -> str:
    subscription = Subscription.objects.filter(pk=subscription_id).first()
    if subscription is None:
        return "not needed"
    try:
        send_manage_link(subscription=subscription)
    except (smtplib.SMTPException, OSError) as error:
        return _mail_later(send_manage_link_task, subscription_id, attempt, error)
    return "sent"


def _mail_later(mail_task, subscription_id: int, attempt: int, error: Exception) -> str:
    """Enqueue the mail again after a growing pause; raise (the task fails) when that is over
    or the backend cannot wait."""
    if attempt >= MAX_ATTEMPTS or not mail_task.get_backend().supports_defer:
        raise error
    logger.warning(
        "%s for subscriber %s failed (attempt %s), trying again later: %s",
        mail_task.name,
        subscription_id,
        attempt,
        error,
    )
    mail_task.using(run_after=timezone.now() + retry_pause(attempt)).enqueue(
        subscription_id, attempt=attempt + 1
    )
    return "retry"


# One round of alert work: queue what has become public, send what is due. The worker command
# enqueues it every few seconds; several rounds may run at once on PostgreSQL, each taking
# other rows. A round stops taking new alerts after ALERT_ROUND_SECONDS, the next goes on.
ALERT_ROUND_SECONDS = 60


@task
def deliver_alerts() -> dict:
    queued, sent = run_once(seconds=ALERT_ROUND_SECONDS, limit=None)
    if queued or sent:
        logger.info("Alert round: %s queued, %s sent", queued, sent)
    return {"queued": queued, "sent": sent}


def queue_alerts(*, now: datetime.datetime | None = None) -> int:
    """Queue one alert per matching subscriber for every release that has become public."""
    now = now or timezone.now()
    queued = 0
    pending_ids = list(
        PressRelease.objects.published()
        .filter(alerts_queued_at__isnull=True)
        .values_list("pk", flat=True)
    )
    for release_id in pending_ids:
        with transaction.atomic():
            release = (
                PressRelease.objects.select_for_update(skip_locked=True)
                .filter(pk=release_id, alerts_queued_at__isnull=True)
                .first()
            )
            if release is None:  # another worker has it
                continue
            if release.publish_at >= now - ALERT_MAX_AGE:
                subscribers = Subscription.objects.matching(release).filter(confirmed_at__lte=now)
                # One alert per story, in the subscriber's language where there is a version in
                # it: a subscriber whose language has its own published version gets that one.
                versions = release.published_versions()
                story = [release.pk, *(version.pk for version in versions)]
                subscribers = subscribers.exclude(
                    pk__in=AlertDelivery.objects.filter(release_id__in=story).values(
                        "subscription_id"
                    )
                ).exclude(language__in={v.language for v in versions} - {release.language})
                created = AlertDelivery.objects.bulk_create(
                    [AlertDelivery(release=release, subscription=s) for s in subscribers],
                    ignore_conflicts=True,
                )
                queued += len(created)
            # The record is fixed as it stands in the second the release went public.
            if not release.was_public:
                release.freeze_record()
            # update(), not save(): the release's own "updated" time must not move.
            PressRelease.objects.filter(pk=release.pk).update(
                alerts_queued_at=now, record=release.record, was_public=True
            )
            content_changed()  # the page now shows the frozen record
    return queued


def send_pending_alerts(*, limit: int | None = 500, seconds: float | None = None) -> int:
    """Send queued alerts, one row per transaction. Returns how many this worker sent; it
    takes no more than `limit` rows (None: no limit) and no new row after `seconds`.

    A delivery the mail server refuses is retried later (after 1, 2, 4 ... minutes) and given
    up after MAX_ATTEMPTS, so one bad address never holds up the others. An alert that cannot
    be built or sent for any other reason is marked failed at once with the reason
    (`last_error`, `failed_at`), and the next one goes out.
    """
    sent = 0
    releases: dict[int, PressRelease] = {}
    rendered: dict = {}  # (release, language) -> the mail's parts, written once a round
    # One connection to the mail server for the round, opened again after a failure.
    mailer = mailers.default
    try:
        sent = _send_pending_alerts(limit, seconds, releases, rendered, mailer)
    finally:
        mailer.close()
    return sent


def _send_pending_alerts(limit, seconds, releases, rendered, mailer) -> int:
    sent = 0
    stop_at = None if seconds is None else time.monotonic() + seconds
    for _ in range(limit) if limit is not None else itertools.count():
        if stop_at is not None and time.monotonic() >= stop_at:
            break
        with transaction.atomic():
            now = timezone.now()
            delivery = (
                # The subscriber comes with the row (one query an alert fewer); only the row is
                # locked.
                AlertDelivery.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("subscription")
                .filter(
                    Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
                    sent_at__isnull=True,
                    failed_at__isnull=True,
                    release__in=PressRelease.objects.published(),
                )
                .order_by("pk")
                .first()
            )
            if delivery is None:
                break
            if delivery.release_id not in releases:
                releases[delivery.release_id] = PressRelease.objects.for_page().get(
                    pk=delivery.release_id
                )
            try:
                # A savepoint: whatever goes wrong for this one alert is undone on its own
                # and recorded below, and the worker goes on with the next one.
                with transaction.atomic():
                    message = build_alert(
                        release=releases[delivery.release_id],
                        subscription=delivery.subscription,
                        delivery=delivery,
                        rendered=rendered,
                    )
                    mailer.send_messages([message])
            except (smtplib.SMTPException, OSError) as error:
                # The mail server or the network: worth trying again later, on a new
                # connection.
                mailer.close()
                record_failure(delivery, error, now)
                continue
            except Exception as error:
                # Anything else (a header the mail library refuses, a broken template) fails
                # the same way every time: give up on this alert at once, with the reason.
                logger.exception("Alert %s could not be built or sent", delivery.pk)
                record_failure(delivery, error, now, permanent=True)
                continue
            delivery.sent_at = timezone.now()
            delivery.save(update_fields=["sent_at"])
            sent += 1
    return sent


MAX_ATTEMPTS = 8


def retry_pause(attempts: int) -> datetime.timedelta:
    """1, 2, 4, 8 ... minutes after the first, second, third ... failed attempt."""
    return datetime.timedelta(minutes=2 ** (attempts - 1))


def record_failure(delivery, error: Exception, now, permanent=False) -> None:
    """A ledger row (an alert, a WebSub push or ping) that could not go out: tried again after
    1, 2, 4 ... minutes, given up after MAX_ATTEMPTS or at once when `permanent`."""
    delivery.attempts += 1
    delivery.last_error = f"{type(error).__name__}: {error}"[:300]
    if permanent or delivery.attempts >= MAX_ATTEMPTS:
        delivery.failed_at = now
    else:
        delivery.next_attempt_at = now + retry_pause(delivery.attempts)
    delivery.save(update_fields=["attempts", "last_error", "failed_at", "next_attempt_at"])
    # By its number only: the row's text may name a subscriber's address.
    logger.warning("%s %s failed: %s", type(delivery).__name__, delivery.pk, delivery.last_error)


def header_text(text: str) -> str:
    """One line for an e-mail header: every run of white space (line breaks included, which
    the mail library rightly refuses in a header) becomes one space."""
    return " ".join(str(text).split())


# Stand-ins for what differs from subscriber to subscriber: an alert's text is written once
# per release and language, and each subscriber's links put in (signed tokens need no escaping).
MANAGE_STAND_IN, UNSUBSCRIBE_STAND_IN = "@@manage-url@@", "@@unsubscribe-url@@"


def _alert_parts(release: PressRelease, language: str) -> tuple[str, str]:
    with translation.override(language):
        release_url = absolute_url(release.get_absolute_url())  # under /en/ for English readers
        context = {
            "release": release,
            "release_url": release_url,
            "manage_url": MANAGE_STAND_IN,
            "unsubscribe_url": UNSUBSCRIBE_STAND_IN,
            "SITE_NAME": settings.SITE_NAME,
            "SITE_URL": settings.SITE_URL,
            # The mail's own language (its words); the release keeps its own in the text.
            "LANGUAGE_CODE": language,
        }
        return (
            render_to_string("alerts/release.txt", context),
            render_to_string("alerts/release.html", context),
        )


def build_alert(
    *, release: PressRelease, subscription: Subscription, delivery=None, rendered=None
):
    unsubscribe = unsubscribe_url(subscription)
    key = (release.pk, subscription.language)
    parts = (rendered or {}).get(key) or _alert_parts(release, subscription.language)
    if rendered is not None:
        rendered[key] = parts
    manage = manage_url(subscription)
    text, html = (
        part.replace(MANAGE_STAND_IN, manage).replace(UNSUBSCRIBE_STAND_IN, unsubscribe)
        for part in parts
    )
    with translation.override(subscription.language):
        message = EmailMultiAlternatives(
            subject=header_text(release.title),
            body=text,
            to=[subscription.email],
            headers={
                # RFC 8058 one-click unsubscribe.
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "List-Id": f"{header_text(settings.SITE_NAME)} <alerts.newsroom>",
                "Auto-Submitted": "auto-generated",
            },
        )
        message.attach_alternative(html, "text/html")
    return message


def run_once(*, seconds: float | None = None, limit: int | None = 500) -> tuple[int, int]:
    """Queue and send once, here and now (the `deliver_alerts` task's work)."""
    return queue_alerts(), send_pending_alerts(seconds=seconds, limit=limit)
