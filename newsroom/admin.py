import csv
from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.postgres.search import SearchQuery
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models, transaction
from django.db.models import Count, Max
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from common.admin import (
    CHARCOUNT_JS,
    AutoSlugAdminMixin,
    EstimatedCountPaginator,
    ReadableHistoryAdminMixin,
    count_characters,
    describe_split_datetime,
)
from common.generation import content_changed
from common.richtext import sanitize_html
from common.templatetags.site import with_zone
from media.admin import DocumentAdmin, ImageAdmin, MediaContactAdmin, thumbnail
from media.models import Document, Image, MediaContact
from newsroom import (
    services,
    staff,  # noqa: F401 (the user admin: roles give staff status)
)
from newsroom.admin_word_import import word_import_urls
from newsroom.checks import library_images_in, problems_html, publication_problems
from newsroom.content_checks import content_checks_html, release_warnings
from newsroom.managers import public_media_contacts, public_organisations
from newsroom.models import (
    Correction,
    PressRelease,
    PreviewLink,
    PreviewOpening,
    Quote,
    ReleaseContact,
    ReleaseImage,
    ReleaseOrganisation,
    ReleasePerson,
    ReleaseSource,
    Subscription,
    Topic,
)
from newsroom.search import SEARCH_CONFIG
from newsroom.slugs import earlier_address_owner
from organisations.admin import OrganisationAdmin
from organisations.models import Organisation


@admin.register(Topic)
class TopicAdmin(AutoSlugAdminMixin, admin.ModelAdmin):
    list_display = ["name", "name_en", "slug"]
    search_fields = ["name", "name_en"]
    prepopulated_fields = {"slug": ["name"]}


class OrderedInline(admin.TabularInline):
    extra = 0
    fields = ["order"]


class ReleaseImageInline(OrderedInline):
    model = ReleaseImage
    autocomplete_fields = ["image"]
    fields = ["image", "order"]


class ReleaseContactInline(OrderedInline):
    model = ReleaseContact
    autocomplete_fields = ["contact"]
    fields = ["contact", "order"]


class ReleasePersonInline(OrderedInline):
    model = ReleasePerson
    autocomplete_fields = ["person"]
    fields = ["person", "order"]


class ReleaseOrganisationInline(OrderedInline):
    model = ReleaseOrganisation
    autocomplete_fields = ["organisation"]
    fields = ["organisation", "order"]


class QuoteInline(OrderedInline):
    model = Quote
    autocomplete_fields = ["person"]
    fields = ["text", "person", "speaker", "role", "order"]
    formfield_overrides = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3})}}


# What the release says, in the order the form shows it; publishing fields follow.
CONTENT_FIELDS = [
    "title",
    "slug",
    "language",
    "original",
    "lead",
    "body",
    "byline",
    "topics",
    "documents",
]


