"""Characters no one types on purpose, taken out of stored text.

Control characters (C0 but tab and line breaks, DEL, C1) cannot be written in XML 1.0: one in a
lead made every RSS and Atom feed answer 500. Bidi overrides and zero-width characters are
invisible and make a one-line text (a title, a name, an e-mail subject) read otherwise than it
is stored ("Trojan Source"), so they are taken out of one-line fields as well.
"""

import re

from django.db import models

CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")
INVISIBLE_CHARACTERS = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")


def without_control_characters(text):
    """Text that XML 1.0 can carry; anything that is not a string is left as it is."""
    if not isinstance(text, str):
        return text
    return CONTROL_CHARACTERS.sub("", text)


def one_line_text(text):
    """A one-line field's text: no control, bidi override or zero-width characters."""
    if not isinstance(text, str):
        return text
    return INVISIBLE_CHARACTERS.sub("", CONTROL_CHARACTERS.sub("", text))


# The apps whose models keep what staff, imports and subscribers write.
CLEANED_APPS = {"newsroom", "people", "organisations", "media", "common", "outreach"}


def clean_text_fields(sender, instance, raw=False, **kwargs):
    """pre_save, for every model of ours: whatever road a text takes (admin, import, script,
    API), it is stored without the characters above."""
    if raw or sender._meta.app_label not in CLEANED_APPS:
        return
    for field in sender._meta.concrete_fields:
        if isinstance(field, models.CharField):
            clean = one_line_text
        elif isinstance(field, models.TextField):
            clean = without_control_characters
        else:
            continue
        value = getattr(instance, field.attname)
        if isinstance(value, str):
            cleaned = clean(value)
            if cleaned != value:
                setattr(instance, field.attname, cleaned)


def names_list(names) -> str:
    """Names as a sentence lists them, in the active language: "A, B og C", "A, B and C"."""
    from django.utils.translation import gettext

    names = [str(name) for name in names]
    if len(names) < 2:
        return "".join(names)
    return gettext("%(names)s and %(last)s") % {"names": ", ".join(names[:-1]), "last": names[-1]}
