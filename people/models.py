import datetime
import uuid
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.images import plain_credit
from common.models import TimeStampedModel
from common.slugs import unique_slug
from organisations.models import Organisation
from people.dates import Precision, format_partial, last_day, normalise


def portrait_upload_to(instance, filename):
    return f"portraits/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class Person(TimeStampedModel):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(
        _("birth year"),
        null=True,
        blank=True,
        help_text=_("When only the year is known. Filled in from the birth date when given."),
    )
    portrait = models.ImageField(_("portrait"), upload_to=portrait_upload_to, blank=True)
    portrait_credit = models.CharField(_("portrait credit"), max_length=200, blank=True)
    bio = models.TextField(
        _("short bio"),
        blank=True,
        help_text=_('Free text added after the generated "Om" box. Roles belong in positions.'),
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    # Off by default: a person entered for an embargoed release must not appear before it.
    is_public = models.BooleanField(
        _("public without a release"),
        default=False,
        help_text=_(
            "Show this person's page (and on their organisations' pages) even before a "
            "published release names them, for example a board member. People in a published "
            "release are public anyway."
        ),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self):
        return self.name

    def clean(self):
        if self.portrait and not self.portrait_credit:
            raise ValidationError({"portrait_credit": _("A portrait needs a photographer credit.")})
        if self.birth_date and self.birth_year and self.birth_date.year != self.birth_year:
            raise ValidationError(
                {"birth_year": _("The birth year does not match the birth date.")}
            )

    def save(self, *args, **kwargs):
        self.portrait_credit = plain_credit(self.portrait_credit)
        if self.birth_date:
            self.birth_year = self.birth_date.year
        if not self.slug:
            self.slug = unique_slug(Person, self.name, instance_pk=self.pk)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("newsroom:person-detail", kwargs={"slug": self.slug})

    def age_on(self, day: datetime.date) -> int | None:
        """Age on the given day; with only a birth year, the age reached during that year."""
        if self.birth_date:
            before_birthday = (day.month, day.day) < (self.birth_date.month, self.birth_date.day)
            return day.year - self.birth_date.year - before_birthday
        if self.birth_year:
            return day.year - self.birth_year
        return None

    def biography_on(self, day: datetime.date, hidden_organisations=frozenset()):
        """The "Om <name>" box as it stood on the given day. Uses prefetched positions. Roles at
        `hidden_organisations` (ids) are left out: organisations not announced yet."""
        from people.biography import Biography

        return Biography.for_person(self, day, hidden_organisations)


class PositionQuerySet(models.QuerySet):
    def shown_on(self, day: datetime.date):
        """Those a person's page shows on that day: held then or ended by then, not future."""
        return self.filter(models.Q(start__isnull=True) | models.Q(start__lte=day))

    def held_on(self, day: datetime.date):
        return self.filter(
            models.Q(start__isnull=True) | models.Q(start__lte=day),
            models.Q(end__isnull=True, ended_undated=False) | models.Q(end_last_day__gte=day),
        )

    def chairs_first(self):
        """Chair and vice-chair before the members ("formand" sorts before "næstformand"),
        then by title and name."""
        chair_first = models.Case(models.When(kind="chair", then=0), default=1)
        return self.order_by(chair_first, "title", "person__name")


class Position(models.Model):
    """One line of a person's career: a role at an organisation for a period."""

    class Kind(models.TextChoices):
        EMPLOYMENT = "employment", _("Employment")
        BOARD = "board", _("Board seat")
        # A board's chair or vice-chair: listed with the board seats.
        CHAIR = "chair", _("Board chair or vice-chair")
        # Chair or member of a council or committee (råd, udvalg): listed with the roles.
        COUNCIL = "council", _("Council or committee")
        FELLOWSHIP = "fellowship", _("Fellowship or study")
        VOLUNTARY = "voluntary", _("Voluntary")

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="positions", verbose_name=_("person")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="positions",
        verbose_name=_("organisation"),
    )
    title = models.CharField(
        _("role title"), max_length=200, help_text=_("For example direktør, formand, ansat.")
    )
    title_en = models.CharField(
        _("role title in English"),
        max_length=200,
        blank=True,
        help_text=_("For English releases and pages, for example CEO. Empty: the Danish title."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, default=Kind.EMPLOYMENT)
    start = models.DateField(_("start"), null=True, blank=True)
    start_precision = models.CharField(
        _("start precision"), max_length=5, choices=Precision, default=Precision.DAY
    )
    end = models.DateField(_("end"), null=True, blank=True)
    end_precision = models.CharField(
        _("end precision"), max_length=5, choices=Precision, default=Precision.DAY
    )
    # The end is stored as the last day of its period, so "held on" is one comparison.
    end_last_day = models.DateField(editable=False, null=True)
    ended_undated = models.BooleanField(
        _("ended, date unknown"),
        default=False,
        help_text=_('For a former role whose end the sources do not give ("tidligere direktør").'),
    )
    note = models.CharField(
        _("note"),
        max_length=300,
        blank=True,
        help_text=_("A short addition shown after the role, for example what the person did."),
    )

    objects = PositionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["person", models.F("start").desc(nulls_last=True), "pk"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")

    def __str__(self):
        return f"{self.title}, {self.organisation.label}"

    def save(self, *args, **kwargs):
        if self.start:
            self.start = normalise(self.start, self.start_precision)
        if self.end:
            self.end = normalise(self.end, self.end_precision)
            self.end_last_day = last_day(self.end, self.end_precision)
        else:
            self.end_last_day = None
        super().save(*args, **kwargs)

    def clean(self):
        if self.end and self.ended_undated:
            raise ValidationError(
                {"ended_undated": _("Give either an end date or 'ended, date unknown', not both.")}
            )
        if self.start and self.end:
            # At the coarser precision: "2018" may end on "1.3.2018", "feb 2018" in February.
            start = normalise(self.start, self.start_precision)
            end = last_day(self.end, self.end_precision)
            if end < start:
                raise ValidationError({"end": _("The end comes before the start.")})

    def title_in(self, language: str) -> tuple[str, str]:
        """The title in the language asked for where there is one, else the Danish title:
        (text, the language it is in)."""
        if language == "en" and self.title_en:
            return self.title_en, "en"
        return self.title, "da"

    def is_held_on(self, day: datetime.date) -> bool:
        if self.start and self.start > day:
            return False
        if self.end_last_day:
            return self.end_last_day >= day
        return not self.ended_undated

    def has_ended_by(self, day: datetime.date) -> bool:
        if self.end_last_day:
            return self.end_last_day < day
        return self.ended_undated and not (self.start and self.start > day)

    def period_on(self, day: datetime.date) -> str:
        """The period as an "Om" box written on `day` gives it.

        A role that ends on that very day is still held, and says so: "fratræder 3. maj 2021".
        """
        from django.utils.translation import gettext

        if self.end_last_day == day:
            return gettext("leaves %(end)s") % {"end": format_partial(self.end, self.end_precision)}
        return self.period

    def dates_on_list(self, day: datetime.date) -> str:
        """What a list of those holding a role on `day` (an organisation's board) says of the
        dates: nothing when the role is simply held, "fratræder 3. maj 2021" on its last day,
        and the start or end as given when `day` falls inside it. A start known only as "2024"
        is not "since 1 January": on a board as of March 2024 it reads "fra 2024"."""
        from django.utils.translation import gettext

        if self.end_last_day == day:
            return self.period_on(day)
        start_unsure = (
            self.start is not None
            and self.start_precision != Precision.DAY
            and self.start <= day <= last_day(self.start, self.start_precision)
        )
        end_unsure = (
            self.end is not None
            and self.end_precision != Precision.DAY
            and self.end <= day <= (self.end_last_day or day)
        )
        if start_unsure and end_unsure:
            return self.period
        if start_unsure:
            start = format_partial(self.start, self.start_precision)
            return gettext("from %(start)s") % {"start": start}
        if end_unsure:
            return gettext("until %(end)s") % {"end": format_partial(self.end, self.end_precision)}
        return ""

    @property
    def period(self) -> str:
        """ "fra 1. februar 2018", "1995–1996" or "" when nothing is known."""
        from django.utils.translation import gettext

        start = format_partial(self.start, self.start_precision) if self.start else ""
        end = format_partial(self.end, self.end_precision) if self.end else ""
        if start and end:
            return f"{start}–{end}"
        if start:
            return gettext("from %(start)s") % {"start": start}
        if end:
            return gettext("until %(end)s") % {"end": end}
        return ""
