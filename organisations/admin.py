from django import forms
from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from common.admin import AutoSlugAdminMixin, ReadableHistoryAdminMixin
from common.uploads import reencoded_image
from organisations.models import Organisation


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = [
            "name",
            "short_name",
            "slug",
            "kind",
            "website",
            "logo",
            "about",
            "about_en",
        ]

    def clean_logo(self):
        # Checked like every upload and stored as a public file the way press photos are
        # (common.images): upright, no comment, XMP, GPS or anything appended. A logo has no
        # credit, so it carries no EXIF at all.
        logo = self.cleaned_data.get("logo")
        if logo and "logo" in self.changed_data:
            return reencoded_image(logo)
        return logo


@admin.register(Organisation)
class OrganisationAdmin(AutoSlugAdminMixin, ReadableHistoryAdminMixin, SimpleHistoryAdmin):
    form = OrganisationForm
    list_display = ["logo_thumbnail", "name", "short_name", "kind", "website"]
    # The logo is no second link to the same page (a link without a name).
    list_display_links = ["name"]
    list_filter = ["kind", "kept_back"]
    search_fields = ["name", "short_name"]
    prepopulated_fields = {"slug": ["short_name"]}
    # As Organisation.save(): the short name, else the name.
    slug_from = ("short_name", "name")
    # kept_back is set and lifted by the newsroom (newsroom.admin), never by a form: a form
    # opened before a coming release named the organisation would untick it on save.
    fields = [*OrganisationForm.Meta.fields, "kept_back"]
    readonly_fields = ["kept_back"]

    @admin.display(description=_("logo"))
    def logo_thumbnail(self, obj):
        if not obj.logo:
            return "–"
        return format_html(
            '<img src="{}" alt="" style="max-height:32px;max-width:80px">', obj.logo.url
        )
