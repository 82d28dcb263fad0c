from django_ckeditor_5.fields import CKEditor5Field

from common.richtext import fill_missing_alt, sanitize_html


class RichTextField(CKEditor5Field):
    """CKEditor 5 in forms; the HTML is cleaned with nh3 every time it is saved."""

    def pre_save(self, model_instance, add):
        cleaned = fill_missing_alt(sanitize_html(getattr(model_instance, self.attname)))
        setattr(model_instance, self.attname, cleaned)
        return cleaned
