"""Counts per day, nothing else: no visitor, address, browser or cookie is stored."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from media.models import Image
from newsroom.models import PressRelease


class Channel(models.TextChoices):
    VIEW_DA = "view_da", _("Danish page")
    VIEW_EN = "view_en", _("English page")
    PDF = "pdf", _("PDF")
    API = "api", _("API")
    OEMBED = "oembed", _("oEmbed")


class ReleaseDayCount(models.Model):
    release = models.ForeignKey(PressRelease, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    channel = models.CharField(max_length=10, choices=Channel)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["release", "day", "channel"], name="one_count_a_day")
        ]
        indexes = [models.Index(fields=["day"], name="release_count_day")]
        verbose_name = _("release count")
        verbose_name_plural = _("release counts")

    def __str__(self):
        return f"{self.release_id} {self.day} {self.channel}: {self.count}"


class PhotoDayCount(models.Model):
    image = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["image", "day"], name="one_photo_count_a_day")
        ]
        verbose_name = _("press photo downloads")
        verbose_name_plural = _("press photo downloads")

    def __str__(self):
        return f"{self.image_id} {self.day}: {self.count}"


class FeedDayCount(models.Model):
    feed = models.CharField(max_length=300)  # its address, "/feeds/rss/"
    day = models.DateField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["feed", "day"], name="one_feed_count_a_day")]
        verbose_name = _("feed fetches")
        verbose_name_plural = _("feed fetches")

    def __str__(self):
        return f"{self.feed} {self.day}: {self.count}"


class FeedSubscribers(models.Model):
    """The latest number a feed aggregator reported in its User-Agent for one feed."""

    feed = models.CharField(max_length=300)
    aggregator = models.CharField(max_length=100)
    # An aggregator may follow one feed under several ids (http and https, say).
    feed_id = models.CharField(max_length=200, blank=True)
    subscribers = models.PositiveIntegerField()
    reported_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["feed", "aggregator", "feed_id"], name="one_report_per_aggregator"
            )
        ]
        verbose_name = _("feed subscribers")
        verbose_name_plural = _("feed subscribers")

    def __str__(self):
        return f"{self.aggregator} {self.feed}: {self.subscribers}"
