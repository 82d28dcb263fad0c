"""Admin pieces shared by the apps: one slug rule in the browser and on the server, free slugs
for repeated titles, a visible character limit, and a word after the save about whatever the
rich-text cleaning dropped."""

import datetime
import json

from django import forms
from django.contrib import messages
from django.contrib.admin.widgets import AdminSplitDateTime
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db import connections
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.template_utils import HistoricalRecordContextHelper

from common.fields import RichTextField
from common.richtext import removed_by_sanitiser, tables_without_headers
from common.slugs import slugify_da, unique_slug
from common.templatetags.site import with_zone

SLUG_JS = "js/admin-slugs.js"
CHARCOUNT_JS = "js/admin-charcount.js"
# The first click on Save counts even with a CKEditor menu open.
SUBMIT_JS = "js/admin-submit.js"


def count_characters(field: forms.Field, limit: int) -> None:
    """Show the limit while typing (static/js/admin-charcount.js) instead of the browser's
    maxlength, which silently cuts a pasted headline; the form's max-length check says it."""
    field.widget.attrs.pop("maxlength", None)
    field.widget.attrs.update(
        {
            "data-charcount-limit": str(limit),
            "data-charcount-text": str(_("%(count)s of %(limit)s characters")),
            "data-charcount-over": str(_("%(count)s of %(limit)s characters: %(over)s too many")),
        }
    )


class DescribedSplitDateTime(AdminSplitDateTime):
    """The admin's date and time boxes, each described by the field's help text and, when the
    form refuses the time, by its error. Django's points both at a time-zone warning that
    exists only when the browser's zone differs (static/js/admin-a11y.js adds it then), and
    leaves the help and the error on the fieldset around them, which a screen reader does not
    read when the focus lands on a box."""

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        field_id = context["widget"]["attrs"].get("id")
        if field_id:
            described = [f"{field_id}_helptext"]
            if context["widget"]["attrs"].get("aria-invalid") == "true":
                described.append(f"{field_id}_error")
            for widget in context["widget"]["subwidgets"]:
                widget["attrs"]["aria-describedby"] = " ".join(described)
        return context


def describe_split_datetime(field: forms.Field) -> None:
    """Give a SplitDateTimeField the boxes above (its help text is then required)."""
    widget = DescribedSplitDateTime()
    widget.is_required = field.required
    field.widget = widget


class AutoSlugFormMixin:
    """The admin prefills the slug from the title in the browser, so a second release with the
    same title arrives with a slug that is taken. If the slug is the one the title gives, it
    gets a free one (-2, -3 ...) and `admin_notices` says which; a slug typed by hand that is
    taken is an error that says so. `slug_reserved(slug, pk)` names what else holds an
    address (a release's earlier address, which still redirects to it)."""

    slug_from: tuple[str, ...] = ()
    slug_reserved = None

    def full_clean(self):
        self.admin_notices = []  # shown by AutoSlugAdminMixin.save_model
        super().full_clean()

    def _slug_source(self, cleaned):
        for name in self.slug_from:
            value = cleaned.get(name)
            if value:
                return str(value)
        return None

    def clean(self):
        cleaned = super().clean()
        if "slug" not in self.fields:
            return cleaned
        slug = cleaned.get("slug")
        model = self._meta.model
        source = self._slug_source(cleaned)
        reserved = None
        if self.slug_reserved is not None:

            def reserved(candidate):
                return self.slug_reserved(candidate, self.instance.pk)

        if not slug:
            if source and reserved is not None and "slug" not in self.errors:
                # As the model would make it, but past the reserved addresses too.
                cleaned["slug"] = unique_slug(
                    model, source, instance_pk=self.instance.pk, reserved=reserved
                )
            return cleaned
        others = model._default_manager.all()
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        other = others.filter(slug=slug).first() or (reserved(slug) if reserved else None)
        if other is None:
            return cleaned
        max_length = model._meta.get_field("slug").max_length
        if source and slug == slugify_da(source)[:max_length].strip("-"):
            free = unique_slug(model, source, instance_pk=self.instance.pk, reserved=reserved)
            cleaned["slug"] = free
            self.admin_notices.append(
                _(
                    "The address “%(taken)s” was already in use by “%(other)s”, "
                    "so this one got the address “%(slug)s”."
                )
                % {"taken": slug, "other": other, "slug": free}
            )
        else:
            self.add_error(
                "slug",
                forms.ValidationError(
                    _(
                        "The address “%(slug)s” is already used by “%(other)s”. Choose another, "
                        "or empty the field to have a free one made."
                    ),
                    code="unique",
                    params={"slug": slug, "other": other},
                ),
            )
        return cleaned


# How the admin names what the sanitiser (common/richtext.py) would drop.
ELEMENT_NAMES = {
    "u": _("underline"),
    "ins": _("underline"),
    "s": _("strikethrough"),
    "strike": _("strikethrough"),
    "del": _("strikethrough"),
    "sub": _("subscript"),
    "sup": _("superscript"),
    "code": _("code"),
    "pre": _("code block"),
    "hr": _("horizontal line"),
    "mark": _("highlighting"),
    "img": _("image from outside the media library"),
    "a": _("link"),
    "iframe": _("embedded content"),
    "oembed": _("embedded media"),
    "video": _("video"),
    "audio": _("audio"),
    "script": _("script"),
    "input": _("checkbox"),
    "h1": _("heading 1"),
    "h5": _("heading 5"),
    "h6": _("heading 6"),
}


