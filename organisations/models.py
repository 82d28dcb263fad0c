import uuid
from pathlib import PurePath

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.fields import RichTextField
from common.models import TimeStampedModel
from common.slugs import unique_slug


def logo_upload_to(instance, filename):
    # Random stored names: an uploader's file name never becomes a guessable URL.
    return f"logos/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class Organisation(TimeStampedModel):
    class Kind(models.TextChoices):
        TRADE_ASSOCIATION = "trade_association", _("Trade association")
        FOUNDATION = "foundation", _("Foundation")
        MINISTRY = "ministry", _("Ministry")
        UNIVERSITY = "university", _("University")
        COUNCIL = "council", _("Council")
        NGO = "ngo", _("Non-profit organisation")
        COMPANY = "company", _("Company")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(
        _("short name"), max_length=50, blank=True, help_text=_("For example LOS.")
    )
    slug = models.SlugField(_("slug"), max_length=200, unique=True, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind, default=Kind.OTHER)
    website = models.URLField(_("website"), blank=True)
    logo = models.ImageField(_("logo"), upload_to=logo_upload_to, blank=True)
    about = RichTextField(
        _("about"),
        blank=True,
        help_text=_('The boilerplate shown as "Om ..." after releases about this organisation.'),
    )
    about_en = RichTextField(
        _("about in English"),
        blank=True,
        help_text=_("For English releases and pages. Empty: the Danish text, marked as Danish."),
    )

    # Set when a release the public has not seen yet is the first to name the organisation
    # (newsroom.signals): a role there, on any person's page, must not announce it early.
    kept_back = models.BooleanField(
        _("kept back until announced"),
        default=False,
        help_text=_(
            "Set when a draft, scheduled or embargoed release was the first to name this "
            "organisation: roles there stay off public pages until a release about it is "
            "published. A Publisher can show it now with the action in the list."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        """ "LOS – Landsorganisationen for sociale tilbud", or just the name."""
        if self.short_name and self.short_name != self.name:
            return f"{self.short_name} – {self.name}"
        return self.name

    @property
    def label(self) -> str:
        """The short form used in running text and role lists."""
        return self.short_name or self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Organisation, self.short_name or self.name, instance_pk=self.pk)
        if self.pk:
            # The mark is set and lifted only by updates (newsroom.signals, a Publisher's
            # action): a stale form or a version restored from the history keeps it as stored.
            stored = Organisation.objects.filter(pk=self.pk).values_list("kept_back", flat=True)
            self.kept_back = next(iter(stored), self.kept_back)
        super().save(*args, **kwargs)

    def about_in(self, language: str) -> tuple[str, str]:
        """The "Om" text in the language asked for where there is one, else the Danish text:
        (html, the language it is in)."""
        if language == "en" and self.about_en:
            return self.about_en, "en"
        return self.about, "da"

    def get_absolute_url(self):
        return reverse("newsroom:organisation-detail", kwargs={"slug": self.slug})
