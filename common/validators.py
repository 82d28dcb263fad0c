from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

LINE_BREAKS = ("\n", "\r", "\u2028", "\u2029", "\x0b", "\x0c", "\x85")


def validate_single_line(value: str):
    """Titles are one line everywhere they appear (lists, feeds, e-mail subjects, <title>)."""
    if any(character in value for character in LINE_BREAKS):
        raise ValidationError(
            _("The title must be a single line. Remove the line break."), code="line_break"
        )
