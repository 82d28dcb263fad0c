"""Admin pieces shared by the apps: one slug rule in the browser and on the server, free slugs
for repeated titles, and a visible character limit."""

from django import forms
from django.contrib import messages
from django.utils.translation import gettext_lazy as _

from common.slugs import slugify_da, unique_slug

SLUG_JS = "js/admin-slugs.js"
CHARCOUNT_JS = "js/admin-charcount.js"


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


class AutoSlugFormMixin:
    """The admin prefills the slug from the title in the browser, so a second release with the
    same title arrives with a slug that is taken. If the slug is the one the title gives, it
    gets a free one (-2, -3 ...) and `slug_notice` says which; a slug typed by hand that is
    taken is an error that says so."""

    slug_from: tuple[str, ...] = ()

    def _slug_source(self, cleaned):
        for name in self.slug_from:
            value = cleaned.get(name)
            if value:
                return str(value)
        return None

    def clean(self):
        cleaned = super().clean()
        self.slug_notice = None
        slug = cleaned.get("slug")
        model = self._meta.model
        if not slug:
            return cleaned
        others = model._default_manager.all()
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        other = others.filter(slug=slug).first()
        if other is None:
            return cleaned
        source = self._slug_source(cleaned)
        max_length = model._meta.get_field("slug").max_length
        if source and slug == slugify_da(source)[:max_length].strip("-"):
            free = unique_slug(model, source, instance_pk=self.instance.pk)
            cleaned["slug"] = free
            self.slug_notice = _(
                "The address “%(taken)s” was already in use by “%(other)s”, "
                "so this one got the address “%(slug)s”."
            ) % {"taken": slug, "other": other, "slug": free}
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


class AutoSlugAdminMixin:
    """For a ModelAdmin with a prepopulated slug: the Danish slug rule in the browser and a
    free slug (with a message) for a repeated title."""

    slug_from: tuple[str, ...] = ()

    class Media:
        # After Django's urlify.js, whose URLify it replaces.
        js = ["admin/js/urlify.js", SLUG_JS]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        slug_from = self.slug_from or tuple(self.prepopulated_fields.get("slug", ()))
        return type(form.__name__, (AutoSlugFormMixin, form), {"slug_from": slug_from})

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        notice = getattr(form, "slug_notice", None)
        if notice:
            self.message_user(request, notice, messages.WARNING)
