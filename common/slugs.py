from django.utils.text import slugify

# Danish letters get their conventional ASCII spelling instead of being dropped.
DANISH_TRANSLITERATION = str.maketrans(
    {"æ": "ae", "Æ": "Ae", "ø": "oe", "Ø": "Oe", "å": "aa", "Å": "Aa"}
)


def slugify_da(text: str) -> str:
    """A URL slug that keeps Danish words readable: "Møller" -> "moeller"."""
    return slugify(str(text).translate(DANISH_TRANSLITERATION))


def unique_slug(
    model, text: str, *, instance_pk=None, field: str = "slug", max_length=None, reserved=None
):
    """slugify_da(text), with -2, -3 ... appended until no other row uses it (nor is it
    `reserved(candidate)`, e.g. an earlier address that still redirects)."""
    max_length = max_length or model._meta.get_field(field).max_length
    base = slugify_da(text)[:max_length].strip("-") or "x"
    candidate, counter = base, 2
    others = (
        model._default_manager.exclude(pk=instance_pk) if instance_pk else model._default_manager
    )
    while others.filter(**{field: candidate}).exists() or (reserved and reserved(candidate)):
        suffix = f"-{counter}"
        candidate = f"{base[: max_length - len(suffix)]}{suffix}"
        counter += 1
    return candidate
