from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from common.admin import AutoSlugAdminMixin, ReadableHistoryAdminMixin
from common.text import names_list
from common.uploads import reencoded_image, validate_image_file
from people.forms import GroupPositionForm, PositionForm
from people.models import Person, Position


class PositionInline(admin.StackedInline):
    """Stacked, a position to a box, its fields in three rows that wrap on a phone: every field
    and its error in sight without scrolling sideways."""

    model = Position
    form = PositionForm
    extra = 1
    autocomplete_fields = ["organisation"]
    fields = [
        ("title", "title_en", "organisation", "kind"),
        ("start", "end", "ended_undated"),
        "note",
    ]

    class Media:
        css = {"all": ["css/admin-positions.css"]}


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "name",
            "slug",
            "birth_date",
            "birth_year",
            "bio",
            "portrait",
            "portrait_credit",
            "email",
            "phone",
            "is_public",
        ]

    def clean_portrait(self):
        # Checked like every upload; the message goes with the field.
        portrait = self.cleaned_data.get("portrait")
        if portrait and "portrait" in self.changed_data:
            validate_image_file(portrait)
        return portrait

    def clean(self):
        # Stored as a public file the way press photos are (common.images): upright, no
        # comment, XMP, GPS or anything appended, the credit in EXIF Artist and Copyright.
        # Here, not in clean_portrait, because the credit field is cleaned after the portrait.
        cleaned_data = super().clean()
        portrait = cleaned_data.get("portrait")
        if portrait and "portrait" in self.changed_data and not self.has_error("portrait"):
            try:
                cleaned_data["portrait"] = reencoded_image(
                    portrait, credit=cleaned_data.get("portrait_credit") or ""
                )
            except ValidationError as error:
                self.add_error("portrait", error)
        return cleaned_data


@admin.register(Person)
class PersonAdmin(AutoSlugAdminMixin, ReadableHistoryAdminMixin, SimpleHistoryAdmin):
    form = PersonForm
    list_display = ["portrait_thumbnail", "name", "birth_year", "email", "phone", "is_public"]
    # The portrait is no second link to the same page (a link without a name).
    list_display_links = ["name"]
    search_fields = ["name", "positions__title", "positions__organisation__name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [PositionInline]

    def get_search_results(self, request, queryset, search_term):
        # The autocomplete (a release's people, quotes) looks people up by name as it is
        # typed: by name alone, without the join through every position and its DISTINCT
        # (100 ms a keystroke with 20,000 people).
        if request.path.endswith("/autocomplete/"):
            for word in search_term.split():
                queryset = queryset.filter(name__icontains=word)
            return queryset, False
        return super().get_search_results(request, queryset, search_term)

    fieldsets = [
        (None, {"fields": ["name", "slug", "birth_date", "birth_year", "bio", "is_public"]}),
        (_("Portrait"), {"fields": ["portrait", "portrait_credit"]}),
        (_("Contact"), {"fields": ["email", "phone"]}),
    ]

    @admin.display(description=_("portrait"))
    def portrait_thumbnail(self, obj):
        if not obj.portrait:
            return "–"
        return format_html(
            '<img src="{}" alt="" style="max-height:40px;max-width:40px">', obj.portrait.url
        )

    def get_urls(self):
        view = self.admin_site.admin_view(self.group_positions_view)
        return [
            path("group-positions/", view, name="people_person_group_positions"),
            *super().get_urls(),
        ]

    def group_positions_view(self, request):
        """A whole board at once: several roles (chair, vice-chair, members), each for several
        people and with its own dates or the board's, new names made into people on the way."""
        needed = ["people.add_position", "people.add_person"]
        if not request.user.has_perms(needed):
            raise PermissionDenied
        form = GroupPositionForm(
            request.POST or None, initial={"organisation": request.GET.get("organisation")}
        )
        site = self.admin_site
        # Typed names looked up as the release and position forms do (Position's own fields).
        fields = [(form.fields["organisation"], AutocompleteSelect, "organisation")]
        fields += [
            (role.fields["people"], AutocompleteSelectMultiple, "person") for role in form.roles
        ]
        for field, widget_class, model_field in fields:
            field.widget = widget_class(Position._meta.get_field(model_field), site)
            field.widget.choices = field.choices
        if request.method == "POST" and form.is_valid():
            with transaction.atomic():
                roles = form.save()
            organisation = form.cleaned_data["organisation"]
            for title, positions in roles:
                names = [position.person.name for position in positions]
                self.message_user(
                    request,
                    ngettext(
                        "%(names)s now has the role %(title)s at %(organisation)s.",
                        "%(names)s now have the role %(title)s at %(organisation)s.",
                        len(names),
                    )
                    % {"names": names_list(names), "title": title, "organisation": organisation},
                    messages.SUCCESS,
                )
            return redirect(
                reverse("admin:organisations_organisation_change", args=[organisation.pk])
            )
        context = {
            **site.each_context(request),
            "title": _("Add a board: several people and roles"),
            "form": form,
            # A refused role row is as much a refusal as the board's own fields.
            "form_has_errors": form.is_bound
            and bool(form.errors or any(role.errors for role in form.roles)),
            "media": self.media + form.media,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/people/person/group_positions.html", context)