class PressReleaseForm(forms.ModelForm):
    """Refuses a save based on an out-of-date copy (optimistic locking), and keeps
    publishing to Publishers."""

    edit_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Only on releases the public has seen (removed in __init__ otherwise).
    refresh_record = forms.BooleanField(
        label=_('Refresh the "Om" boxes and contact block from today\'s data'),
        required=False,
        help_text=_(
            "Rewrites every box as of the release date with the people's and organisations' "
            "data as it is now. The public sees a correction note, so write one below."
        ),
    )
    correction_note = forms.CharField(
        label=_("Public correction note"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    # Only where the body shows photos from the media library that are not press photos yet
    # (a Word import's pictures); removed in __init__ otherwise.
    press_photos_from_body = forms.ModelMultipleChoiceField(
        label=_("Make press photo"),
        queryset=Image.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Pictures in the body (from a Word import or the editor) that are not press photos "
            "yet. A ticked one is added after the press photos above (the first press photo "
            "is the lead photo). It needs its photographer credit first."
        ),
    )

    class Meta:
        model = PressRelease
        fields = [*CONTENT_FIELDS, "status", "publish_at"]

    class Media:
        js = [CHARCOUNT_JS]
        css = {"all": ["css/admin-release.css"]}

    # Set by the admin on the history's restore view.
    restoring = False

    def __init__(self, *args, **kwargs):
        instance = kwargs.get("instance")
        if self.restoring and instance is not None and (kwargs.get("data") is not None or args):
            # A restore is measured against the stored release, like any edit: what differs
            # is what changes, and an identical version saves nothing.
            kwargs["instance"] = PressRelease.objects.get(pk=instance.pk)
        super().__init__(*args, **kwargs)
        if "title" in self.fields:
            count_characters(self.fields["title"], PressRelease._meta.get_field("title").max_length)
        if self.instance.pk and not self.is_bound:
            # From the stored row: the history view hands us an old copy of the release.
            self.initial["edit_version"] = (
                PressRelease.objects.filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )
        if not self.instance.seen_by_public:
            del self.fields["refresh_record"]
            del self.fields["correction_note"]
        else:
            self.fields["correction_note"].help_text = self.correction_help_text()
        offered = [] if self.restoring else body_pictures_to_offer(self.instance)
        if offered:
            field = self.fields["press_photos_from_body"]
            field.queryset = Image.objects.filter(pk__in=[image.pk for image in offered])
            field.label_from_instance = offered_picture_label
        else:
            del self.fields["press_photos_from_body"]
        if self.restoring and "status" in self.fields:
            self.fields["status"].help_text = _(
                "Restoring brings back this version's text. The status and time shown are "
                "the release's own today: change them only to publish or withdraw it."
            )
        if "publish_at" in self.fields:
            self.fields["publish_at"].help_text = _(
                "Copenhagen time (CET in winter, CEST in summer). "
                "A scheduled or embargoed release goes public at this second."
            )
            describe_split_datetime(self.fields["publish_at"])

    def clean_press_photos_from_body(self):
        chosen = self.cleaned_data["press_photos_from_body"]
        uncredited = [image for image in chosen if not image.credit.strip()]
        if uncredited:
            raise forms.ValidationError(
                format_html_join(
                    " ",
                    '{} <a href="{}" target="_blank">{}</a>',
                    (
                        (
                            _("“%(name)s” has no photographer credit yet.") % {"name": image},
                            reverse("admin:media_image_change", args=[image.pk]),
                            _("Add the credit on the image's page (opens in a new tab)."),
                        )
                        for image in uncredited
                    ),
                ),
                code="no_credit",
            )
        return chosen

    def correction_help_text(self) -> str:
        # The example is what the release would show if the note were written today, in the
        # release's language ("Rettet 7. december 2026").
        with translation.override(self.instance.language or settings.LANGUAGE_CODE):
            example = gettext("Corrected %(date)s") % {
                "date": date_format(timezone.localdate(), "DATE_FORMAT")
            }
        return gettext(
            'Shown on the release as "%(example)s: your note", and the feeds show the release '
            "as updated. Leave it empty for a change that needs no notice (a typo): the change "
            "is then published without one, and the feeds' updated time stays as it was."
        ) % {"example": example}

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            # The admin wraps the whole save in a transaction: this lock holds until it ends.
            current = (
                PressRelease.objects.select_for_update()
                .filter(pk=self.instance.pk)
                .values_list("version", flat=True)
                .first()
            )
            if current is not None and cleaned.get("edit_version") != current:
                raise forms.ValidationError(self.conflict_message(), code="stale")
        if cleaned.get("refresh_record") and not cleaned.get("correction_note", "").strip():
            self.add_error(
                "correction_note",
                _(
                    "Refreshing the boxes changes what the public reads: write the correction "
                    "note they will see, or untick the refresh."
                ),
            )
        status = cleaned.get("status")
        if (
            status
            and status != PressRelease.Status.DRAFT
            and not services.can_publish(self.current_user)
        ):
            raise forms.ValidationError(
                _("Only a Publisher can schedule or publish a release."), code="forbidden"
            )
        # A time that contradicts the status would be saved with a success message and then do
        # something else: a passed embargo publishes at once, a future "published" waits.
        publish_at = cleaned.get("publish_at")
        # Compared with the stored row, not the form's initial values: restoring an old
        # version from the history starts from that version's values.
        stored = (
            PressRelease.objects.filter(pk=self.instance.pk).values("status", "publish_at").first()
            if self.instance.pk
            else None
        )
        if stored and stored["publish_at"]:
            stored["publish_at"] = stored["publish_at"].replace(microsecond=0)  # as the form
        if publish_at and stored != {"status": status, "publish_at": publish_at}:
            now = timezone.now()
            held_back = {PressRelease.Status.SCHEDULED, PressRelease.Status.EMBARGOED}
            if status in held_back and publish_at <= now:
                self.add_error("publish_at", services.past_embargo_message())
            elif status == PressRelease.Status.PUBLISHED and publish_at > now:
                self.add_error("publish_at", services.future_publication_message())
        if status in PressRelease.RELEASED and "body" in cleaned:
            problems = publication_problems(self.instance, body=cleaned["body"])
            if problems:
                public = self.instance.pk and self.instance.is_published
                raise forms.ValidationError(
                    problems_html(problems, public=bool(public)), code="unpublishable"
                )
        return cleaned

    def _post_clean(self):
        time_refused = "publish_at" in self.errors
        super()._post_clean()
        if time_refused:
            # The model, not given the refused time, would add "needs a publish time" to the
            # reason it was refused: one clear reason is enough.
            del self.errors["publish_at"][1:]

    def conflict_message(self):
        latest = self.instance.history.select_related("history_user").first()
        who = latest.history_user if latest and latest.history_user else _("someone else")
        when = with_zone(latest.history_date) if latest else ""
        history_url = reverse("admin:newsroom_pressrelease_history", args=[self.instance.pk])
        return format_html(
            _(
                "{who} saved this release ({when}) after you opened it. Your changes were "
                'NOT saved. Copy what you wrote, see the other change in the <a href="{url}" '
                'target="_blank">history</a>, then reload the page and apply your changes again.'
            ),
            who=who,
            when=when,
            url=history_url,
        )


def status_shown(release) -> str:
    """The status as staff should read it: a scheduled or embargoed release whose time has come
    is published from that second (the row keeps its status; visibility is a date check)."""
    if release.is_published:
        return PressRelease.Status.PUBLISHED
    return release.status


class RecentBylineFilter(admin.SimpleListFilter):
    """By byline, offering the organisations of the newest releases (and the one chosen): a
    newsroom of thousands of organisations would list them all on every load of the list."""

    title = _("byline")
    parameter_name = "byline__id__exact"  # the address Django's own filter used
    NEWEST = 200

    def lookups(self, request, model_admin):
        newest = PressRelease.objects.order_by("-publish_at").values("byline")[: self.NEWEST]
        chosen = [self.value()] if (self.value() or "").isdigit() else []
        return [
            (str(organisation.pk), str(organisation))
            for organisation in Organisation.objects.filter(
                models.Q(pk__in=newest) | models.Q(pk__in=chosen)
            ).order_by("name")
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(byline_id=int(value))
        return queryset


class ShownStatusFilter(admin.SimpleListFilter):
    """The status filter as the list's column reads it: "published" includes a scheduled or
    embargoed release whose time has come, "scheduled" and "embargoed" only those still
    waiting."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return PressRelease.Status.choices

    def queryset(self, request, queryset):
        value = self.value()
        if value is None:
            return queryset
        now = timezone.now()
        held_back = [PressRelease.Status.SCHEDULED, PressRelease.Status.EMBARGOED]
        if value == PressRelease.Status.PUBLISHED:
            return queryset.filter(
                models.Q(status=value) | models.Q(status__in=held_back, publish_at__lte=now)
            )
        if value in held_back:
            return queryset.filter(status=value).exclude(publish_at__lte=now)
        return queryset.filter(status=value)


def body_pictures_to_offer(release) -> list[Image]:
    """Photos from the media library that the release's body shows and that are not among its
    press photos: what the form offers to make press photos."""
    if release is None or release.pk is None:
        return []
    linked = set(release.image_links.values_list("image_id", flat=True))
    return [image for image in library_images_in(release.body) if image.pk not in linked]


def offered_picture_label(image):
    missing = "" if image.credit.strip() else gettext("no photographer credit yet")
    return format_html(
        "{} {}{}", thumbnail(image), image, format_html(" ({})", missing) if missing else ""
    )


class CorrectionInline(admin.TabularInline):
    model = Correction
    extra = 0
    fields = ["note", "created_at", "created_by"]
    readonly_fields = ["created_at", "created_by"]
    verbose_name = _("public correction")
    verbose_name_plural = _('public corrections (shown as "Rettet" on the release)')

    def has_add_permission(self, request, obj=None):
        return False  # a new note is written in the form's "Correction" section

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PressRelease)
class PressReleaseAdmin(AutoSlugAdminMixin, ReadableHistoryAdminMixin, SimpleHistoryAdmin):
    form = PressReleaseForm
    list_display = [
        "lead_thumbnail",
        "title",
        "shown_status",
        "publish_time",
        "byline",
        "is_public",
    ]
    # The thumbnail is no second link to the same page (its name was "–" or nothing).
    list_display_links = ["title"]
    list_filter = [
        ShownStatusFilter,
        "topics",
        RecentBylineFilter,
        ("publish_at", admin.DateFieldListFilter),
    ]
    list_select_related = ["byline"]
    # With 100,000 releases a COUNT(*) of the whole table on every load of the list costs more
    # than the page: "N results (M in all)" is not shown, and the pages are numbered from the
    # planner's estimate where there are many (common.admin.EstimatedCountPaginator).
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    # Each row brings its lead photo's renditions: fifty rows a page, not a hundred (the list
    # took 110 ms to write, most of it those rows).
    list_per_page = 50
    search_fields = ["title", "lead", "body"]
    # No date_hierarchy: its row of years read every release's date on each load (45 ms at
    # 100,000, 380 ms with a search); the publish-time filter beside the list does that job.
    prepopulated_fields = {"slug": ["title"]}
    # A release's earlier address keeps redirecting to it: no new release takes it over.
    slug_reserved = staticmethod(earlier_address_owner)
    autocomplete_fields = ["byline", "original", "topics", "documents"]
    inlines = [
        ReleaseImageInline,
        ReleaseContactInline,
        ReleasePersonInline,
        ReleaseOrganisationInline,
        QuoteInline,
        CorrectionInline,
    ]
    fieldsets = [
        (None, {"fields": CONTENT_FIELDS}),
        (_("Publishing"), {"fields": ["status", "publish_at", "edit_version"]}),
    ]
    actions = ["publish_now", "unpublish", "make_english_version"]

    def get_queryset(self, request):
        return super().get_queryset(request).for_listing()

    def get_search_results(self, request, queryset, search_term):
        """On PostgreSQL by the release's full-text index (title, lead and body, Danish
        stemming), as the public search: a LIKE through every body took 800 ms at 100,000."""
        if connection.vendor == "postgresql" and search_term.strip():
            query = SearchQuery(search_term, config=SEARCH_CONFIG, search_type="websearch")
            return queryset.filter(search_vector=query), False
        return super().get_search_results(request, queryset, search_term)

    def get_urls(self):
        # "Import from Word" (newsroom.admin_word_import), before the defaults' catch-all.
        return [*word_import_urls(self), *super().get_urls()]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and not self.has_change_permission(request, obj):
            # Read-only (an Editor on a published release): the body as the public reads it,
            # not its HTML source.
            fieldsets = [
                (
                    name,
                    {
                        **options,
                        "fields": [
                            "rendered_body" if field == "body" else field
                            for field in options["fields"]
                        ],
                    },
                )
                for name, options in fieldsets
            ]
        if obj is not None and obj.seen_by_public:
            fieldsets = [
                *fieldsets,
                (
                    _("Published: what the public was told"),
                    {"fields": ["frozen_record", "refresh_record", "correction_note"]},
                ),
            ]
        elif obj is not None and obj.status in (obj.Status.EMBARGOED, obj.Status.SCHEDULED):
            fieldsets = [*fieldsets, (_("Embargo previews"), {"fields": ["preview_links"]})]
        if (
            obj is not None
            and not self._restoring(request)
            and self.has_change_permission(request, obj)
            and body_pictures_to_offer(obj)
        ):
            fieldsets = [
                *fieldsets,
                (_("Pictures in the body"), {"fields": ["press_photos_from_body"]}),
            ]
        if obj is not None and not self._restoring(request):
            # What a screen reader's user meets in the text, right after the text itself.
            fieldsets = [
                fieldsets[0],
                (_("Accessibility: what a screen reader meets"), {"fields": ["content_checks"]}),
                *fieldsets[1:],
            ]
        if obj is not None and ReleaseSource.objects.filter(release=obj).exists():
            fieldsets = [*fieldsets, (_("Imported from"), {"fields": ["imported_from"]})]
        return fieldsets

    @admin.display(description=_("imported from"))
    def imported_from(self, obj):
        """Where `manage.py import_feed` found it: the old address and the old feed's id,
        which our feeds go on using."""
        source = obj.source
        address = source.original_url
        if urlsplit(address).scheme.lower() in ("http", "https"):
            address = format_html('<a href="{}" rel="noopener">{}</a>', address, address)
        # Anything else (javascript:, data:, from before the import kept http(s) only) as text.
        return format_html(
            "{}<br>{} {}<br>{} {}{}",
            _("Imported %(day)s.") % {"day": date_format(timezone.localtime(source.imported_at))},
            _("Original address:"),
            address,
            _("Id in the old feed, kept in our feeds:"),
            source.guid,
            format_html("<br>{} {}", _("The old path redirects here:"), source.redirect_from)
            if source.redirect_from
            else "",
        )

    def get_form(self, request, obj=None, **kwargs):
        restoring = self._restoring(request)
        if restoring and obj is not None:
            # `obj` is the old version. A restore brings back its text; going public or being
            # withdrawn is never a side effect: the form, fieldsets, rights and checks see the
            # release's publishing as it is today.
            stored = PressRelease.objects.get(pk=obj.pk)
            for field in ("status", "publish_at", "was_public", "record", "version"):
                setattr(obj, field, getattr(stored, field))
            kwargs.setdefault("change", True)  # as the change view: read-only without the right
        form = super().get_form(request, obj, **kwargs)
        form.current_user = request.user
        form.restoring = restoring
        return form

    def get_readonly_fields(self, request, obj=None):
        shown = ["frozen_record", "preview_links", "imported_from", "content_checks"]
        if services.can_publish(request.user):
            return shown
        return ["status", "publish_at", *shown]

    @admin.display(description=_("content checks"))
    def content_checks(self, obj):
        """newsroom/content_checks.py on the saved text: warnings, each linked to its place in
        the body (static/js/admin-a11y.js puts the editor's cursor there)."""
        return content_checks_html(release_warnings(obj))

    def response_add(self, request, obj, post_url_continue=None):
        self._warn_of_content(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        self._warn_of_content(request, obj)
        return super().response_change(request, obj)

    def _warn_of_content(self, request, obj):
        warnings = release_warnings(obj)
        if warnings:
            self.message_user(
                request,
                format_html(
                    "{} {}",
                    ngettext(
                        "Saved with %(count)d thing a screen reader's user will stumble on:",
                        "Saved with %(count)d things a screen reader's user will stumble on:",
                        len(warnings),
                    )
                    % {"count": len(warnings)},
                    "; ".join(str(warning) for warning in warnings),
                ),
                messages.WARNING,
            )

    @admin.display(description=_("body"))
    def rendered_body(self, obj):
        return mark_safe(sanitize_html(obj.body, display=True))  # noqa: S308 - nh3's output

    @admin.display(description=_("preview links"))
    def preview_links(self, obj):
        active = obj.preview_links.filter(revoked_at=None, expires_at__gt=timezone.now()).count()
        return format_html(
            '{} <a href="{}?release={}">{}</a>',
            _("Active links: %(count)s.") % {"count": active},
            reverse("admin:newsroom_previewlink_add"),
            obj.pk,
            _("Issue a preview link for a journalist (it works until the release goes public)"),
        )

    def has_change_permission(self, request, obj=None):
        # Editors write drafts; once a release is scheduled or out, only Publishers edit it.
        allowed = super().has_change_permission(request, obj)
        if obj is not None and obj.status != PressRelease.Status.DRAFT:
            return allowed and services.can_publish(request.user)
        return allowed

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        if obj is not None and obj.status != PressRelease.Status.DRAFT:
            return allowed and services.can_publish(request.user)
        return allowed

    def has_publish_permission(self, request):
        return services.can_publish(request.user)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """Restoring an old version is an edit like any other, with the same rights and the
        same form checks: the status stays as it is unless the form changes it."""
        current = self.get_object(request, object_id)
        if current is None:
            raise Http404
        if not self.has_change_permission(request, current):
            if request.method == "POST":
                raise PermissionDenied
            # The version page is a restore form: without the right to change the release,
            # the history list shows who changed what.
            self.message_user(
                request,
                _(
                    "Only a Publisher can open and restore old versions of a scheduled or "
                    "published release. The list shows who changed what, and when."
                ),
                messages.WARNING,
            )
            return redirect("admin:newsroom_pressrelease_history", current.pk)
        with transaction.atomic():
            return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return not self.has_change_permission(request, obj)

    @staticmethod
    def _restored_version(request):
        if not PressReleaseAdmin._restoring(request):
            return None
        # (the history's address names the release and the version by position)
        match = request.resolver_match
        version_id = match.kwargs.get("version_id") or match.args[-1]
        return PressRelease.history.filter(history_id=version_id).first()

    @staticmethod
    def _restoring(request) -> bool:
        # The history's restore view saves the model only (no inlines, no save_related), from
        # the old version's values.
        return (request.resolver_match.url_name or "").endswith("_simple_history")

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
            super().save_model(request, obj, form, change)
        elif self._restoring(request):
            # The restore view calls no save_related: a restore is saved as any other change,
            # with its record, correction note and messages.
            self.save_related(request, form, [], change)
        # Otherwise a change is saved in save_related, once it is known whether anything changed.

    def save_related(self, request, form, formsets, change):
        restored = None
        if change:
            # (The version the form was opened at is bookkeeping, not a change.)
            edited = set(form.changed_data) - {"edit_version"}
            if not (edited or any(formset.has_changed() for formset in formsets)):
                # Saving an untouched release would move its "updated" time in the feeds and
                # its version: nothing is saved, and the admin says so.
                request._release_unchanged = True
                super().save_related(request, form, formsets, change)  # saves nothing
                return
            restored = self._restored_version(request)
            if restored is not None:
                form.instance._change_reason = gettext("Restored from the version of %(time)s") % {
                    "time": with_zone(restored.history_date)
                }
        public_before = bool(
            change and PressRelease.objects.published().filter(pk=form.instance.pk).exists()
        )
        updated_before = (
            PressRelease.objects.filter(pk=form.instance.pk)
            .values_list("updated_at", flat=True)
            .first()
            if change
            else None
        )
        if change:
            super().save_model(request, form.instance, form, change)
        super().save_related(request, form, formsets, change)
        release = form.instance
        chosen = form.cleaned_data.get("press_photos_from_body") or []
        if chosen:
            # After the press photos the form's rows kept, in the body's order.
            last = release.image_links.aggregate(last=Max("order"))["last"]
            start = 0 if last is None else last + 1
            for offset, image in enumerate(chosen):
                ReleaseImage.objects.get_or_create(
                    release=release, image=image, defaults={"order": start + offset}
                )
        if self._saved_without_notice(form) and updated_before is not None:
            # The feeds, the API, the sitemap and the page's JSON-LD date a release "updated"
            # by this time: a change the public is not told about (a typo) is no update to
            # them. A correction note moves it (services.release_correct).
            PressRelease.objects.filter(pk=release.pk).update(updated_at=updated_before)
            release.updated_at = updated_before
        if change and restored is not None:
            self.message_user(
                request,
                _("The text of the version of %(time)s is restored.")
                % {"time": with_zone(restored.history_date)},
            )
        if release.is_published and not public_before:
            self.message_user(request, _("“%(title)s” is public now.") % {"title": release.title})
        # A quote by a person from the database names the role they held on the release date.
        for quote in release.quotes.filter(role="", person__isnull=False).select_related("person"):
            quote.fill_role(release.release_date, release.language)
            if quote.role:
                quote.save(update_fields=["role"])
        if release.status not in PressRelease.RELEASED:
            return
        # Once the people, organisations and contacts are saved too: a release's own edits
        # reach its record; later edits elsewhere do not (see PressRelease.update_record).
        refresh = form.cleaned_data.get("refresh_record", False)
        release.update_record(refresh=refresh)
        PressRelease.objects.filter(pk=release.pk).update(record=release.record)
        content_changed()
        if release.publish_at and release.publish_at > timezone.now():
            # "... was saved" alone reads as "it is out": say when it will be.
            self.message_user(
                request,
                _(
                    "“%(title)s” goes public %(time)s. Until then only staff and embargo "
                    "preview links show it."
                )
                % {"title": release.title, "time": with_zone(release.publish_at)},
            )
        if not (change and release.was_public):
            return
        note = form.cleaned_data.get("correction_note", "").strip()
        if note:
            services.release_correct(release=release, user=request.user, note=note)
            self.message_user(
                request,
                _('The change is public with the correction note "%(note)s".') % {"note": note},
            )
            self._remind_of_other_versions(request, release)
        elif self._changes_what_the_public_sees(form, formsets):
            self.message_user(
                request,
                _(
                    "The change is public now, without a correction note: the release shows "
                    'no "Rettet" notice. Add a note if readers should know what changed.'
                ),
                messages.WARNING,
            )

    def message_user(self, request, message, level=messages.INFO, *args, **kwargs):
        if getattr(request, "_release_unchanged", False) and level == messages.SUCCESS:
            message = _("Nothing was changed, so nothing was saved: the release is as it was.")
            level = messages.INFO
        super().message_user(request, message, level, *args, **kwargs)

    def _remind_of_other_versions(self, request, release):
        """A correction to one language version is likely owed to the others too."""
        root_id = release.original_id or release.pk
        others = (
            PressRelease.objects.filter(models.Q(pk=root_id) | models.Q(original_id=root_id))
            .exclude(pk=release.pk)
            .only("title", "language")
        )
        reminders = {
            "da": _("Remember the Danish version too:"),
            "en": _("Remember the English version too:"),
        }
        for other in others:
            self.message_user(
                request,
                format_html(
                    '{} <a href="{}">{}</a>',
                    reminders.get(other.language)
                    or _("Remember the version in %(language)s too:")
                    % {"language": other.get_language_display()},
                    reverse("admin:newsroom_pressrelease_change", args=[other.pk]),
                    other.title,
                ),
                messages.WARNING,
            )

    @staticmethod
    def _saved_without_notice(form) -> bool:
        """A change to a release the public has seen, saved without a public correction note."""
        return "correction_note" in form.fields and not (
            form.cleaned_data.get("correction_note", "").strip()
        )

    @staticmethod
    def _changes_what_the_public_sees(form, formsets) -> bool:
        visible_fields = {
            "title",
            "lead",
            "body",
            "byline",
            "topics",
            "documents",
            "press_photos_from_body",
        }
        return bool(visible_fields & set(form.changed_data)) or any(
            formset.has_changed() for formset in formsets if formset.model is not Correction
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is not Correction:
            return super().save_formset(request, form, formset, change)
        for correction in formset.save(commit=False):
            services.release_correct(release=form.instance, user=request.user, note=correction.note)

    def view_on_site(self, obj):
        # Unpublished releases open in the staff-only preview instead of a 404.
        return obj.get_absolute_url() if obj.is_published else obj.get_preview_url()

    @admin.action(description=_("Publish now"), permissions=["publish"])
    def publish_now(self, request, queryset):
        published = 0
        for release in queryset:
            # A release the public has seen comes back at its own time, not on top as new.
            publish_at = None if release.was_public else timezone.now()
            try:
                services.release_publish(release=release, user=request.user, publish_at=publish_at)
            except ValidationError:
                self.message_user(
                    request,
                    format_html(
                        "“{}”: {}",
                        release,
                        problems_html(publication_problems(release)),
                    ),
                    messages.ERROR,
                )
                continue
            published += 1
        if published:
            self.message_user(request, _("Published: %(count)d") % {"count": published})

    @admin.action(description=_("Make English version"), permissions=["add"])
    def make_english_version(self, request, queryset):
        """An English draft with the photos, contacts, people, organisations and topics of the
        first release chosen (services.release_make_version): opened to translate the text."""
        version = services.release_make_version(release=queryset.first(), user=request.user)
        return redirect("admin:newsroom_pressrelease_change", version.pk)

    @admin.action(
        description=_("Unpublish (the address answers 410 Gone)"), permissions=["publish"]
    )
    def unpublish(self, request, queryset):
        for release in queryset:
            services.release_unpublish(release=release, user=request.user)
        self.message_user(request, _("Unpublished: %(count)d") % {"count": queryset.count()})

    @admin.display(description=_('frozen "Om" boxes and contact block'))
    def frozen_record(self, obj):
        if obj is None or not obj.record:
            return _("Nothing is frozen yet: the boxes are written when the release goes public.")
        as_of = date_format(obj.record_as_of, "DATE_FORMAT")
        names = format_html_join(
            ", ", "{}", ((box["name"],) for box in obj.record.get("about", []))
        )
        contacts = format_html_join(
            ", ", "{}", ((contact["name"],) for contact in obj.record.get("contacts", []))
        )
        return format_html(
            "{}<br>{} {}<br>{} {}",
            _(
                "Written as of %(date)s. Later edits to these people and organisations do not "
                "change this release; people, organisations and contacts you add to or remove "
                "from the release itself are updated when you save."
            )
            % {"date": as_of},
            _('"Om" boxes:'),
            names or "–",
            _("Contacts:"),
            contacts or "–",
        )

    @admin.display(description=_("status"), ordering="status")
    def shown_status(self, obj):
        return PressRelease.Status(status_shown(obj)).label

    @admin.display(description=_("publish time"), ordering="publish_at")
    def publish_time(self, obj):
        return with_zone(obj.publish_at) if obj.publish_at else "–"

    @admin.display(description=_("photo"))
    def lead_thumbnail(self, obj):
        image = obj.lead_image
        return thumbnail(image) if image else "–"

    @admin.display(description=_("public now"), boolean=True)
    def is_public(self, obj):
        return obj.is_published


class PreviewOpeningInline(admin.TabularInline):
    model = PreviewOpening
    extra = 0
    fields = ["opened_at", "ip_address", "user_agent"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class PreviewLinkForm(forms.ModelForm):
    class Meta:
        model = PreviewLink
        fields = ["release", "name", "email", "outlet", "expires_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "expires_at" in self.fields:
            # A preview is for the time before the release goes public: that is its default end.
            self.fields["expires_at"].required = False
            self.fields["expires_at"].help_text = _(
                "Leave empty to let the link work until the release goes public."
            )

    def clean_release(self):
        release = self.cleaned_data["release"]
        if release.status not in (PressRelease.Status.EMBARGOED, PressRelease.Status.SCHEDULED):
            raise forms.ValidationError(_("Preview links are for scheduled or embargoed releases."))
        return release

    def clean(self):
        cleaned = super().clean()
        release = cleaned.get("release")
        if release is not None and not cleaned.get("expires_at"):
            cleaned["expires_at"] = self.instance.expires_at = release.publish_at
        return cleaned


@admin.register(PreviewLink)
class PreviewLinkAdmin(admin.ModelAdmin):
    """Embargo previews: a Publisher issues one per journalist and may revoke each."""

    form = PreviewLinkForm
    list_display = ["name", "outlet", "release", "expires_at", "status", "opening_count"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["release"]
    search_fields = ["name", "email", "outlet", "release__title"]
    autocomplete_fields = ["release"]
    inlines = [PreviewOpeningInline]
    actions = ["revoke"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(opening_total=Count("openings"))

    def get_readonly_fields(self, request, obj=None):
        return ["release", "name", "email", "outlet", "expires_at", "revoked_at"] if obj else []

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        release = PressRelease.objects.filter(pk=initial.get("release") or None).first()
        if release is not None and release.publish_at:
            initial["expires_at"] = timezone.localtime(release.publish_at)
        return initial

    def get_inlines(self, request, obj):
        return self.inlines if obj else []

    def has_add_permission(self, request):
        return services.can_publish(request.user)

    def has_change_permission(self, request, obj=None):
        return services.can_publish(request.user)

    def has_delete_permission(self, request, obj=None):
        return False

    def has_revoke_permission(self, request):
        return services.can_publish(request.user)

    def save_model(self, request, obj, form, change):
        if change:
            return
        link, url = services.preview_link_issue(
            release=obj.release,
            user=request.user,
            name=obj.name,
            email=obj.email,
            outlet=obj.outlet,
            expires_at=obj.expires_at,
        )
        obj.pk = link.pk
        self.message_user(
            request,
            format_html(
                _("Send this link to {name} now – it is shown only once: {url}"),
                name=link.name,
                url=url,
            ),
            messages.WARNING,
        )

    @admin.action(description=_("Revoke the selected links"), permissions=["revoke"])
    def revoke(self, request, queryset):
        for link in queryset:
            services.preview_link_revoke(link=link, user=request.user)
        self.message_user(request, _("Revoked: %(count)d") % {"count": queryset.count()})

    @admin.display(description=_("status"))
    def status(self, obj):
        if obj.revoked_at:
            return _("revoked")
        if obj.expires_at <= timezone.now():
            return _("expired")
        return _("active")

    @admin.display(description=_("openings"), ordering="opening_total")
    def opening_count(self, obj):
        return obj.opening_total


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    """Subscribers are personal data: staff can see, export and delete them."""

    list_display = ["email", "all_releases", "is_confirmed", "created_at", "confirmed_at"]
    list_filter = ["all_releases", ("confirmed_at", admin.EmptyFieldListFilter), "topics"]
    search_fields = ["email"]
    filter_horizontal = ["topics", "organisations"]
    readonly_fields = ["created_at", "confirmed_at"]
    actions = ["export_csv"]

    @admin.display(description=_("confirmed"), boolean=True)
    def is_confirmed(self, obj):
        return obj.confirmed_at is not None

    @admin.action(description=_("Export selected subscribers as CSV"))
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="subscribers.csv"'
        writer = csv.writer(response)
        writer.writerow(
            ["email", "all_releases", "topics", "organisations", "created", "confirmed"]
        )
        for subscription in queryset.prefetch_related("topics", "organisations"):
            writer.writerow(
                [
                    subscription.email,
                    subscription.all_releases,
                    "; ".join(topic.name for topic in subscription.topics.all()),
                    "; ".join(str(org) for org in subscription.organisations.all()),
                    subscription.created_at.isoformat(),
                    subscription.confirmed_at.isoformat() if subscription.confirmed_at else "",
                ]
            )
        return response


class GuardedByPublicReleasesMixin:
    """A photo or document that a published or scheduled release uses is what the public sees
    (or will see at a set second): like the release itself, only a Publisher changes it.
    Editors see it read-only, with the reason."""

    @staticmethod
    def guarding_releases(obj):
        # A photo in a body counts as much as a press photo: its credit is on the page too.
        return PressRelease.objects.released().using_media(obj)

    @staticmethod
    def guarding_organisations(obj):
        # A photo in a public organisation's "Om" text is under every release about it.
        if not isinstance(obj, Image):
            return public_organisations().none()
        used = models.Q(pk__in=[])
        for name in obj.stored_names():
            used |= models.Q(about__contains=name) | models.Q(about_en__contains=name)
        return public_organisations().filter(used)

    def is_guarded(self, obj) -> bool:
        return obj is not None and (
            self.guarding_releases(obj).exists() or self.guarding_organisations(obj).exists()
        )

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        if self.is_guarded(obj):
            return allowed and services.can_publish(request.user)
        return allowed

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        if self.is_guarded(obj):
            return allowed and services.can_publish(request.user)
        return allowed

    def get_deleted_objects(self, objs, request):
        # A photo inside a body is not a foreign key, so the database would let it go and
        # leave the page with a broken image: refuse, naming the releases, as for press photos.
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        for obj in objs:
            for release in PressRelease.objects.using_media(obj).exclude(
                pk__in=obj.releases.values("pk")
            ):
                protected.append(
                    format_html(
                        '{}: <a href="{}">{}</a>',
                        capfirst(PressRelease._meta.verbose_name),
                        reverse("admin:newsroom_pressrelease_change", args=[release.pk]),
                        release,
                    )
                )
        return deleted, counts, perms_needed, protected

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        if self.is_guarded(obj) and not services.can_publish(request.user):
            titles = ", ".join(
                [
                    *self.guarding_releases(obj).values_list("title", flat=True)[:3],
                    *[str(o) for o in self.guarding_organisations(obj)[:3]],
                ]
            )
            self.message_user(
                request,
                _(
                    "Used by a published or scheduled release (%(titles)s): only a Publisher "
                    "can change it. Ask a Publisher, or upload a new file and use that in a "
                    "draft."
                )
                % {"titles": titles},
                messages.WARNING,
            )
        return super().change_view(request, object_id, form_url, extra_context)


admin.site.unregister(Image)
admin.site.unregister(Document)
admin.site.unregister(MediaContact)
admin.site.unregister(Organisation)


@admin.register(Organisation)
class AnnouncedOrganisationAdmin(OrganisationAdmin):
    """Lifting "kept back until announced" shows an organisation a coming release is to
    present: like lifting an embargo, only a Publisher does it, and the admin says what it did."""

    actions = ["show_now"]

    @admin.action(description=_("Show now (no longer kept back)"), permissions=["publish"])
    def show_now(self, request, queryset):
        names = [str(organisation) for organisation in queryset.filter(kept_back=True)]
        queryset.update(kept_back=False)
        content_changed()
        if names:
            self.message_user(
                request,
                _(
                    "Public now: %(names)s, with the roles people have there, before the "
                    "release that was to present them."
                )
                % {"names": ", ".join(names)},
                messages.WARNING,
            )

    def has_publish_permission(self, request):
        return services.can_publish(request.user)


@admin.register(MediaContact)
class ListedContactAdmin(MediaContactAdmin):
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Listed, but named after a person the public may not see yet: say so, not "saved".
        if obj.is_listed and obj.is_active and obj.person_id:
            if not public_media_contacts().filter(pk=obj.pk).exists():
                self.message_user(
                    request,
                    _(
                        "“%(name)s” is listed, but the contacts page shows the contact only "
                        "once %(person)s is public: when a release about them is published, "
                        "or when they are marked public on their page."
                    )
                    % {"name": obj, "person": obj.person},
                    messages.WARNING,
                )


@admin.register(Image)
class GuardedImageAdmin(GuardedByPublicReleasesMixin, ImageAdmin):
    pass


@admin.register(Document)
class GuardedDocumentAdmin(GuardedByPublicReleasesMixin, DocumentAdmin):
    pass
