"""Dates known only to a year, a month or a day, as biographies give them."""

import calendar
import datetime
import re
from typing import NamedTuple

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


class PartialDate(NamedTuple):
    """A date as far as it is known: the first day of its period, and the period's size."""

    date: datetime.date
    precision: Precision


DANISH_MONTHS = [
    "januar", "februar", "marts", "april", "maj", "juni",
    "juli", "august", "september", "oktober", "november", "december",
]  # fmt: skip
ENGLISH_MONTHS = [
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
]  # fmt: skip


def _month_names() -> dict[str, int]:
    names = {"sept": 9}
    for number, words in enumerate(zip(DANISH_MONTHS, ENGLISH_MONTHS, strict=True), start=1):
        for word in words:
            names[word] = number
            names[word[:3]] = number  # jan ... maj ... okt ... dec, and may, oct
    return names


MONTHS = _month_names()
_MONTH = r"(?P<month_name>[a-zæøå]+)\.?"
_YEAR = r"(?P<year>\d{4})"
# Each way a biography writes a date, from the coarsest; matched against the lower-cased
# text with its spaces collapsed.
_PATTERNS = [
    (Precision.YEAR, rf"{_YEAR}"),
    (Precision.MONTH, rf"{_MONTH},? ?{_YEAR}"),  # feb 2018, februar 2018, February 2018
    (Precision.MONTH, rf"(?P<month>\d{{1,2}})[./]{_YEAR}"),  # 2.2018, 02/2018
    (Precision.MONTH, rf"{_YEAR}-(?P<month>\d{{1,2}})"),  # 2018-02
    (Precision.DAY, rf"(?P<day>\d{{1,2}})[./-](?P<month>\d{{1,2}})[./-]{_YEAR}"),  # 1.2.2018
    (Precision.DAY, rf"{_YEAR}-(?P<month>\d{{1,2}})-(?P<day>\d{{1,2}})"),  # 2018-02-01
    (Precision.DAY, rf"(?P<day>\d{{1,2}})\.? ?{_MONTH},? ?{_YEAR}"),  # 1. februar 2018
    (Precision.DAY, rf"{_MONTH} (?P<day>\d{{1,2}}),? {_YEAR}"),  # February 1, 2018
]
# ASCII: \d is 0-9 only, not every script's digits.
_COMPILED = [(precision, re.compile(pattern, re.ASCII)) for precision, pattern in _PATTERNS]


def parse_partial(text: str) -> PartialDate:
    """Read "2017", "feb 2018", "februar 2018", "1.2.2018" or "2018-02-01" (Danish or English
    month names, full or cut to three letters) as a date with the precision it was given in.

    Raises ValueError for anything else, including an empty text and impossible dates.
    """
    cleaned = " ".join(text.lower().split())
    for precision, pattern in _COMPILED:
        match = pattern.fullmatch(cleaned)
        if match is None:
            continue
        parts = match.groupdict()
        if parts.get("month_name") is not None:
            if parts["month_name"] not in MONTHS:
                raise ValueError(f"unknown month {parts['month_name']!r}")
            month = MONTHS[parts["month_name"]]
        else:
            month = int(parts.get("month") or 1)
        day = int(parts.get("day") or 1)
        # date() refuses month 13 and 32 January with a ValueError of its own.
        return PartialDate(datetime.date(int(parts["year"]), month, day), precision)
    raise ValueError(f"not a date: {text!r}")


def format_typed(value: datetime.date, precision: str) -> str:
    """The date as a person types it, and parse_partial reads it back: "2017",
    "februar 2018" (in the active language) or "1.2.2018"."""
    if precision == Precision.DAY:
        return f"{value.day}.{value.month}.{value.year}"
    return format_partial(value, precision)
