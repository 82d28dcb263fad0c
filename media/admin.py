from django import forms
from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from common.uploads import validate_image_file
from media.models import Document, Image, MediaContact
from media.services import document_process, image_process


@admin.register(MediaContact)
class MediaContactAdmin(admin.ModelAdmin):
    list_display = ["__str__", "organisation", "phone", "email", "is_active", "is_listed"]
    list_filter = ["is_active", "is_listed", "organisation"]
    list_editable = ["is_listed"]
    list_select_related = ["person", "organisation"]
    search_fields = ["name", "person__name", "title", "title_en", "email", "phone"]
    autocomplete_fields = ["person", "organisation"]


def thumbnail(image: Image, height: int = 48):
    rendition = image.rendition(480)
    url = rendition.file.url if rendition else image.file.url
    return format_html(
        '<img src="{}" alt="{}" style="max-height:{}px;max-width:{}px">',
        url,
        image.alt_text,
        height,
        height * 2,
    )


class ImageForm(forms.ModelForm):
    # A plain file field: our validator (common.uploads) gives the specific message for SVG,
    # bombs, corrupt files and the rest, before Django's generic image check would.
    file = forms.FileField(label=_("file"))

    class Meta:
        model = Image
        fields = [
            "file",
            "title",
            "caption",
            "caption_en",
            "alt_text",
            "alt_text_en",
            "credit",
            "usage_terms",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The media library holds press photos: no photo without its credit.
        if "credit" in self.fields:  # absent when the page is read-only
            self.fields["credit"].required = True
        # A picture uploaded into a body gets its text alternative in the editor; its page is
        # reached to add the credit, and must not ask for the text alternative a second time.
        # (A press photo's is checked where it is linked to a release.)
        if "alt_text" in self.fields and self.instance.pk:
            self.fields["alt_text"].required = self.instance.release_links.exists()

    def _get_validation_exclusions(self):
        exclude = super()._get_validation_exclusions()
        if "file" not in self.changed_data:
            # Checked when it was uploaded; an edit of the credit or alt text does not read the
            # stored file again (its handle is closed by then: editing failed with a 500).
            exclude.add("file")
        return exclude

    def clean_file(self):
        # Before the model reads the image's dimensions, so a bomb never reaches Pillow's decoder.
        upload = self.cleaned_data["file"]
        if upload and "file" in self.changed_data:
            validate_image_file(upload)
        return upload


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    form = ImageForm
    list_display = ["thumbnail", "__str__", "credit", "dimensions", "created_at"]
    # The thumbnail is no second link to the same page (a link without a name).
    list_display_links = ["__str__"]
    search_fields = ["title", "caption", "alt_text", "credit"]
    list_filter = ["credit"]
    readonly_fields = ["preview", "dimensions", "file_size", "mime_type"]
    fields = [
        "file",
        "preview",
        "title",
        "caption",
        "caption_en",
        "alt_text",
        "alt_text_en",
        "credit",
        "usage_terms",
        "dimensions",
        "file_size",
        "mime_type",
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("renditions")

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "file" in form.changed_data:
            image_process(image=obj)

    @admin.display(description=_("thumbnail"))
    def thumbnail(self, obj):
        return thumbnail(obj)

    @admin.display(description=_("preview"))
    def preview(self, obj):
        return thumbnail(obj, height=240) if obj.pk else "–"

    @admin.display(description=_("dimensions"))
    def dimensions(self, obj):
        return f"{obj.width} × {obj.height}" if obj.width else "–"


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "original_name", "file_size", "created_at"]
    search_fields = ["title", "description", "original_name"]
    readonly_fields = ["original_name", "file_size"]

    def save_model(self, request, obj, form, change):
        uploaded = form.cleaned_data.get("file") if "file" in form.changed_data else None
        super().save_model(request, obj, form, change)
        if uploaded is not None:
            document_process(document=obj, original_name=getattr(uploaded, "name", ""))
