import uuid
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from common.images import plain_credit
from common.models import TimeStampedModel
from common.slugs import slugify_da
from common.uploads import validate_document_file, validate_image_file
from organisations.models import Organisation
from people.models import Person


def _random_name(folder: str, filename: str) -> str:
    # Random stored names: an uploader's file name never becomes a guessable URL.
    return f"{folder}/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


def image_upload_to(instance, filename):
    return _random_name("images", filename)


def master_upload_to(instance, filename):
    return _random_name("photos", filename)


def rendition_upload_to(instance, filename):
    return _random_name("renditions", filename)


def document_upload_to(instance, filename):
    return _random_name("documents", filename)


class MediaContactQuerySet(models.QuerySet):
    def listed(self):
        """Those the press office chose to show on the public contacts page."""
        return self.filter(is_active=True, is_listed=True)


class MediaContact(models.Model):
    """Whom a journalist calls: the "For yderligere oplysninger" block."""

    person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="media_contacts",
        verbose_name=_("person"),
    )
    name = models.CharField(
        _("name"), max_length=200, blank=True, help_text=_("Leave empty to use the person's name.")
    )
    title = models.CharField(
        _("title"), max_length=200, help_text=_("For example kommunikationskonsulent.")
    )
    title_en = models.CharField(
        _("title in English"),
        max_length=200,
        blank=True,
        help_text=_("For English releases and pages. Empty: the Danish title, marked as Danish."),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="media_contacts",
        verbose_name=_("organisation"),
    )
    # A journalist needs one way to reach the contact; many press offices give both.
    phone = models.CharField(_("direct phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive contacts are kept on old releases only.")
    )
    # Off by default: a contact made for an embargoed release must not appear before it.
    is_listed = models.BooleanField(
        _("listed on the contacts page"),
        default=False,
        help_text=_(
            "Shown with name, title, phone and e-mail on the public media contacts page, and "
            "downloadable as a vCard. A release's own contacts are shown on the release either way."
        ),
    )

    objects = MediaContactQuerySet.as_manager()

    class Meta:
        ordering = ["name", "person__name"]
        verbose_name = _("media contact")
        verbose_name_plural = _("media contacts")

    def __str__(self):
        return f"{self.display_name}, {self.title}"

    def clean(self):
        errors = {}
        if not self.person_id and not self.name:
            errors["name"] = _("Give a name or choose a person.")
        if not self.phone.strip() and not self.email.strip():
            message = _("Give a direct phone number or an e-mail address (or both).")
            errors["phone"] = errors["email"] = message
        if errors:
            raise ValidationError(errors)

    @property
    def display_name(self) -> str:
        return self.name or (self.person.name if self.person_id else "")

    def title_in(self, language: str | None) -> tuple[str, str]:
        """The title in the language asked for where there is one, else the Danish title:
        (text, the language it is in)."""
        if language == "en" and self.title_en:
            return self.title_en, "en"
        return self.title, "da"

    @property
    def shown_title(self) -> str:
        return self.title_in(get_language())[0]

    @property
    def shown_title_lang(self) -> str:
        return self.title_in(get_language())[1]

    @property
    def vcard_filename(self) -> str:
        return f"{slugify_da(self.display_name) or 'kontakt'}.vcf"

    def as_vcard(self, *, with_organisation: bool = True) -> str:
        """vCard 3.0 (RFC 2426), the version phones import most reliably."""

        def escape(value: str) -> str:
            # RFC 2426 text escaping; a stray line break could otherwise start a new property.
            value = value.replace("\r\n", "\n").replace("\r", "\n")
            return (
                value.replace("\\", "\\\\")
                .replace(",", "\\,")
                .replace(";", "\\;")
                .replace("\n", "\\n")
            )

        name = self.display_name
        given, _space, family = name.rpartition(" ")
        lines = [
            "BEGIN:VCARD",
            "VERSION:3.0",
            f"FN:{escape(name)}",
            f"N:{escape(family)};{escape(given)};;;",
            f"TITLE:{escape(self.title)}",
        ]
        if self.phone:
            lines.append(f"TEL;TYPE=WORK,VOICE:{escape(self.phone)}")
        if self.email:
            lines.append(f"EMAIL;TYPE=INTERNET,WORK:{escape(self.email)}")
        if self.organisation_id and with_organisation:
            lines.append(f"ORG:{escape(self.organisation.display_name)}")
            if self.organisation.website:
                lines.append(f"URL:{escape(self.organisation.website)}")
        lines.append("END:VCARD")
        return "\r\n".join(lines) + "\r\n"

    @property
    def phone_uri(self) -> str:
        """tel: link target: digits and a leading + only."""
        digits = "".join(ch for ch in self.phone if ch.isdigit() or ch == "+")
        return f"tel:{digits}"


# The usage terms a new photo starts with (stored in Danish, shown in the page's language).
DEFAULT_USAGE_TERMS = "Fri til redaktionel brug med kreditering af fotografen."


