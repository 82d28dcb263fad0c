import csv

from django.contrib import admin
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from media.admin import thumbnail
from newsroom.models import (
    PressRelease,
    ReleaseContact,
    ReleaseImage,
    ReleaseOrganisation,
    ReleasePerson,
    Subscription,
    Topic,
)


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
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


@admin.register(PressRelease)
class PressReleaseAdmin(admin.ModelAdmin):
    list_display = ["lead_thumbnail", "title", "status", "publish_at", "byline", "is_public"]
    list_display_links = ["lead_thumbnail", "title"]
    list_filter = ["status", "topics", "byline", ("publish_at", admin.DateFieldListFilter)]
    list_select_related = ["byline"]
    search_fields = ["title", "lead", "body"]
    date_hierarchy = "publish_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["byline", "topics", "documents"]
    inlines = [
        ReleaseImageInline,
        ReleaseContactInline,
        ReleasePersonInline,
        ReleaseOrganisationInline,
    ]
    fieldsets = [
        (None, {"fields": ["title", "slug", "lead", "body", "byline", "topics", "documents"]}),
        (_("Publishing"), {"fields": ["status", "publish_at"]}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).for_listing()

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def view_on_site(self, obj):
        # Unpublished releases open in the staff-only preview instead of a 404.
        return obj.get_absolute_url() if obj.is_published else obj.get_preview_url()

    @admin.display(description=_("photo"))
    def lead_thumbnail(self, obj):
        image = obj.lead_image
        return thumbnail(image) if image else "–"

    @admin.display(description=_("public now"), boolean=True)
    def is_public(self, obj):
        return obj.is_published


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
