"""The press office's journalists (media lists) and the pitches sent to them.

Journalist contacts are kept apart from a release's media contacts (media.MediaContact), who
are the office's own spokespeople. A contact's personal data is held on a lawful basis with its
source, and an address that unsubscribed, bounced or complained is suppressed by a hash of the
address, which is all that is kept of it after erasure.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.models import TimeStampedModel
from newsroom.models import PressRelease, PreviewLink, Topic


def normalized_email(email: str) -> str:
    return (email or "").strip().lower()


def email_hash(email: str) -> str:
    """What suppression keeps of an address: its SHA-256, never the address."""
    return hashlib.sha256(normalized_email(email).encode()).hexdigest()


class MediaList(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("media list")
        verbose_name_plural = _("media lists")

    def __str__(self):
        return self.name


class ContactQuerySet(models.QuerySet):
    def not_suppressed(self):
        return self.exclude(email_hash__in=Suppression.objects.values("email_hash"))


class Contact(TimeStampedModel):
    """A journalist the press office knows."""

    class Language(models.TextChoices):
        DANISH = "da", _("Danish")
        ENGLISH = "en", _("English")

    class LawfulBasis(models.TextChoices):
        LEGITIMATE_INTEREST = "legitimate_interest", _("legitimate interest")
        CONSENT = "consent", _("consent")

    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), unique=True)
    # Kept with the address, so a suppression can be checked in the database.
    email_hash = models.CharField(max_length=64, editable=False, db_index=True)
    outlet = models.CharField(_("outlet"), max_length=200, blank=True)
    beats = models.CharField(
        _("beats"), max_length=300, blank=True, help_text=_("What they cover, in their words.")
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="+", verbose_name=_("topics"))
    language = models.CharField(
        _("language"), max_length=2, choices=Language, default=Language.DANISH
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    lists = models.ManyToManyField(
        MediaList, blank=True, related_name="contacts", verbose_name=_("media lists")
    )
    lawful_basis = models.CharField(
        _("lawful basis"),
        max_length=30,
        choices=LawfulBasis,
        default=LawfulBasis.LEGITIMATE_INTEREST,
    )
    source = models.CharField(
        _("source"),
        max_length=300,
        blank=True,
        help_text=_("Where the address comes from, e.g. “Børsens erhvervsredaktion”."),
    )
    basis_since = models.DateField(_("since"), default=timezone.localdate)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("journalist")
        verbose_name_plural = _("journalists")

    def __str__(self):
        return f"{self.name} ({self.outlet})" if self.outlet else self.name

    def save(self, *args, **kwargs):
        self.email = normalized_email(self.email)
        self.email_hash = email_hash(self.email)
        super().save(*args, **kwargs)

    @property
    def suppression(self):
        return Suppression.objects.filter(email_hash=self.email_hash).first()


class Suppression(models.Model):
    """An address that gets no pitch from any list again: only its hash is kept."""

    class Reason(models.TextChoices):
        UNSUBSCRIBED = "unsubscribed", _("unsubscribed")
        BOUNCED = "bounced", _("bounced hard")
        COMPLAINED = "complained", _("complained")
        ERASED = "erased", _("erased on request")

    email_hash = models.CharField(max_length=64, unique=True)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason)
    detail = models.CharField(_("detail"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("suppressed address")
        verbose_name_plural = _("suppressed addresses")

    def __str__(self):
        return f"{self.get_reason_display()} {self.created_at:%Y-%m-%d}"

    @classmethod
    def suppress(cls, email: str, reason: str, detail: str = "") -> "Suppression":
        """Suppress an address (a first reason is kept: an unsubscribe is not turned into a
        bounce)."""
        suppression, _created = cls.objects.get_or_create(
            email_hash=email_hash(email), defaults={"reason": reason, "detail": detail[:300]}
        )
        return suppression

    @classmethod
    def is_suppressed(cls, email: str) -> bool:
        return cls.objects.filter(email_hash=email_hash(email)).exists()


class Pitch(models.Model):
    """A release sent to chosen journalists, now or at the second it goes public."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("not sent yet")
        WAITING = "waiting", _("waiting for publication")
        QUEUED = "queued", _("sending")
        CANCELLED = "cancelled", _("cancelled")

    release = models.ForeignKey(
        PressRelease, on_delete=models.CASCADE, related_name="pitches", verbose_name=_("release")
    )
    subject = models.CharField(
        _("subject"), max_length=300, blank=True, help_text=_("The release's title if empty.")
    )
    note = models.TextField(
        _("personal note"), blank=True, help_text=_("A few lines above the release.")
    )
    lists = models.ManyToManyField(
        MediaList, blank=True, related_name="pitches", verbose_name=_("media lists")
    )
    contacts = models.ManyToManyField(
        Contact, blank=True, related_name="pitches", verbose_name=_("single journalists")
    )
    at_publication = models.BooleanField(
        _("send at publication"),
        default=False,
        help_text=_(
            "Sent in the second the release goes public (following a moved embargo), and "
            "cancelled if it is pulled back first."
        ),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.DRAFT, editable=False
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
        verbose_name=_("sent by"),
    )
    reply_to = models.EmailField(_("replies to"), blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    queued_at = models.DateTimeField(_("sent"), null=True, blank=True, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("pitch")
        verbose_name_plural = _("pitches")

    def __str__(self):
        return self.shown_subject

    @property
    def shown_subject(self) -> str:
        return self.subject or self.release.title


class PitchDelivery(models.Model):
    """The ledger: one row per recipient of a pitch, so each gets it exactly once."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting to be sent")
        SENT = "sent", _("sent")
        REFUSED = "refused", _("refused by the mail server")
        BOUNCED = "bounced", _("bounced")
        FAILED = "failed", _("not sent")

    pitch = models.ForeignKey(Pitch, on_delete=models.CASCADE, related_name="deliveries")
    contact = models.ForeignKey(
        Contact, on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )
    # Copied at queueing (what was sent to whom); emptied when the contact is erased.
    email = models.EmailField(_("e-mail"), blank=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    # The language version sent (the contact's language where there is one).
    release = models.ForeignKey(
        PressRelease, on_delete=models.CASCADE, related_name="+", verbose_name=_("version")
    )
    preview_link = models.ForeignKey(
        PreviewLink, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["pitch", "contact"], name="one_delivery_per_contact")
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="pitch_due"),
            # The worker takes the first pending mail again and again (see AlertDelivery).
            models.Index(fields=["id"], condition=models.Q(status="pending"), name="pitch_pending"),
        ]
        verbose_name = _("pitch e-mail")
        verbose_name_plural = _("pitch e-mails")

    def __str__(self):
        return f"{self.pitch} → {self.name or self.email or '–'}"


# WebSub: the hub's subscriptions and its ledgers of pushes and pings (in their own module).
from outreach.websub_models import *  # noqa: E402,F401,F403
