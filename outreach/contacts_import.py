"""Journalists from a spreadsheet: CSV as spreadsheets in Denmark write it.

Semicolon or comma (or tab) between fields; UTF-8 with or without a byte-order mark, UTF-16
(Excel's "Unicode text") or Windows-1252; Danish or English headers. The same address is the
same journalist (merged, whatever its case). An address that is suppressed (unsubscribed,
bounced, complained, erased) is skipped and named, so importing the same sheet again never
brings it back. A row that cannot be read is named with its line number and nothing at all is
imported: the sheet is fixed and imported again.
"""

import codecs
import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from newsroom.models import Topic
from outreach.models import Contact, MediaList, Suppression, email_hash, normalized_email

# Header (case and spaces ignored) -> field.
HEADERS = {
    "navn": "name",
    "name": "name",
    "fulde navn": "name",
    "full name": "name",
    "kontakt": "name",
    "e-mail": "email",
    "email": "email",
    "e-mailadresse": "email",
    "email address": "email",
    "e-mail address": "email",
    "mail": "email",
    "medie": "outlet",
    "medier": "outlet",
    "outlet": "outlet",
    "media": "outlet",
    "medium": "outlet",
    "redaktion": "outlet",
    "publication": "outlet",
    "sprog": "language",
    "language": "language",
    "emner": "topics",
    "emne": "topics",
    "topics": "topics",
    "beats": "topics",
    "stofområde": "topics",
    "stofområder": "topics",
    "telefon": "phone",
    "tlf": "phone",
    "tlf.": "phone",
    "mobil": "phone",
    "phone": "phone",
    "noter": "notes",
    "note": "notes",
    "bemærkninger": "notes",
    "notes": "notes",
    "kilde": "source",
    "source": "source",
    "grundlag": "lawful_basis",
    "retsgrundlag": "lawful_basis",
    "lawful basis": "lawful_basis",
}
LANGUAGES = {
    "": "da",
    "da": "da",
    "dk": "da",
    "dansk": "da",
    "danish": "da",
    "en": "en",
    "eng": "en",
    "engelsk": "en",
    "english": "en",
}
LAWFUL_BASES = {
    "": Contact.LawfulBasis.LEGITIMATE_INTEREST,
    "legitim interesse": Contact.LawfulBasis.LEGITIMATE_INTEREST,
    "legitimate interest": Contact.LawfulBasis.LEGITIMATE_INTEREST,
    "samtykke": Contact.LawfulBasis.CONSENT,
    "consent": Contact.LawfulBasis.CONSENT,
}


class ImportRefused(Exception):
    """The sheet cannot be imported as it is; `problems` names each row and what is wrong."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class ImportReport:
    list_name: str
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "row 7 (a@b.dk): unsubscribed"
    dry_run: bool = False

    def lines(self) -> list[str]:
        heading = _("Dry run: nothing was saved.") if self.dry_run else ""
        summary = _(
            "%(added)s added, %(updated)s updated, %(skipped)s skipped (list “%(list)s”)."
        ) % {
            "added": len(self.added),
            "updated": len(self.updated),
            "skipped": len(self.skipped),
            "list": self.list_name,
        }
        return [line for line in (heading, summary) if line] + [
            _("Skipped: %(why)s") % {"why": why} for why in self.skipped
        ]


def decode(data: bytes) -> str:
    """The sheet's text: a byte-order mark decides; else UTF-8; else Windows-1252."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise ImportRefused(
            [_("The file is not text in UTF-8 or Windows-1252. Save it as CSV and try again.")]
        ) from None


def _dialect(text: str):
    first_line = text.split("\n", 1)[0]
    counts = {delimiter: first_line.count(delimiter) for delimiter in (";", ",", "\t")}
    delimiter = max(counts, key=counts.get)

    class Sheet(csv.excel):
        pass

    Sheet.delimiter = delimiter
    return Sheet


@dataclass
class Row:
    line: int
    name: str
    email: str
    outlet: str = ""
    language: str = "da"
    topics_text: str = ""
    phone: str = ""
    notes: str = ""
    source: str = ""
    lawful_basis: str = Contact.LawfulBasis.LEGITIMATE_INTEREST


