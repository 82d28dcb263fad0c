"""Pitches: a release sent to the press office's own journalists, each exactly once.

A pitch is sent now or at the second its release goes public. Sending now while the release
is still under embargo gives every journalist their own embargo preview link (the revocable,
logged links of newsroom.services), so one link can be revoked without touching the others.
Each journalist gets the language version in their language where there is one.

`PitchDelivery` rows are the ledger, as alerts have: rows are claimed with SELECT … FOR UPDATE
SKIP LOCKED and each mail is sent and marked in one transaction, so a killed worker loses and
doubles nothing. A mail server that refuses an address for good (5xx) is a hard bounce: the
address is suppressed. Other failures are tried again after 1, 2, 4 … minutes.

No tracking: no pixel, no rewritten link. What the report knows is what can be known honestly:
sent, refused or bounced, unsubscribed, and whether the journalist opened their embargo link
(from the link's own log).
"""

import datetime
import itertools
import logging
import smtplib
import time

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import transaction
from django.db.models import Q
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common.urls import absolute_url
from newsroom.alerts import header_text, retry_pause
from newsroom.models import PressRelease
from newsroom.services import can_publish, preview_link_issue
from outreach.models import Contact, Pitch, PitchDelivery, Suppression

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
UNSUBSCRIBE_SALT = "outreach.pitch.unsubscribe"
ROUND_SECONDS = 60


class PitchRefused(Exception):
    """A pitch that cannot be sent as asked, with the reason for the press officer."""


# Who gets it.


def story_ids(release: PressRelease) -> list[int]:
    """The release and its other language versions."""
    root_id = release.original_id or release.pk
    return list(
        PressRelease.objects.filter(Q(pk=root_id) | Q(original_id=root_id)).values_list(
            "pk", flat=True
        )
    )


def recipients(pitch: Pitch):
    """The journalists of the pitch's lists and the single ones chosen, each once, without
    suppressed addresses and without those who already had this story."""
    chosen = Contact.objects.filter(
        Q(lists__in=pitch.lists.all()) | Q(pk__in=pitch.contacts.all())
    ).values("pk")
    had_it = PitchDelivery.objects.filter(
        pitch__release__in=story_ids(pitch.release),
        status__in=[PitchDelivery.Status.PENDING, PitchDelivery.Status.SENT],
        contact__isnull=False,
    ).exclude(pitch=pitch)
    return (
        Contact.objects.filter(pk__in=chosen)
        .not_suppressed()
        .exclude(pk__in=had_it.values("contact"))
        .order_by("pk")
    )


def version_for(release: PressRelease, language: str) -> PressRelease:
    """The story's version in `language` that is public or set to go public, else `release`."""
    if release.language == language:
        return release
    version = (
        PressRelease.objects.released()
        .filter(pk__in=story_ids(release), language=language)
        .order_by("publish_at")
        .first()
    )
    return version or release


# What the press officer does.


def check_can_send(pitch: Pitch, user) -> None:
    release = pitch.release
    if release.status not in PressRelease.RELEASED:
        raise PitchRefused(
            _("The release is not published, scheduled or embargoed: there is nothing to send.")
        )
    public = PressRelease.objects.published().filter(pk=release.pk).exists()
    if not public and not pitch.at_publication and not can_publish(user):
        raise PitchRefused(
            _(
                "Only a Publisher can send a release before it is public: each journalist gets "
                "an embargo preview link."
            )
        )
    if not pitch.lists.exists() and not pitch.contacts.exists():
        raise PitchRefused(_("Choose at least one media list or journalist."))


def send_pitch(pitch: Pitch, user) -> int:
    """Send now, or wait for the publication second (`at_publication`). Returns how many
    journalists it is queued for (0 while it waits)."""
    check_can_send(pitch, user)
    if pitch.status != Pitch.Status.DRAFT:
        raise PitchRefused(_("This pitch has already been sent."))
    pitch.sent_by = user
    pitch.reply_to = user.email or ""
    if pitch.at_publication and not _is_public(pitch.release):
        pitch.status = Pitch.Status.WAITING
        pitch.save(update_fields=["status", "sent_by", "reply_to"])
        return 0
    pitch.save(update_fields=["sent_by", "reply_to"])
    queued = queue_pitch(pitch)
    transaction.on_commit(lambda: deliver_pitches.enqueue())
    return queued


