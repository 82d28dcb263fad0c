import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from outreach import gdpr, pitches
from outreach.contacts_import import ImportRefused, import_contacts
from outreach.models import Contact, MediaList, Pitch, Suppression


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet (CSV)"),
        help_text=gettext_lazy(
            "Saved as CSV from Excel, Numbers or Google Sheets: semicolon or comma, Danish or "
            "English column names (navn, e-mail, medie, sprog, emner, telefon, noter, kilde)."
        ),
    )
    source = forms.CharField(
        label=gettext_lazy("Source"),
        required=False,
        max_length=300,
        help_text=gettext_lazy("Where the addresses come from, e.g. “Børsens erhvervsredaktion”."),
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("Only show what would happen"), required=False, initial=True
    )

    MAX_BYTES = 5 * 1024 * 1024

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload


@admin.register(MediaList)
class MediaListAdmin(admin.ModelAdmin):
    list_display = ["name", "contact_count", "created_at"]
    search_fields = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(contact_total=Count("contacts"))

    @admin.display(description=gettext_lazy("journalists"), ordering="contact_total")
    def contact_count(self, obj):
        return obj.contact_total

    def get_urls(self):
        return [
            path(
                "<int:pk>/import/",
                self.admin_site.admin_view(self.import_view),
                name="outreach_medialist_import",
            ),
            *super().get_urls(),
        ]

    def import_view(self, request, pk):
        media_list = get_object_or_404(MediaList, pk=pk)
        if not self.has_change_permission(request, media_list):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        report = problems = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                report = import_contacts(
                    upload.read(),
                    media_list.name,
                    dry_run=form.cleaned_data["dry_run"],
                    source=form.cleaned_data["source"]
                    or _("Import: %(file)s") % {"file": upload.name},
                )
            except ImportRefused as refused:
                problems = refused.problems
            else:
                if not report.dry_run:
                    self.message_user(request, " ".join(report.lines()), messages.SUCCESS)
                    return HttpResponseRedirect(
                        reverse("admin:outreach_medialist_change", args=[pk])
                    )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import journalists into “%(list)s”") % {"list": media_list.name},
            "opts": self.model._meta,
            "original": media_list,
            "form": form,
            "report": report,
            "problems": problems,
        }
        return TemplateResponse(request, "admin/outreach/medialist/import.html", context)


class GdprForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("E-mail address"))
    confirm_erase = forms.BooleanField(
        label=gettext_lazy("Yes, erase everything held about this address"), required=False
    )


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["name", "outlet", "email", "language", "lists_shown", "suppressed"]
    list_filter = ["lists", "language", "lawful_basis"]
    search_fields = ["name", "email", "outlet", "beats"]
    filter_horizontal = ["lists"]
    autocomplete_fields = ["topics"]
    readonly_fields = ["suppressed"]
    fieldsets = [
        (None, {"fields": ["name", "email", "outlet", "phone", "language"]}),
        (gettext_lazy("What they cover"), {"fields": ["beats", "topics"]}),
        (gettext_lazy("Media lists"), {"fields": ["lists"]}),
        (
            gettext_lazy("Personal data"),
            {"fields": ["lawful_basis", "source", "basis_since", "notes", "suppressed"]},
        ),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("lists")

    @admin.display(description=gettext_lazy("media lists"))
    def lists_shown(self, obj):
        return ", ".join(media_list.name for media_list in obj.lists.all()) or "–"

    @admin.display(description=gettext_lazy("gets no pitches"))
    def suppressed(self, obj):
        suppression = obj.suppression if obj.pk else None
        return suppression.get_reason_display() if suppression else "–"

    def get_urls(self):
        return [
            path(
                "personal-data/",
                self.admin_site.admin_view(self.personal_data_view),
                name="outreach_contact_personal_data",
            ),
            *super().get_urls(),
        ]

    def personal_data_view(self, request):
        """Everything held about one address: exported as a file, or erased."""
        if not self.has_delete_permission(request):
            raise PermissionDenied
        form = GdprForm(request.POST or request.GET or None)
        if request.method == "POST" and form.is_valid():
            email = form.cleaned_data["email"]
            if "_export" in request.POST:
                data = gdpr.export(email)
                response = HttpResponse(
                    json.dumps(data, ensure_ascii=False, indent=2),
                    content_type="application/json; charset=utf-8",
                )
                response["Content-Disposition"] = (
                    f'attachment; filename="personoplysninger-{slugify(email)}.json"'
                )
                return response
            if "_erase" in request.POST:
                if not form.cleaned_data["confirm_erase"]:
                    form.add_error("confirm_erase", _("Tick the box to confirm the erasure."))
                else:
                    erased = gdpr.erase(email)
                    self.message_user(
                        request,
                        _(
                            "Everything held about %(email)s is erased (%(journalist)s "
                            "journalist, %(pitches)s pitch e-mails, %(links)s embargo links, "
                            "%(alerts)s alert subscriptions). Only a hash of the address is "
                            "kept, so no list brings it back."
                        )
                        % {
                            "email": email,
                            "journalist": erased["journalist"],
                            "pitches": erased["pitches_sent"],
                            "links": erased["embargo_links"],
                            "alerts": erased["alert_subscriptions"],
                        },
                        messages.SUCCESS,
                    )
                    return HttpResponseRedirect(reverse("admin:outreach_contact_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Personal data held about an address"),
            "opts": self.model._meta,
            "form": form,
        }
        return TemplateResponse(request, "admin/outreach/contact/personal_data.html", context)


@admin.register(Suppression)
class SuppressionAdmin(admin.ModelAdmin):
    list_display = ["reason", "created_at", "detail"]
    list_filter = ["reason"]
    readonly_fields = ["email_hash", "reason", "detail", "created_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class PitchForm(forms.ModelForm):
    class Meta:
        model = Pitch
        fields = ["release", "lists", "contacts", "subject", "note", "at_publication"]
        widgets = {"note": forms.Textarea(attrs={"rows": 4})}


@admin.register(Pitch)
class PitchAdmin(admin.ModelAdmin):
    form = PitchForm
    list_display = ["__str__", "release", "status", "recipient_count", "queued_at"]
    list_filter = ["status"]
    autocomplete_fields = ["release", "contacts"]
    filter_horizontal = ["lists"]
    change_form_template = "admin/outreach/pitch/change_form.html"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("release")
            .annotate(recipient_total=Count("deliveries"))
        )

    @admin.display(description=gettext_lazy("journalists"), ordering="recipient_total")
    def recipient_count(self, obj):
        return obj.recipient_total

    def has_change_permission(self, request, obj=None):
        # A pitch that has gone out is a record: it is read, not changed.
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or obj.status == Pitch.Status.DRAFT)

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or super().has_change_permission(
            request, obj
        )

    def response_add(self, request, obj, post_url_continue=None):
        # Straight to the preview: nothing is sent before the press officer says so.
        return HttpResponseRedirect(reverse("admin:outreach_pitch_change", args=[obj.pk]))

    def response_change(self, request, obj):
        if "_send_test" in request.POST:
            try:
                address = pitches.send_test(obj, request.user)
            except pitches.PitchRefused as refused:
                self.message_user(request, str(refused), messages.ERROR)
            else:
                self.message_user(request, _("A test was sent to %(email)s.") % {"email": address})
            return HttpResponseRedirect(request.path)
        if "_send" in request.POST:
            try:
                with transaction.atomic():
                    queued = pitches.send_pitch(obj, request.user)
            except pitches.PitchRefused as refused:
                self.message_user(request, str(refused), messages.ERROR)
                return HttpResponseRedirect(request.path)
            if obj.status == Pitch.Status.WAITING:
                self.message_user(
                    request,
                    _(
                        "The pitch goes to the journalists in the second the release goes "
                        "public. If the release is pulled back first, nothing is sent."
                    ),
                    messages.SUCCESS,
                )
            else:
                self.message_user(
                    request,
                    _("The pitch is being sent to %(count)s journalists.") % {"count": queued},
                    messages.SUCCESS,
                )
            return HttpResponseRedirect(request.path)
        return HttpResponseRedirect(request.path)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        pitch = self.get_object(request, object_id)
        extra = dict(extra_context or {})
        if pitch is not None:
            if pitch.status == Pitch.Status.DRAFT:
                extra["recipient_total"] = pitches.recipients(pitch).count()
                extra["preview_text"] = self._preview(pitch, request.user)
                extra["can_send"] = True
            else:
                extra["report"] = pitches.report_rows(pitch)
        return super().change_view(request, object_id, form_url, extra_context=extra)

    @staticmethod
    def _preview(pitch, user) -> str:
        message = pitches.test_mail(pitch, user, to=user.email or "test@invalid")
        return f"{_('Subject')}: {message.subject}\n\n{message.body}"
