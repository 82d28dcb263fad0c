import re

from django import forms
from django_ckeditor_5.fields import CKEditor5Field

from common.richtext import fill_missing_alt, sanitize_html

BETWEEN_TAGS = re.compile(r">\s+<")


def stored_form(html: str | None) -> str:
    """Rich text as it will be stored and compared: cleaned, white space between tags gone
    (CKEditor writes blocks without the line breaks a stored body may have)."""
    return BETWEEN_TAGS.sub("><", sanitize_html(html)).strip()


class RichTextFormField(forms.CharField):
    def has_changed(self, initial, data):
        # CKEditor writes an unchanged text differently from how it was stored: comparing the
        # raw HTML called every save of an untouched release a change the public sees.
        return stored_form(initial) != stored_form(data)


class RichTextField(CKEditor5Field):
    """CKEditor 5 in forms; the HTML is cleaned with nh3 every time it is saved."""

    def pre_save(self, model_instance, add):
        cleaned = fill_missing_alt(sanitize_html(getattr(model_instance, self.attname)))
        setattr(model_instance, self.attname, cleaned)
        return cleaned

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": RichTextFormField, **kwargs})
