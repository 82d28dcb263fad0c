import datetime
import uuid

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.fields import RichTextField
from common.models import TimeStampedModel
from common.slugs import unique_slug
from common.validators import validate_single_line
from media.models import Document, Image, MediaContact
from newsroom.managers import PressReleaseQuerySet, unannounced_organisation_ids
from newsroom.record import contact_data, organisation_box, person_box
from organisations.models import Organisation
from people.models import Person


class Topic(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    # Shown on English pages and in English releases; where it is empty the Danish name is
    # shown, marked as Danish.
    name_en = models.CharField(_("name in English"), max_length=100, blank=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True, blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(Topic, self.name, instance_pk=self.pk)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("newsroom:topic-detail", kwargs={"slug": self.slug})

    def name_in(self, language: str | None) -> tuple[str, str]:
        """The name in the language asked for where there is one, else the Danish name:
        (text, the language it is in)."""
        if language == "en" and self.name_en:
            return self.name_en, "en"
        return self.name, "da"

    @property
    def shown_name(self) -> str:
        """The name in the language being written (the page's, or the release's)."""
        return self.name_in(translation.get_language())[0]

    @property
    def shown_name_lang(self) -> str:
        return self.name_in(translation.get_language())[1]


class PressRelease(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        # Like scheduled, and journalists may get preview links before the embargo lifts.
        EMBARGOED = "embargoed", _("Embargoed")
        PUBLISHED = "published", _("Published")
        UNPUBLISHED = "unpublished", _("Unpublished")

    # Statuses that are public once their publish time has come.
    RELEASED = ("scheduled", "embargoed", "published")

    # Feeds identify an entry by this, so editing the title or slug never re-announces it.
    guid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # Room for a long Danish headline; the admin counts the characters as they are typed.
    title = models.CharField(_("title"), max_length=300, validators=[validate_single_line])
    slug = models.SlugField(
        _("slug"),
        max_length=300,
        unique=True,
        blank=True,
        help_text=_("Made from the title when left empty."),
    )
    # Text that belongs to the release (its "Om" boxes, contact block, dates) is shown in this
    # language whatever the reader's interface language.
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default="da",
        help_text=_("The language the release is written in."),
    )
    original = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="versions",
        verbose_name=_("version of"),
        help_text=_(
            "For a version in another language: the release it is a version of. The two link "
            "to each other on their pages."
        ),
    )
    lead = models.TextField(
        _("lead"), help_text=_("The opening paragraph, shown in lists and feeds.")
    )
    body = RichTextField(_("body"))
    byline = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bylined_releases",
        verbose_name=_("byline"),
        help_text=_('Shown as "Af ...".'),
    )
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="releases", verbose_name=_("topics")
    )
    people = models.ManyToManyField(
        Person,
        through="ReleasePerson",
        blank=True,
        related_name="releases",
        verbose_name=_("people"),
    )
    organisations = models.ManyToManyField(
        Organisation,
        through="ReleaseOrganisation",
        blank=True,
        related_name="releases",
        verbose_name=_("organisations"),
    )
    images = models.ManyToManyField(
        Image,
        through="ReleaseImage",
        blank=True,
        related_name="releases",
        verbose_name=_("press photos"),
    )
    contacts = models.ManyToManyField(
        MediaContact,
        through="ReleaseContact",
        blank=True,
        related_name="releases",
        verbose_name=_("media contacts"),
    )
    documents = models.ManyToManyField(
        Document, blank=True, related_name="releases", verbose_name=_("documents")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.DRAFT)
    publish_at = models.DateTimeField(
        _("publish time"),
        null=True,
        blank=True,
        help_text=_("Europe/Copenhagen time. A scheduled release goes public at this second."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    # Set by the alert worker once this release's e-mail alerts are queued.
    alerts_queued_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Optimistic locking: every save and every admin action moves it on by one.
    version = models.PositiveIntegerField(default=1, editable=False)
    # The "Om" boxes, boilerplate and contact block as they stood when it was published.
    record = models.JSONField(null=True, blank=True, editable=False)
    # Whether the public has ever seen it: a withdrawn release answers 410 only if so.
    was_public = models.BooleanField(default=False, editable=False)
    # Full-text search on PostgreSQL (danish configuration); kept up to date by save().
    search_vector = SearchVectorField(null=True, editable=False)

    objects = PressReleaseQuerySet.as_manager()
    history = HistoricalRecords(
        m2m_fields=[topics], excluded_fields=["alerts_queued_at", "search_vector"]
    )

    class Meta:
        ordering = [models.F("publish_at").desc(nulls_first=True), "-pk"]
        get_latest_by = "publish_at"
        verbose_name = _("press release")
        verbose_name_plural = _("press releases")
        indexes = [
            # What is public, answered from the index alone (counts, years, "published ids" in
            # subqueries), never by reading the wide rows with their bodies.
            models.Index(fields=["status", "publish_at", "id"], name="release_published"),
            # Newest first, and the neighbours of a release: read backwards, ten rows at a time.
            models.Index(fields=["publish_at", "id"], name="release_publish_order"),
        ]
        permissions = [
            ("publish_pressrelease", _("Can schedule, publish, unpublish and correct releases")),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(PressRelease, self.title, instance_pk=self.pk)
        if self.status == self.Status.PUBLISHED and not self.publish_at:
            self.publish_at = timezone.now()
        if self.publish_at:
            # Publication is to the second: feeds, <time> and the "same second" promise.
            self.publish_at = self.publish_at.replace(microsecond=0)
        stored = None
        if self.pk:
            stored = (
                PressRelease.objects.filter(pk=self.pk)
                .values("slug", "status", "publish_at", "version", "record", "was_public")
                .first()
            )
        if stored:
            # Counted from the stored row, so a restore from history never moves it back.
            self.version = stored["version"] + 1
            if self.record is None and stored["record"] and self.status in self.RELEASED:
                self.record = stored["record"]  # a restored old copy keeps the frozen record
            self.was_public = stored["was_public"] or (
                stored["status"] in self.RELEASED
                and stored["publish_at"] is not None
                and stored["publish_at"] <= timezone.now()
            )
            self._remember_old_slug(stored)
        super().save(*args, **kwargs)
        if (
            stored
            and stored["publish_at"]
            and self.publish_at
            and stored["publish_at"] != self.publish_at
            and self.status in (self.Status.SCHEDULED, self.Status.EMBARGOED)
        ):
            # Preview links issued "until it goes public" follow the embargo when it moves; a
            # link that has already ended stays ended.
            PreviewLink.objects.filter(
                release=self, expires_at=stored["publish_at"], expires_at__gt=timezone.now()
            ).update(expires_at=self.publish_at)
        from newsroom.search import update_search_vector

        update_search_vector([self.pk])

    def get_absolute_url(self):
        return reverse("newsroom:release-detail", kwargs={"slug": self.slug})

    @property
    def canonical_url(self) -> str:
        """The address search engines and shares should use: in the release's own language's
        interface (an English release under /en/), whichever interface it is read in."""
        with translation.override(self.language):
            return self.get_absolute_url()

    def clean(self):
        if self.status in {self.Status.SCHEDULED, self.Status.EMBARGOED} and not self.publish_at:
            raise ValidationError(
                {"publish_at": _("A scheduled or embargoed release needs a publish time.")}
            )
        self._check_original()

    def _check_original(self):
        """A version points at an original in another language, itself no version, and each
        language has one version."""
        original = self.original
        if original is None:
            return
        if original.pk == self.pk:
            raise ValidationError({"original": _("A release cannot be a version of itself.")})
        if original.original_id:
            raise ValidationError(
                {"original": _("Choose the original release, not another version of it.")}
            )
        if self.pk and self.versions.exists():
            raise ValidationError(
                {"original": _("This release has versions of its own, so it is an original.")}
            )
        if original.language == self.language:
            raise ValidationError(
                {"original": _("The original must be in another language than this version.")}
            )
        taken = original.versions.filter(language=self.language).exclude(pk=self.pk)
        if taken.exists():
            raise ValidationError(
                {
                    "original": _("%(original)s already has a version in this language: %(taken)s.")
                    % {"original": original.title, "taken": taken.first().title}
                }
            )

    def published_versions(self) -> list:
        """This story's other published language versions (the original and its versions)."""
        root_id = self.original_id or self.pk
        return list(
            PressRelease.objects.published()
            .filter(models.Q(pk=root_id) | models.Q(original_id=root_id))
            .exclude(pk=self.pk)
            .only("title", "slug", "language", "original_id")
        )

    def get_preview_url(self):
        return reverse("newsroom:release-preview", kwargs={"pk": self.pk})

    def _remember_old_slug(self, stored):
        """A published release keeps answering at its old address (301)."""
        if stored["slug"] != self.slug and stored["status"] in self.RELEASED:
            ReleaseSlug.objects.get_or_create(slug=stored["slug"], defaults={"release": self})
            ReleaseSlug.objects.filter(slug=self.slug).delete()

    @property
    def is_published(self) -> bool:
        """True if the public may see it now."""
        return (
            self.status in self.RELEASED
            and self.publish_at is not None
            and self.publish_at <= timezone.now()
        )

    @property
    def seen_by_public(self) -> bool:
        """True if the public sees it now or has seen it before."""
        return self.was_public or self.is_published

    @property
    def is_corrected(self) -> bool:
        return bool(self.corrections.all())

    @property
    def release_date(self):
        """The day the release speaks from, in Copenhagen: its "Om" boxes are as of this day."""
        moment = self.publish_at or timezone.now()
        return timezone.localtime(moment).date()

    # The helpers below read prefetched links (see PressReleaseQuerySet.for_page).
    @cached_property
    def ordered_quotes(self) -> list:
        """The quotes, each with the speaker's page (`person_url`) when the release is about
        them: a person only quoted is named, not made public."""
        about = {box.get("pk") for box in self.about_boxes if box["kind"] == "person"}
        quotes = list(self.quotes.all())
        for quote in quotes:
            in_boxes = quote.person_id and quote.person_id in about
            quote.person_url = quote.person.get_absolute_url() if in_boxes else ""
        return quotes

    @cached_property
    def ordered_images(self) -> list[Image]:
        return [link.image for link in self.image_links.all()]

    @property
    def lead_image(self) -> Image | None:
        images = self.ordered_images
        return images[0] if images else None

    @cached_property
    def ordered_contacts(self) -> list[dict]:
        """The contact block: frozen at publication, otherwise as the contacts stand now."""
        if self.record:
            return self.record["contacts"]
        return self.contacts_now()

    @cached_property
    def about_boxes(self) -> list[dict]:
        """People first, then organisations, each in the order the editor chose.

        Frozen at publication (see update_record), so a later edit of a person or an
        organisation never rewrites what an old release said.
        """
        if self.record:
            return self.record["about"]
        return self.about_boxes_on(self.release_date)

    def about_boxes_on(self, day) -> list[dict]:
        """The "Om" boxes written from today's data as of `day` (the record not consulted)."""
        if self.pk is None:
            return []  # not saved yet, so nobody is linked (a record frozen before the insert)
        organisation_links = list(self.organisation_links.all())
        hidden = self.hidden_organisation_ids(organisation_links)
        boxes = [
            person_box(link.person, link.person.biography_on(day, hidden))
            for link in self.person_links.all()
        ]
        boxes += [organisation_box(link.organisation) for link in organisation_links]
        return boxes

    # Replaced by a shared, once-only lookup when a list is fetched (prefetch_live_parts).
    unannounced_organisation_ids = staticmethod(unannounced_organisation_ids)

    def hidden_organisation_ids(self, organisation_links=None) -> frozenset:
        """Organisations whose roles this release's boxes leave out: those another coming
        release will announce. The release's own are never hidden: it announces them."""
        if organisation_links is None:
            organisation_links = self.organisation_links.all()
        own = {link.organisation_id for link in organisation_links} | {self.byline_id}
        return self.unannounced_organisation_ids() - own

    def contacts_now(self) -> list[dict]:
        if self.pk is None:
            return []
        return [contact_data(link.contact) for link in self.contact_links.all()]

    @property
    def record_as_of(self):
        """The day the frozen "Om" boxes were written as of (None when nothing is frozen)."""
        if not self.record:
            return None
        as_of = self.record.get("as_of")
        return datetime.date.fromisoformat(as_of) if as_of else self.release_date

    def update_record(self, *, refresh: bool = False) -> None:
        """Freeze the "Om" boxes and contact block, or bring a frozen record in line with the
        release's own links.

        The record protects a public release from later edits *elsewhere* (a person's
        positions, an organisation's "Om" text), not from edits to the release itself: people,
        organisations and contacts added to it get their box as of the release date, removed
        ones go, the others stay as frozen. Everything is written afresh when the release has
        never been public, when its date moved, or when `refresh` asks for today's data.
        """
        for cached in ("about_boxes", "ordered_contacts"):
            self.__dict__.pop(cached, None)
        day = self.release_date
        with translation.override(self.language):
            about, contacts = self.about_boxes_on(day), self.contacts_now()
        old = self.record
        if old and self.seen_by_public and not refresh and self.record_as_of == day:
            about = _keep_frozen(about, old.get("about", []), keys=_box_keys)
            contacts = _keep_frozen(contacts, old.get("contacts", []), keys=_contact_keys)
        self.record = {"as_of": day.isoformat(), "about": about, "contacts": contacts}

    def freeze_record(self):
        """Fix the "Om" boxes and the contact block as they stand on the release date."""
        self.update_record(refresh=True)


def _box_keys(box: dict) -> list[tuple]:
    # Records written before boxes carried a pk are matched by slug.
    return [("pk", box["kind"], box.get("pk")), ("slug", box["kind"], box["slug"])]


def _contact_keys(contact: dict) -> list[tuple]:
    return [("pk", contact.get("pk")), ("name", contact["name"], contact["email"])]


def _keep_frozen(fresh: list[dict], frozen: list[dict], *, keys) -> list[dict]:
    """The fresh entries in the release's order, each replaced by its frozen copy if any."""
    frozen_by_key = {}
    for entry in frozen:
        for key in keys(entry):
            if key[1] is not None:
                frozen_by_key.setdefault(key, entry)
    result = []
    for entry in fresh:
        old = next((frozen_by_key[k] for k in keys(entry) if k in frozen_by_key), None)
        result.append({**old, "pk": entry["pk"]} if old else entry)
    return result


class ReleaseSlug(models.Model):
    """An earlier address of a published release; it answers with a permanent redirect."""

    release = models.ForeignKey(PressRelease, on_delete=models.CASCADE, related_name="old_slugs")
    slug = models.SlugField(max_length=300, unique=True)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("earlier address")
        verbose_name_plural = _("earlier addresses")

    def __str__(self):
        return self.slug


class ReleaseSourceQuerySet(models.QuerySet):
    def redirecting(self, path: str):
        """The imported release that answers at `path` of the site it came from, if public."""
        return self.filter(
            redirect_from=path, release__in=PressRelease.objects.published()
        ).select_related("release")


class ReleaseSource(models.Model):
    """Where an imported release came from (newsroom.importer, `manage.py import_feed`).

    The entry's id in the old feed is kept as it was and our feeds go on using it, so a feed
    reader that followed the old newsroom sees no entry twice; importing the same feed again
    finds the release by it.
    """

    release = models.OneToOneField(
        PressRelease, on_delete=models.CASCADE, related_name="source", verbose_name=_("release")
    )
    guid = models.CharField(_("id in the old feed"), max_length=1000, unique=True)
    original_url = models.URLField(_("original address"), max_length=1000, blank=True)
    # The path of original_url when its old site now points here (import_feed --redirects).
    redirect_from = models.CharField(
        _("old path that redirects here"), max_length=1000, unique=True, null=True, blank=True
    )
    # Entry content as last imported: an unchanged entry is not written (nor its image fetched)
    # again, and a changed one is.
    image_url = models.URLField(max_length=1000, blank=True)
    fingerprint = models.CharField(max_length=64)
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ReleaseSourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("imported from")
        verbose_name_plural = _("imported from")

    def __str__(self):
        return self.original_url or self.guid


class Correction(models.Model):
    """A public note that a published release was corrected ("Rettet 4. maj 2021: ...")."""

    release = models.ForeignKey(PressRelease, on_delete=models.CASCADE, related_name="corrections")
    note = models.CharField(_("public note"), max_length=500)
    created_at = models.DateTimeField(_("corrected"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("corrected by"),
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        ordering = ["created_at", "pk"]
        get_latest_by = "created_at"
        verbose_name = _("correction")
        verbose_name_plural = _("corrections")

    def __str__(self):
        return self.note


class OrderedLink(models.Model):
    """A release's link to something it shows in an order the editor chooses."""

    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        abstract = True
        ordering = ["order", "pk"]


class ReleasePerson(OrderedLink):
    release = models.ForeignKey(PressRelease, on_delete=models.CASCADE, related_name="person_links")
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="release_links", verbose_name=_("person")
    )

    class Meta(OrderedLink.Meta):
        constraints = [
            models.UniqueConstraint(fields=["release", "person"], name="unique_release_person")
        ]
        verbose_name = _("person the release is about")
        verbose_name_plural = _("people the release is about")

    def __str__(self):
        return str(self.person)


class QuoteQuerySet(models.QuerySet):
    def public(self):
        return self.filter(release__in=PressRelease.objects.published())


class Quote(OrderedLink):
    """Something said, by whom and in which role: a person from the database, whose role on the
    release's date is read from their positions, or someone outside it, named in free text."""

    release = models.ForeignKey(PressRelease, on_delete=models.CASCADE, related_name="quotes")
    text = models.TextField(_("quote"))
    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quotes",
        verbose_name=_("person"),
    )
    speaker = models.CharField(
        _("or: name of someone not in the database"), max_length=200, blank=True
    )
    role = models.CharField(
        _("role"),
        max_length=300,
        blank=True,
        help_text=_(
            "Leave empty for a person from the database: it is filled in with the role the "
            "person held on the release's date."
        ),
    )

    objects = QuoteQuerySet.as_manager()

    class Meta(OrderedLink.Meta):
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")

    def __str__(self):
        return f"{self.speaker_name}: {self.text[:60]}"

    @property
    def speaker_name(self) -> str:
        return self.person.name if self.person_id else self.speaker

    def clean(self):
        if self.person_id and self.speaker.strip():
            raise ValidationError(
                {"person": _("Choose a person from the database or write a name, not both.")}
            )
        if not self.person_id and not self.speaker.strip():
            raise ValidationError(
                {
                    "person": _(
                        "Say who is quoted: choose a person from the database or write a name."
                    )
                }
            )

    def fill_role(self, day: datetime.date, language: str = "da") -> None:
        """The person's role on the day, as their "Om" box names it, "title, organisation", in
        the release's language where written: a role at an organisation the release is about
        (or by) first - the new chair quoted in a board release speaks as chair - else the
        first current role, else the first board seat."""
        if self.role or not self.person_id:
            return
        biography = self.person.biography_on(day, self.release.hidden_organisation_ids())
        positions = biography.current_roles + biography.board_seats
        release_organisations = set(
            self.release.organisation_links.values_list("organisation_id", flat=True)
        ) | {self.release.byline_id}
        positions.sort(key=lambda p: p.organisation_id not in release_organisations)
        if positions:
            title, _language = positions[0].title_in(language)
            self.role = f"{title}, {positions[0].organisation.label}"


class ReleaseOrganisation(OrderedLink):
    release = models.ForeignKey(
        PressRelease, on_delete=models.CASCADE, related_name="organisation_links"
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="release_links",
        verbose_name=_("organisation"),
    )

    class Meta(OrderedLink.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["release", "organisation"], name="unique_release_organisation"
            )
        ]
        verbose_name = _("organisation the release is about")
        verbose_name_plural = _("organisations the release is about")

    def __str__(self):
        return str(self.organisation)


class ReleaseImage(OrderedLink):
    release = models.ForeignKey(PressRelease, on_delete=models.CASCADE, related_name="image_links")
    image = models.ForeignKey(
        Image, on_delete=models.PROTECT, related_name="release_links", verbose_name=_("image")
    )
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("The first photo is the lead photo.")
    )

    class Meta(OrderedLink.Meta):
        constraints = [
            models.UniqueConstraint(fields=["release", "image"], name="unique_release_image")
        ]
        verbose_name = _("press photo")
        verbose_name_plural = _("press photos")

    def __str__(self):
        return str(self.image)

    def clean(self):
        if self.image_id and not self.image.credit.strip():
            raise ValidationError(
                {"image": _("A press photo cannot be published without a photographer credit.")}
            )


class ReleaseContact(OrderedLink):
    release = models.ForeignKey(
        PressRelease, on_delete=models.CASCADE, related_name="contact_links"
    )
    contact = models.ForeignKey(
        MediaContact,
        on_delete=models.PROTECT,
        related_name="release_links",
        verbose_name=_("media contact"),
    )

    class Meta(OrderedLink.Meta):
        constraints = [
            models.UniqueConstraint(fields=["release", "contact"], name="unique_release_contact")
        ]
        verbose_name = _("media contact")
        verbose_name_plural = _("media contacts")

    def __str__(self):
        return str(self.contact)


class SubscriptionQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def matching(self, release: PressRelease):
        """Confirmed subscribers who asked for this release: all, or one of its topics or
        organisations (those it is about, and its byline)."""
        organisation_ids = [link.organisation_id for link in release.organisation_links.all()]
        if release.byline_id:
            organisation_ids.append(release.byline_id)
        return (
            self.confirmed()
            .filter(
                models.Q(all_releases=True)
                | models.Q(topics__in=release.topics.all())
                | models.Q(organisations__in=organisation_ids)
            )
            .distinct()
        )


class Subscription(models.Model):
    """A journalist's e-mail alert. Personal data: only the address and the choices are kept."""

    email = models.EmailField(_("e-mail"), unique=True)
    all_releases = models.BooleanField(_("all press releases"), default=True)
    topics = models.ManyToManyField(
        Topic, blank=True, related_name="subscriptions", verbose_name=_("topics")
    )
    organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="subscriptions", verbose_name=_("organisations")
    )
    language = models.CharField(_("language"), max_length=10, default="da")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("e-mail subscription")
        verbose_name_plural = _("e-mail subscriptions")

    def __str__(self):
        return self.email


