from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from outreach.contacts_import import ImportRefused, import_contacts


class Command(BaseCommand):
    help = (
        "Import journalists from a CSV sheet into a media list (semicolon or comma; UTF-8, "
        "with or without BOM, or Windows-1252; Danish or English headers: navn/name, "
        "e-mail/email, medie/outlet, sprog/language, emner/topics, telefon/phone, noter/notes, "
        "kilde/source). The same address is the same journalist; suppressed addresses are "
        "skipped; a bad row is named and nothing is imported."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The CSV file")
        parser.add_argument("--list", required=True, dest="list_name", help="The media list")
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would happen; save nothing."
        )
        parser.add_argument("--source", default="", help="Where the addresses come from.")

    def handle(self, *, file, list_name, dry_run, source, **options):
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}") from None
        try:
            report = import_contacts(
                data, list_name, dry_run=dry_run, source=source or f"Import: {path.name}"
            )
        except ImportRefused as refused:
            raise CommandError(
                "Nothing was imported:\n" + "\n".join(f"  {line}" for line in refused.problems)
            ) from None
        for line in report.lines():
            self.stdout.write(line)
