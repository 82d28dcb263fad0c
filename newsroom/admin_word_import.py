"""The admin's "Import from Word": a .docx upload that becomes a draft press release
(newsroom.word_import), opened on its change page with a word about what did not come over."""

from pathlib import PurePath

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from common.uploads import validate_document_file
from newsroom.word_import import ConvertedDocument, ImportedDraft, convert_docx, create_draft

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class WordImportForm(forms.Form):
    document = forms.FileField(
        label=gettext_lazy("Word document"),
        widget=forms.ClearableFileInput(attrs={"accept": f".docx,{DOCX_CONTENT_TYPE}"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document"].help_text = _(
            "A .docx file of at most %(limit)d MB. The first heading becomes the title, the "
            "first paragraph after it the lead, and the rest the body; pictures go into the "
            "media library."
        ) % {"limit": settings.MAX_DOCUMENT_UPLOAD_BYTES // (1024 * 1024)}

    def clean_document(self) -> ConvertedDocument:
        upload = self.cleaned_data["document"]
        if PurePath(upload.name or "").suffix.lower() != ".docx":
            raise ValidationError(
                _(
                    "Only Word documents ending in .docx can be imported. An older .doc file "
                    "or a PDF: open it in Word and save it as “Word Document (.docx)”."
                ),
                code="not_docx",
            )
        validate_document_file(upload)  # the upload size limit, and a ZIP inside
        upload.seek(0)
        return convert_docx(upload.read())

    def save(self, user) -> ImportedDraft:
        return create_draft(self.cleaned_data["document"], user=user)


def import_from_word_view(model_admin, request):
    if not model_admin.has_add_permission(request):
        raise PermissionDenied
    form = WordImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        imported = form.save(request.user)
        _report(model_admin, request, imported)
        return redirect(reverse("admin:newsroom_pressrelease_change", args=[imported.release.pk]))
    opts = model_admin.model._meta
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Import a press release from Word"),
        "form": form,
        "opts": opts,
        "has_view_permission": model_admin.has_view_permission(request),
    }
    return TemplateResponse(request, "admin/newsroom/pressrelease/word_import.html", context)


def _report(model_admin, request, imported: ImportedDraft) -> None:
    model_admin.message_user(
        request,
        _("The draft “%(title)s” was made from the Word document. Read it through before you save.")
        % {"title": imported.release.title},
        messages.SUCCESS,
    )
    if imported.notices:
        model_admin.message_user(
            request,
            format_html(
                "{}<br>{}",
                _("What could not be carried over from the Word document:"),
                # Lines, not a list: the admin styles every <li> in a message as a message.
                format_html_join(
                    mark_safe("<br>"), "– {}", ((notice,) for notice in imported.notices)
                ),
            ),
            messages.WARNING,
        )
    if imported.images:
        model_admin.message_user(
            request,
            format_html(
                "{} {} {}",
                ngettext(
                    "The picture was added to the media library without a photographer "
                    "credit: add the credit on its page before the release is published:",
                    "%(count)d pictures were added to the media library without a photographer "
                    "credit: add the credit on each one's page before the release is published:",
                    len(imported.images),
                )
                % {"count": len(imported.images)},
                format_html_join(
                    ", ",
                    '<a href="{}">{}</a>',
                    (
                        (reverse("admin:media_image_change", args=[image.pk]), image.title)
                        for image in imported.images
                    ),
                ),
                _(
                    "To make a picture the press photo, tick it under “Pictures in the body” "
                    "below once it has its credit."
                ),
            ),
            messages.WARNING,
        )


def word_import_urls(model_admin) -> list:
    view = model_admin.admin_site.admin_view(
        lambda request: import_from_word_view(model_admin, request)
    )
    return [path("import-word/", view, name="newsroom_pressrelease_word_import")]
