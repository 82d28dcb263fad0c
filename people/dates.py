"""Dates known only to a year, a month or a day, as biographies give them."""

import calendar
import datetime

from django.db import models
from django.utils import formats
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Precision(models.TextChoices):
    YEAR = "year", _("Year")
    MONTH = "month", _("Year and month")
    DAY = "day", _("Date")


def normalise(value: datetime.date, precision: str) -> datetime.date:
    """Store the first day of the period, so that equal periods compare equal."""
    if precision == Precision.YEAR:
        return value.replace(month=1, day=1)
    if precision == Precision.MONTH:
        return value.replace(day=1)
    return value


def last_day(value: datetime.date, precision: str) -> datetime.date:
    """The last day of the period that value stands for."""
    if precision == Precision.YEAR:
        return value.replace(month=12, day=31)
    if precision == Precision.MONTH:
        return value.replace(day=calendar.monthrange(value.year, value.month)[1])
    return value


def format_partial(value: datetime.date, precision: str) -> str:
    """ "2018", "februar 2018" or "1. februar 2018", in the active language."""
    if precision == Precision.YEAR:
        return str(value.year)
    if precision == Precision.MONTH:
        text = formats.date_format(value, "YEAR_MONTH_FORMAT")
        # Danish writes month names in lower case mid-sentence; English capitalises them.
        return text.lower() if get_language().startswith("da") else text
    return formats.date_format(value, "DATE_FORMAT")