class AlertDelivery(models.Model):
    """One alert to one subscriber about one release: the unique row makes sending exactly-once."""

    release = models.ForeignKey(PressRelease, on_delete=models.CASCADE, related_name="alerts")
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="alerts")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # A refused address must not hold up everyone else: failures wait, then give up.
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["release", "subscription"], name="one_alert_per_release_and_subscriber"
            )
        ]
        indexes = [
            models.Index(fields=["sent_at"]),
            # The worker takes the first unsent alert, again and again: without this it would
            # step over every sent one each time (an alert round to 50,000 slowed to a crawl).
            models.Index(
                fields=["id"],
                condition=models.Q(sent_at__isnull=True, failed_at__isnull=True),
                name="alert_pending",
            ),
        ]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")

    def __str__(self):
        return f"{self.release} → {self.subscription}"


class PreviewLinkQuerySet(models.QuerySet):
    def usable(self):
        """Not revoked, not expired, the release not withdrawn and not public yet (a preview
        is for the time before; afterwards the link leads to the public page)."""
        now = timezone.now()
        return self.filter(
            revoked_at__isnull=True,
            expires_at__gt=now,
            release__status__in=PressRelease.RELEASED,
            release__publish_at__gt=now,
        )


class PreviewLink(models.Model):
    """An embargo preview for one journalist: unguessable, expiring, revocable, logged.

    Only a hash of the token is stored, so the database alone cannot open a preview.
    """

    release = models.ForeignKey(
        PressRelease,
        on_delete=models.CASCADE,
        related_name="preview_links",
        verbose_name=_("press release"),
    )
    name = models.CharField(_("journalist"), max_length=200)
    email = models.EmailField(_("e-mail"))
    outlet = models.CharField(_("outlet"), max_length=200)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        editable=False,
        related_name="+",
    )

    objects = PreviewLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("embargo preview link")
        verbose_name_plural = _("embargo preview links")

    def __str__(self):
        return f"{self.name} ({self.outlet})"


