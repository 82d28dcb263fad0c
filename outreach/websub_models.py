"""WebSub (W3C Recommendation): the newsroom's own hub keeps its subscribers here, the
requests waiting for their verification of intent, and the ledgers of pushes and pings.

Imported at the bottom of outreach/models.py, so the models belong to the outreach app.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from newsroom.models import PressRelease

URL_LENGTH = 2000


class WebSubTopic(models.Model):
    """What a topic URL names: one of the newsroom's feeds. Kept with a subscription (and a
    request), so a changed release finds the subscribers of its feeds by an index."""

    topic = models.URLField(_("topic"), max_length=URL_LENGTH)
    # "" for the newsroom's own feeds (all releases), else emner, organisationer or personer.
    scope = models.CharField(max_length=20, blank=True)
    slug = models.CharField(max_length=300, blank=True)

    class Meta:
        abstract = True


class WebSubSubscription(WebSubTopic):
    """A verified subscription: the feed's new content is POSTed to the callback until the
    lease ends (then the row is deleted)."""

    callback = models.URLField(_("callback"), max_length=URL_LENGTH)
    # Signs each delivery (X-Hub-Signature: sha256=...). The spec keeps it under 200 bytes.
    secret = models.CharField(max_length=200, blank=True)
    lease_seconds = models.PositiveIntegerField(_("lease seconds"))
    expires_at = models.DateTimeField(_("expires"), db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    verified_at = models.DateTimeField(_("verified"))
    # The SHA-256 of the feed body last delivered: a feed that did not change is not sent again.
    delivered_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "callback"], name="one_websub_subscription_per_callback"
            )
        ]
        indexes = [models.Index(fields=["scope", "slug"], name="websub_subscription_feed")]
        verbose_name = _("WebSub subscription")
        verbose_name_plural = _("WebSub subscriptions")

    def __str__(self):
        return f"{self.topic} → {self.callback}"


class WebSubRequest(WebSubTopic):
    """A subscribe or unsubscribe request waiting for its verification of intent (a task GETs
    the callback with a challenge); deleted once verified or refused."""

    class Mode(models.TextChoices):
        SUBSCRIBE = "subscribe", _("subscribe")
        UNSUBSCRIBE = "unsubscribe", _("unsubscribe")

    mode = models.CharField(max_length=20, choices=Mode)
    callback = models.URLField(max_length=URL_LENGTH)
    secret = models.CharField(max_length=200, blank=True)
    lease_seconds = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("WebSub request")
        verbose_name_plural = _("WebSub requests")

    def __str__(self):
        return f"{self.mode} {self.topic} → {self.callback}"


class WebSubDelivery(models.Model):
    """The ledgers' common columns: each row is claimed with SELECT ... FOR UPDATE SKIP LOCKED,
    sent, and marked in one transaction; a failure waits (1, 2, 4 ... minutes) and gives up
    after a few attempts."""

    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


PENDING = Q(sent_at__isnull=True, failed_at__isnull=True)


class WebSubPush(WebSubDelivery):
    """One delivery of a feed's content to one subscriber. A subscriber has at most one row
    waiting that no worker is sending: a later change joins it (it sends the feed as it is
    when it goes out)."""

    subscription = models.ForeignKey(
        WebSubSubscription, on_delete=models.CASCADE, related_name="pushes"
    )

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["next_attempt_at"], condition=PENDING, name="websub_due")]
        verbose_name = _("WebSub push")
        verbose_name_plural = _("WebSub pushes")

    def __str__(self):
        return f"{self.subscription} ({self.created_at:%Y-%m-%d %H:%M:%S})"


class WebSubPing(WebSubDelivery):
    """With an outside hub (WEBSUB_HUB_URL): one "publish" ping for one changed feed."""

    topic = models.URLField(max_length=URL_LENGTH)

    class Meta:
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=PENDING, name="websub_ping_due")
        ]
        verbose_name = _("WebSub ping")
        verbose_name_plural = _("WebSub pings")

    def __str__(self):
        return self.topic


class WebSubReleaseState(models.Model):
    """Each release as the WebSub round last saw it (its version and whether it was public), so
    a release that went public, was edited, corrected or withdrawn is noticed once."""

    release = models.OneToOneField(
        PressRelease, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    version = models.PositiveIntegerField()
    public = models.BooleanField()

    class Meta:
        verbose_name = _("WebSub release state")
        verbose_name_plural = _("WebSub release states")

    def __str__(self):
        return f"{self.release_id} v{self.version} {'public' if self.public else 'not public'}"


class WebSubWatch(models.Model):
    """One row: how far the WebSub round has looked (releases saved or going public since)."""

    checked_at = models.DateTimeField()

    class Meta:
        verbose_name = _("WebSub watch")
        verbose_name_plural = _("WebSub watch")

    def __str__(self):
        return f"{self.checked_at:%Y-%m-%d %H:%M:%S}"