class RichTextNoticeFormMixin:
    """Text a person wrote is never lost silently: if cleaning the rich text would drop words,
    the form refuses with them; if it drops formatting or elements the public pages do not
    show, the save goes through and `admin_notices` lists what went."""

    def full_clean(self):
        self.admin_notices = []
        super().full_clean()

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            model = self._meta.model
            model_field = model._meta.get_field(name) if _is_model_field(model, name) else None
            if not isinstance(model_field, RichTextField) or not value:
                continue
            removal = removed_by_sanitiser(value)
            if removal.texts:
                self.add_error(
                    name,
                    forms.ValidationError(
                        _(
                            "Saving would remove text you wrote: %(texts)s. Write it as "
                            "ordinary text, or delete it yourself."
                        ),
                        code="text_lost",
                        params={"texts": "; ".join(f"“{text}”" for text in removal.texts)},
                    ),
                )
            elif removal.elements:
                removed = ", ".join(
                    f"{ELEMENT_NAMES.get(tag, f'<{tag}>')} ({count})"
                    for tag, count in removal.elements
                )
                self.admin_notices.append(
                    _(
                        "“%(field)s” was saved without what the public pages cannot show: "
                        "%(removed)s. The text itself is kept; check that it still reads "
                        "right."
                    )
                    % {"field": self.fields[name].label, "removed": removed}
                )
            headless = tables_without_headers(value)
            if headless:
                self.admin_notices.append(
                    ngettext(
                        "A table in “%(field)s” has no header row. Click in the table, open "
                        "“Row” in its toolbar and choose “Header row”, so screen readers can "
                        "say what each number is.",
                        "%(count)d tables in “%(field)s” have no header row. Click in each "
                        "table, open “Row” in its toolbar and choose “Header row”, so screen "
                        "readers can say what each number is.",
                        headless,
                    )
                    % {"count": headless, "field": self.fields[name].label}
                )
        return cleaned


def _is_model_field(model, name):
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:  # a form-only field
        return False
    return True


class ReadableHistoryHelper(HistoricalRecordContextHelper):
    """A change in the history as staff read it: a choice by its label, a time in Copenhagen
    time with its zone, an empty value as a dash (not "draft", "2021-05-03 07:00:00+00:00",
    "None")."""

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        field = self.model._meta.get_field(change.field)
        if value is None or value == "":
            return "–"
        if getattr(field, "choices", None) and not isinstance(value, list):
            return dict(field.flatchoices).get(value, value)
        if isinstance(value, datetime.datetime):
            return with_zone(value)
        if isinstance(value, datetime.date):
            return date_format(value)
        return value


class ReadableHistoryAdminMixin:
    """For a SimpleHistoryAdmin: its list of versions in the staff's words."""

    object_history_list_template = "admin/history_list.html"

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableHistoryHelper(self.model, historical_record)


class AutoSlugAdminMixin:
    """For a ModelAdmin with a prepopulated slug: the Danish slug rule in the browser, a free
    slug for a repeated title, and a warning after save for anything the rich-text cleaning
    dropped (the form's `admin_notices`)."""

    slug_from: tuple[str, ...] = ()
    # (slug, pk) -> what else holds that address, or None; see AutoSlugFormMixin.
    slug_reserved = None

    class Media:
        # After Django's urlify.js, whose URLify it replaces.
        js = ["admin/js/urlify.js", SLUG_JS, SUBMIT_JS]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        slug_from = self.slug_from or tuple(self.prepopulated_fields.get("slug", ()))
        attributes = {"slug_from": slug_from}
        if self.slug_reserved is not None:
            attributes["slug_reserved"] = staticmethod(self.slug_reserved)
        return type(form.__name__, (AutoSlugFormMixin, RichTextNoticeFormMixin, form), attributes)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        for notice in getattr(form, "admin_notices", []):
            self.message_user(request, notice, messages.WARNING)


class EstimatedCountPaginator(Paginator):
    """The admin's lists without a COUNT(*) of a large table on every load: on PostgreSQL the
    planner's estimate of the list's rows is used once it says more than ESTIMATE_FROM (where a
    page number in the thousands is near enough); smaller lists are counted exactly."""

    ESTIMATE_FROM = 10_000

    @cached_property
    def count(self):
        rows = self.object_list
        db = connections[getattr(rows, "db", "default")]
        if db.vendor == "postgresql" and hasattr(rows, "query"):
            sql, params = rows.order_by().query.sql_with_params()
            with db.cursor() as cursor:
                cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
                plan = cursor.fetchone()[0]
            if isinstance(plan, str):
                plan = json.loads(plan)
            estimate = int(plan[0]["Plan"]["Plan Rows"])
            if estimate > self.ESTIMATE_FROM:
                return estimate
        return super().count