class Image(TimeStampedModel):
    """A press photo in the media library. Its credit stays with it wherever it is shown."""

    file = models.ImageField(
        _("file"),
        upload_to=image_upload_to,
        width_field="width",
        height_field="height",
        validators=[validate_image_file],
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    caption = models.TextField(_("caption"), blank=True)
    alt_text = models.CharField(
        _("alt text"),
        max_length=300,
        help_text=_("What the photo shows, for readers who cannot see it."),
    )
    # Shown on English pages and in English releases; where empty, the Danish text is shown,
    # marked as Danish.
    caption_en = models.TextField(_("caption in English"), blank=True)
    alt_text_en = models.CharField(_("alt text in English"), max_length=300, blank=True)
    # Blank only for pictures placed inside a body text; a press photo needs it (ReleaseImage).
    credit = models.CharField(
        _("photographer credit"),
        max_length=200,
        blank=True,
        help_text=_("Required: a press photo is never published without its credit."),
    )
    usage_terms = models.CharField(
        _("usage terms"),
        max_length=300,
        blank=True,
        default=DEFAULT_USAGE_TERMS,
    )
    # The public original: full size, upright, re-encoded by Pillow with the credit in its
    # EXIF and nothing else (no GPS). The upload itself is never linked publicly.
    master = models.ImageField(upload_to=master_upload_to, editable=False, blank=True)
    width = models.PositiveIntegerField(editable=False, null=True)
    height = models.PositiveIntegerField(editable=False, null=True)
    file_size = models.PositiveBigIntegerField(editable=False, null=True)
    mime_type = models.CharField(max_length=50, editable=False, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"
        verbose_name = _("image")
        verbose_name_plural = _("images")

    def __str__(self):
        return self.title or self.alt_text or self.file.name

    def save(self, *args, **kwargs):
        self.credit = plain_credit(self.credit)
        super().save(*args, **kwargs)

    def stored_names(self) -> list[str]:
        """The names of every file of this photo (upload, public master, renditions): how a
        rich text that shows it can be found."""
        names = [self.file.name, self.master.name if self.master else ""]
        names += list(self.renditions.values_list("file", flat=True))
        return [name for name in names if name]

    def caption_in(self, language: str | None) -> tuple[str, str]:
        """The caption in the language asked for where written, else the Danish one:
        (text, the language it is in)."""
        if language == "en" and self.caption_en:
            return self.caption_en, "en"
        return self.caption, "da"

    def alt_text_in(self, language: str | None) -> tuple[str, str]:
        if language == "en" and self.alt_text_en:
            return self.alt_text_en, "en"
        return self.alt_text, "da"

    # In the language being written (the page's, or the release's inside its article).
    @property
    def shown_caption(self) -> str:
        return self.caption_in(get_language())[0]

    @property
    def shown_caption_lang(self) -> str:
        return self.caption_in(get_language())[1]

    @property
    def shown_alt_text(self) -> str:
        return self.alt_text_in(get_language())[0]

    @property
    def shown_alt_text_lang(self) -> str:
        return self.alt_text_in(get_language())[1]

    @property
    def shown_usage_terms_lang(self) -> str:
        """Terms an editor wrote are Danish; the default ones are in the page's language."""
        return get_language() if self.usage_terms == DEFAULT_USAGE_TERMS else "da"

    @property
    def shown_usage_terms(self) -> str:
        """The usage terms in the page's language when they are the default ones; terms an
        editor wrote are shown as written."""
        if self.usage_terms == DEFAULT_USAGE_TERMS:
            return gettext("Free for editorial use with credit to the photographer.")
        return self.usage_terms

    @property
    def public_url(self) -> str:
        """The full-size public file (see `master`)."""
        return self.master.url if self.master else ""

    @property
    def download_filename(self) -> str:
        """A file name that carries the credit: "ny-direktoer-foto-camilla-hey.jpg"."""
        extension = PurePath(self.master.name or self.file.name).suffix.lower() or ".jpg"
        stem = slugify_da(self.title or self.alt_text)[:60].strip("-") or "pressefoto"
        credit = slugify_da(self.credit)
        return f"{stem}-foto-{credit}{extension}" if credit else f"{stem}{extension}"

    def rendition(self, width: int, image_format: str = "JPEG"):
        """The smallest stored rendition at least `width` wide, else the largest there is."""
        candidates = [r for r in self.renditions.all() if r.format == image_format]
        if not candidates:
            return None
        candidates.sort(key=lambda r: r.width)
        for candidate in candidates:
            if candidate.width >= width:
                return candidate
        return candidates[-1]

    @property
    def smallest_rendition(self):
        return self.rendition(0)

    @property
    def largest_rendition(self):
        return self.rendition(10**6)

    def srcset_webp(self) -> str:
        return self.srcset("WEBP")

    def srcset(self, image_format: str = "JPEG") -> str:
        return ", ".join(
            f"{r.file.url} {r.width}w"
            for r in sorted(self.renditions.all(), key=lambda r: r.width)
            if r.format == image_format
        )


class Rendition(models.Model):
    """A resized copy made by Pillow once and stored: EXIF orientation applied, metadata gone."""

    image = models.ForeignKey(Image, on_delete=models.CASCADE, related_name="renditions")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    format = models.CharField(max_length=10)
    file = models.ImageField(upload_to=rendition_upload_to)

    class Meta:
        ordering = ["image", "format", "width"]
        constraints = [
            models.UniqueConstraint(fields=["image", "format", "width"], name="unique_rendition")
        ]
        verbose_name = _("rendition")
        verbose_name_plural = _("renditions")

    def __str__(self):
        return f"{self.image} {self.width}w {self.format}"

    @property
    def mime_type(self) -> str:
        return f"image/{self.format.lower()}"


class Document(TimeStampedModel):
    file = models.FileField(
        _("file"), upload_to=document_upload_to, validators=[validate_document_file]
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    file_size = models.PositiveBigIntegerField(editable=False, null=True)
    original_name = models.CharField(max_length=255, editable=False, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        get_latest_by = "created_at"
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self):
        return self.title

    @property
    def download_filename(self) -> str:
        extension = PurePath(self.file.name).suffix.lower()
        return f"{slugify_da(self.title)[:80] or 'dokument'}{extension}"