def queue_pitch(pitch: Pitch, now: datetime.datetime | None = None) -> int:
    """A ledger row for every recipient. Safe to call twice: a journalist is queued once."""
    now = now or timezone.now()
    rows = [
        PitchDelivery(
            pitch=pitch,
            contact=contact,
            email=contact.email,
            name=contact.name,
            release=version_for(pitch.release, contact.language),
        )
        for contact in recipients(pitch).iterator()
    ]
    created = PitchDelivery.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    Pitch.objects.filter(pk=pitch.pk).update(status=Pitch.Status.QUEUED, queued_at=now)
    pitch.status, pitch.queued_at = Pitch.Status.QUEUED, now
    return len(created)


def queue_due_pitches(now: datetime.datetime | None = None) -> int:
    """Pitches waiting for publication: queued in the round after their release goes public
    (by the clock too), cancelled if it was pulled back first."""
    now = now or timezone.now()
    queued = 0
    for pitch_id in Pitch.objects.filter(status=Pitch.Status.WAITING).values_list("pk", flat=True):
        with transaction.atomic():
            pitch = (
                Pitch.objects.select_for_update(skip_locked=True)
                .filter(pk=pitch_id, status=Pitch.Status.WAITING)
                .select_related("release")
                .first()
            )
            if pitch is None:
                continue
            if pitch.release.status not in PressRelease.RELEASED:
                Pitch.objects.filter(pk=pitch.pk).update(
                    status=Pitch.Status.CANCELLED, cancelled_at=now
                )
                logger.info("Pitch %s cancelled: its release was pulled back", pitch.pk)
            elif _is_public(pitch.release, now):
                queued += queue_pitch(pitch, now)
    return queued


def _is_public(release: PressRelease, now=None) -> bool:
    return PressRelease.objects.published(now).filter(pk=release.pk).exists()


# Sending.


@task
def deliver_pitches() -> dict:
    """One round: queue pitches whose release has gone public, send what is due."""
    queued = queue_due_pitches()
    sent = send_pending(seconds=ROUND_SECONDS)
    if queued or sent:
        logger.info("Pitch round: %s queued, %s sent", queued, sent)
    return {"queued": queued, "sent": sent}


def send_pending(*, limit: int | None = None, seconds: float | None = None) -> int:
    """Send due pitch mails, one ledger row per transaction, at PITCH_MAILS_PER_MINUTE (per
    worker; 0: as fast as the mail server takes them). Returns how many this worker sent."""
    rate = getattr(settings, "PITCH_MAILS_PER_MINUTE", 0)
    pause = 60.0 / rate if rate else 0.0
    stop_at = None if seconds is None else time.monotonic() + seconds
    sent = 0
    # One connection to the mail server for the round (opened at the first mail, opened
    # again after a failure), and each release's page data read once.
    mailer = mailers.default
    releases: dict = {}
    try:
        for _round in range(limit) if limit is not None else itertools.count():
            if stop_at is not None and time.monotonic() >= stop_at:
                break
            outcome = _send_one(mailer, releases)
            if outcome is None:
                break
            if outcome:
                sent += 1
                if pause:
                    time.sleep(pause)
    finally:
        mailer.close()
    return sent


def _release_for_mail(release_id: int, releases: dict) -> PressRelease:
    """The release as its mails show it, read once a round; read again if its status or time
    has changed meanwhile (an embargo moved, a release pulled back)."""
    status, publish_at = (
        PressRelease.objects.filter(pk=release_id).values_list("status", "publish_at").get()
    )
    release = releases.get(release_id)
    if release is None or (release.status, release.publish_at) != (status, publish_at):
        release = releases[release_id] = PressRelease.objects.for_page().get(pk=release_id)
    return release