def read_rows(data: bytes) -> list[Row]:
    """Every row of the sheet, or ImportRefused naming each row that cannot be read."""
    text = decode(data)
    if not text.strip():
        raise ImportRefused([_("The file is empty.")])
    reader = csv.reader(io.StringIO(text, newline=""), dialect=_dialect(text))
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as error:
        message = _("The file cannot be read as CSV: %(error)s") % {"error": error}
        raise ImportRefused([message]) from None
    columns = {}
    for index, title in enumerate(header):
        name = HEADERS.get(" ".join(title.strip().lower().split()))
        if name and name not in columns.values():
            columns[index] = name
    missing = [
        label
        for key, label in (("email", "e-mail"), ("name", "navn/name"))
        if key not in columns.values()
    ]
    if missing:
        raise ImportRefused(
            [
                _("The first row must name the columns; missing: %(missing)s (found: %(found)s).")
                % {"missing": ", ".join(missing), "found": ", ".join(h for h in header if h)}
            ]
        )
    rows, problems = [], []
    try:
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            values = {columns[i]: cell.strip() for i, cell in enumerate(cells) if i in columns}
            row, problem = _row(line, values)
            if problem:
                problems.append(problem)
            else:
                rows.append(row)
    except csv.Error as error:
        problems.append(_("Row %(line)s: %(error)s") % {"line": reader.line_num, "error": error})
    if problems:
        raise ImportRefused(problems)
    return rows


def _row(line: int, values: dict) -> tuple[Row | None, str]:
    email = normalized_email(values.get("email", ""))
    name = " ".join(values.get("name", "").split())
    where = _("Row %(line)s") % {"line": line}
    if not email:
        return None, _("%(where)s: no e-mail address.") % {"where": where}
    try:
        validate_email(email)
    except ValidationError:
        return None, _("%(where)s: “%(email)s” is not an e-mail address.") % {
            "where": where,
            "email": values.get("email", ""),
        }
    if not name:
        return None, _("%(where)s (%(email)s): no name.") % {"where": where, "email": email}
    language = LANGUAGES.get(values.get("language", "").lower())
    if language is None:
        return None, _("%(where)s (%(email)s): the language “%(value)s” is neither da nor en.") % {
            "where": where,
            "email": email,
            "value": values.get("language", ""),
        }
    basis = LAWFUL_BASES.get(values.get("lawful_basis", "").lower())
    if basis is None:
        return None, _(
            "%(where)s (%(email)s): the lawful basis “%(value)s” is neither “legitim interesse” "
            "nor “samtykke”."
        ) % {"where": where, "email": email, "value": values.get("lawful_basis", "")}
    return (
        Row(
            line=line,
            name=name[:200],
            email=email,
            outlet=values.get("outlet", "")[:200],
            language=language,
            topics_text=values.get("topics", "")[:300],
            phone=values.get("phone", "")[:40],
            notes=values.get("notes", ""),
            source=values.get("source", "")[:300],
            lawful_basis=basis,
        ),
        "",
    )


def _topics(text: str) -> list[Topic]:
    names = [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]
    if not names:
        return []
    query = Q()
    for name in names:
        query |= Q(name__iexact=name) | Q(name_en__iexact=name)
    return list(Topic.objects.filter(query))


def import_contacts(
    data: bytes, list_name: str, *, dry_run: bool = False, source: str = ""
) -> ImportReport:
    """Import a sheet into the media list `list_name` (made if new). Raises ImportRefused,
    with nothing written, when a row cannot be read."""
    rows = read_rows(data)
    report = ImportReport(list_name=list_name, dry_run=dry_run)
    suppressed = dict(
        Suppression.objects.filter(email_hash__in={email_hash(r.email) for r in rows}).values_list(
            "email_hash", "reason"
        )
    )
    reasons = dict(Suppression.Reason.choices)
    seen: dict[str, int] = {}
    with transaction.atomic():
        media_list, _created = MediaList.objects.get_or_create(name=list_name.strip()[:200])
        for row in rows:
            label = _("row %(line)s (%(email)s)") % {"line": row.line, "email": row.email}
            if row.email in seen:
                report.skipped.append(
                    _("%(row)s: the same address as row %(first)s; merged with it.")
                    % {"row": label, "first": seen[row.email]}
                )
            seen.setdefault(row.email, row.line)
            reason = suppressed.get(email_hash(row.email))
            if reason:
                report.skipped.append(
                    _("%(row)s: %(reason)s; gets no pitches.")
                    % {"row": label, "reason": reasons[reason]}
                )
                continue
            contact = Contact.objects.filter(email=row.email).first()
            fields = {
                "name": row.name,
                "outlet": row.outlet,
                "language": row.language,
                "beats": row.topics_text,
                "phone": row.phone,
                "notes": row.notes,
            }
            if contact is None:
                contact = Contact(
                    email=row.email,
                    lawful_basis=row.lawful_basis,
                    source=row.source or source,
                    basis_since=timezone.localdate(),
                    **fields,
                )
                contact.save()
                if row.line == seen[row.email]:
                    report.added.append(row.email)
            else:
                # What the sheet gives replaces what is held; an empty cell keeps it.
                for name, value in fields.items():
                    if value:
                        setattr(contact, name, value)
                contact.save()
                if row.email not in report.added and row.email not in report.updated:
                    report.updated.append(row.email)
            contact.lists.add(media_list)
            contact.topics.add(*_topics(row.topics_text))
        if dry_run:
            transaction.set_rollback(True)
    return report