class PreviewOpening(models.Model):
    link = models.ForeignKey(PreviewLink, on_delete=models.CASCADE, related_name="openings")
    opened_at = models.DateTimeField(_("opened"), auto_now_add=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("opening")
        verbose_name_plural = _("openings")

    def __str__(self):
        return f"{self.link} {self.opened_at:%Y-%m-%d %H:%M}"


class RenderedPart(models.Model):
    """A part of a public page about one release (its article, its card in lists, its feed
    entry), kept as rendered HTML so the next request need not fetch and render it again.

    It is used only while the content version it was rendered under is current and the next
    scheduled publication it knew of has not come (newsroom.parts): any change to public
    content, and any release going public, has every part rendered afresh on its next use.
    """

    release = models.ForeignKey(PressRelease, on_delete=models.CASCADE, related_name="+")
    # The part and the interface language it is written in: "article:da", "card:en", ...
    name = models.CharField(max_length=40)
    content_version = models.BigIntegerField()
    valid_until = models.DateTimeField(null=True)
    # The code and templates that rendered it (newsroom.parts.render_build): during a rolling
    # deploy old and new processes each use only their own.
    build = models.CharField(max_length=16, default="")
    html = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["release", "name"], name="one_rendered_part_per_name")
        ]

    def __str__(self):
        return f"{self.name} of release {self.release_id} (content version {self.content_version})"