def _send_one(mailer, releases: dict) -> bool | None:
    """Send the next due mail: True if sent, False if it failed, None if none is due."""
    with transaction.atomic():
        now = timezone.now()
        delivery = (
            PitchDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now),
                status=PitchDelivery.Status.PENDING,
                pitch__status=Pitch.Status.QUEUED,
            )
            .select_related("pitch", "pitch__sent_by", "contact")
            .order_by("pk")
            .first()
        )
        if delivery is None:
            return None
        if delivery.contact_id is None or Suppression.is_suppressed(delivery.email):
            # Erased or suppressed since it was queued.
            _give_up(delivery, now, _("suppressed before it was sent"))
            return False
        release = delivery.release = _release_for_mail(delivery.release_id, releases)
        if release.status not in PressRelease.RELEASED:
            _give_up(delivery, now, _("the release was pulled back"))
            return False
        try:
            with transaction.atomic():  # a failed send undoes its embargo link too
                mailer.send_messages([build_pitch_mail(delivery)])
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _message in error.recipients.values()]
            if codes and min(codes) >= 500:
                _refused(delivery, now, error)
            else:
                _retry(delivery, now, error)
            return False
        except smtplib.SMTPResponseException as error:
            if error.smtp_code >= 500:
                _give_up(delivery, now, f"{error.smtp_code} {error.smtp_error!r}")
            else:
                _retry(delivery, now, error)
            return False
        except (smtplib.SMTPException, OSError) as error:
            mailer.close()  # the connection may be gone: the next mail opens a new one
            _retry(delivery, now, error)
            return False
        except Exception as error:
            logger.exception("Pitch mail %s could not be built or sent", delivery.pk)
            _give_up(delivery, now, f"{type(error).__name__}: {error}")
            return False
        delivery.status = PitchDelivery.Status.SENT
        delivery.sent_at = timezone.now()
        delivery.save(update_fields=["status", "sent_at", "preview_link"])
        return True


def _retry(delivery, now, error) -> None:
    delivery.attempts += 1
    delivery.last_error = f"{type(error).__name__}: {error}"[:300]
    if delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = PitchDelivery.Status.FAILED
    else:
        delivery.next_attempt_at = now + retry_pause(delivery.attempts)
    delivery.preview_link = None
    delivery.save(
        update_fields=["attempts", "last_error", "status", "next_attempt_at", "preview_link"]
    )
    logger.warning("Pitch mail %s failed (attempt %s): %s", delivery.pk, delivery.attempts, error)


def _refused(delivery, now, error) -> None:
    """A 5xx for the address: a hard bounce. The address gets no pitch again."""
    delivery.attempts += 1
    delivery.status = PitchDelivery.Status.REFUSED
    delivery.last_error = f"{error}"[:300]
    delivery.preview_link = None
    delivery.save(update_fields=["attempts", "status", "last_error", "preview_link"])
    Suppression.suppress(delivery.email, Suppression.Reason.BOUNCED, delivery.last_error)


def _give_up(delivery, now, reason: str) -> None:
    delivery.status = PitchDelivery.Status.FAILED
    delivery.last_error = str(reason)[:300]
    delivery.preview_link = None
    delivery.save(update_fields=["status", "last_error", "preview_link"])


# The mail.


def unsubscribe_token(delivery: PitchDelivery) -> str:
    return signing.dumps(delivery.pk, salt=UNSUBSCRIBE_SALT, compress=True)


def delivery_from_token(token: str) -> PitchDelivery | None:
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    return PitchDelivery.objects.filter(pk=pk).first()


def unsubscribe_url(delivery: PitchDelivery, language: str) -> str:
    with translation.override(language):
        return absolute_url(reverse("outreach:unsubscribe", args=[unsubscribe_token(delivery)]))


def build_pitch_mail(delivery: PitchDelivery, *, test_to: str | None = None):
    """The mail for one journalist. Under embargo it issues their own preview link (in the
    caller's transaction); `test_to` builds the press officer's test copy instead, with no
    link issued."""
    pitch, release = delivery.pitch, delivery.release
    language = delivery.contact.language if delivery.contact_id else release.language
    embargoed = not _is_public(release)
    preview_url = ""
    if embargoed and test_to is None:
        if pitch.sent_by is None or not can_publish(pitch.sent_by):
            raise PermissionDenied("Only a Publisher's pitch carries embargo links.")
        link, preview_url = preview_link_issue(
            release=release,
            user=pitch.sent_by,
            name=delivery.name or delivery.email,
            email=delivery.email,
            outlet=(delivery.contact.outlet if delivery.contact_id else "") or "–",
        )
        delivery.preview_link = link
    with translation.override(language):
        release_url = absolute_url(release.get_absolute_url())
    unsubscribe = unsubscribe_url(delivery, language) if delivery.pk else absolute_url("/")
    subject = pitch.subject if (pitch.subject and release.pk == pitch.release_id) else release.title
    context = {
        "pitch": pitch,
        "release": release,
        "release_url": release_url,
        "embargoed": embargoed,
        "preview_url": preview_url,
        "is_test": test_to is not None,
        "recipient_name": delivery.name,
        "sender_name": (pitch.sent_by.get_full_name() or pitch.sent_by.get_username())
        if pitch.sent_by
        else settings.SITE_NAME,
        "unsubscribe_url": unsubscribe,
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "LANGUAGE_CODE": language,
    }
    with translation.override(language):
        if test_to is not None:
            subject = _("[Test] %(subject)s") % {"subject": subject}
        message = EmailMultiAlternatives(
            subject=header_text(subject),
            body=render_to_string("outreach/pitch.txt", context),
            to=[test_to or delivery.email],
            reply_to=[pitch.reply_to] if pitch.reply_to else None,
            headers={
                # RFC 8058 one-click unsubscribe, for pitches as for alerts.
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "List-Id": f"{header_text(settings.SITE_NAME)} <pitches.newsroom>",
            },
        )
        message.attach_alternative(render_to_string("outreach/pitch.html", context), "text/html")
    return message


def test_mail(pitch: Pitch, user, *, to: str):
    """The pitch as its first journalist will get it (the press officer where there is none
    yet), addressed to `to`; no embargo link is issued."""
    contact = recipients(pitch).first()
    delivery = PitchDelivery(
        pitch=pitch,
        contact=contact,
        email=contact.email if contact else user.email,
        name=contact.name if contact else user.get_full_name(),
        release=version_for(pitch.release, contact.language if contact else "da"),
    )
    pitch.reply_to = pitch.reply_to or user.email
    pitch.sent_by = pitch.sent_by or user
    return build_pitch_mail(delivery, test_to=to)


def send_test(pitch: Pitch, user) -> str:
    """The test mail, to the press officer's own address."""
    if not user.email:
        raise PitchRefused(_("Your user has no e-mail address to send the test to."))
    test_mail(pitch, user, to=user.email).send()
    return user.email


# What came back.


def unsubscribe(delivery: PitchDelivery) -> None:
    if delivery.email:
        Suppression.suppress(delivery.email, Suppression.Reason.UNSUBSCRIBED)


def report_rows(pitch: Pitch) -> list[dict]:
    """Per recipient what can honestly be known."""
    deliveries = list(
        pitch.deliveries.select_related("contact", "release", "preview_link").order_by("name")
    )
    suppressed = dict(
        Suppression.objects.filter(
            email_hash__in=[d.contact.email_hash for d in deliveries if d.contact_id]
        ).values_list("email_hash", "reason")
    )
    reasons = dict(Suppression.Reason.choices)
    rows = []
    for delivery in deliveries:
        link = delivery.preview_link
        opened = link.openings.order_by("opened_at").first() if link else None
        reason = suppressed.get(delivery.contact.email_hash) if delivery.contact_id else None
        rows.append(
            {
                "delivery": delivery,
                "name": delivery.name or "–",
                "outlet": delivery.contact.outlet if delivery.contact_id else "",
                "email": delivery.email,
                "language": delivery.release.language,
                "status": delivery.get_status_display(),
                "sent_at": delivery.sent_at,
                "error": delivery.last_error,
                "link": link,
                "link_revoked": bool(link and link.revoked_at),
                "opened_at": opened.opened_at if opened else None,
                "unsubscribed": str(reasons[reason]) if reason else "",
            }
        )
    return rows
