import argparse
import time

from django.core.management.base import BaseCommand, CommandError, DjangoHelpFormatter
from django.utils.translation import gettext as _

from newsroom.importer import FeedError, FeedImporter, load_feed, read_feed

DESCRIPTION = """\
Import releases from another newsroom's feed: RSS 2.0, Atom 1.0 or JSON Feed 1.1, from a
file or an http(s) address.

Each entry becomes a release with its own publish time and updated time (never the import's;
a date without a time is that day at 00:00 Copenhagen time), title, lead (the summary, as
plain text), body (cleaned like every body), topics (from its categories, but for those named
with --skip-category), the image from its enclosure or media:content, else the figure a
WordPress post starts with, as a press photo in the media library (credit from media:credit,
the figure caption's "Foto: NAME", the file's EXIF Artist or - named in the report - the
entry's dc:creator, in that order), its media contacts (from the closing contact block), its
original address (http(s) only) and its id, which our feeds go on using. Running the same
import again changes nothing; a changed entry updates its release, unless the release was
changed here since the import (listed; --overwrite replaces it).

What a newsroom's feed adds around the release's text is recognised and not kept twice:
a leading <figure> with the entry's image (its alt text, caption and credit go to the photo),
a paragraph that repeats the summary (before or after that figure), a closing contact block
("For yderligere oplysninger", "Kontakt:", "Pressekontakt", "For further information",
"Media contact", then lines of name, title, phone and e-mail: the media contact here with
that e-mail or phone, else a new unlisted one), and photo credits written after body images.
A summary that is the start of the first paragraph gives way to that paragraph as the lead.

Not kept, and named in the report: images inside the body from other sites, embedded video
and iframes, photos beyond the first; people, organisations and the byline are not read.
Entries without a date are skipped; an image that fails the upload checks is left out and
the release imported without it. Each release is saved in its own transaction, its photo
just before it (removed again if the release cannot be saved). Imported releases send no
e-mail alerts.

The feed and its images are fetched from public addresses only (not loopback, private,
link-local, multicast, reserved or cloud metadata addresses, also after a redirect);
--allow-private-addresses allows an intranet source.
"""


class RawDescriptionFormatter(DjangoHelpFormatter, argparse.RawDescriptionHelpFormatter):
    pass


class Command(BaseCommand):
    help = DESCRIPTION

    def create_parser(self, prog_name, subcommand, **kwargs):
        return super().create_parser(
            prog_name, subcommand, formatter_class=RawDescriptionFormatter, **kwargs
        )

    def add_arguments(self, parser):
        parser.add_argument("source", metavar="FILE_OR_URL", help="The feed: a file or a URL.")
        parser.add_argument(
            "--as-draft",
            action="store_true",
            help="Import as drafts (publish time kept) instead of published releases.",
        )
        parser.add_argument(
            "--redirects",
            action="store_true",
            help=(
                "Make each entry's old address (the path of its link) answer 301 to the "
                "release, for when the old site's domain now points at this newsroom."
            ),
        )
        parser.add_argument(
            "--allow-private-addresses",
            action="store_true",
            help=(
                "Also fetch the feed and its images from loopback, private-network and "
                "link-local addresses (an intranet source). Refused otherwise, also after a "
                "redirect; cloud metadata addresses are refused always."
            ),
        )
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help=(
                "Also update releases changed here since their import with the feed's "
                "version (without it they are left as they are and listed)."
            ),
        )
        parser.add_argument(
            "--skip-category",
            action="append",
            default=[],
            metavar="NAME",
            help=(
                "Leave this category out of the topics (whatever the case), e.g. "
                '"Pressemeddelelser"; may be given more than once.'
            ),
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Read and check the feed and say what would happen; nothing is written and "
            "no image is fetched.",
        )

    def handle(self, *args, source, as_draft, redirects, dry_run, verbosity, **options):
        started = time.perf_counter()
        allow_private = options["allow_private_addresses"]
        try:
            data, url, is_file = load_feed(source, allow_private=allow_private)
            entries = read_feed(data, url=url)
        except FeedError as error:
            raise CommandError(str(error)) from None
        importer = FeedImporter(
            as_draft=as_draft,
            redirects=redirects,
            dry_run=dry_run,
            overwrite=options["overwrite"],
            skip_categories=options["skip_category"],
            files_allowed=is_file,
            allow_private=allow_private,
            label=source,
            progress=self.progress if verbosity >= 1 else None,
        )
        report = importer.run(entries)
        if not report.dry_run and (report.imported or report.updated):
            # Fresh planner statistics for what was written: a newsroom that has just moved in
            # is fast from its first reader, not once autovacuum gets round to it (README).
            analyze_after_import()
        seconds = time.perf_counter() - started
        self.write_report(report, len(entries), seconds)

    def progress(self, done: int, total: int):
        """One line on stderr, redrawn in place: the report on stdout stays clean."""
        width = 30
        filled = int(width * done / max(total, 1))
        bar = f"\r{_('Importing')} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}"
        self.stderr.write(bar, style_func=str, ending="\n" if done >= total else "")
        self.stderr.flush()

    def write_report(self, report, total: int, seconds: float):
        counts = {
            "total": total,
            "imported": len(report.imported),
            "updated": len(report.updated),
            "unchanged": len(report.unchanged),
            "skipped": len(report.skipped),
        }
        if report.dry_run:
            summary = _(
                "%(total)d entries: %(imported)d to import, %(updated)d to update, "
                "%(unchanged)d unchanged, %(skipped)d to skip (dry run: nothing was written)."
            )
        else:
            summary = _(
                "%(total)d entries: %(imported)d imported, %(updated)d updated, "
                "%(unchanged)d unchanged, %(skipped)d skipped."
            )
        written = len(report.imported) + len(report.updated)
        pace = ""
        if written and seconds and not report.dry_run:
            pace = " " + _("%(seconds).1f s, %(rate)d releases a second.") % {
                "seconds": seconds,
                "rate": written / seconds,
            }
        self.stdout.write(summary % counts + pace)
        if not total:
            self.stdout.write(
                self.style.WARNING(
                    _(
                        "The feed has no entries: nothing was imported. Is it the right "
                        "address or file, and is its encoding right?"
                    )
                )
            )
            return
        if report.changed_here:
            self.stdout.write(
                _(
                    "Changed here since the import; left as they are (use --overwrite to "
                    "replace them with the feed's version):"
                )
            )
            for name in report.changed_here:
                self.stdout.write(f"  - {name}")
        for heading, lines in (
            (_("Skipped:"), report.skipped),
            (_("Imported with problems:"), report.problems),
            (_("Notes:"), report.notes),
        ):
            if lines:
                self.stdout.write(heading)
                for name, reason in lines:
                    self.stdout.write(f"  - {name}: {reason}")
        if not report.skipped and not report.problems and not report.changed_here:
            self.stdout.write(self.style.SUCCESS(_("No problems.")))


def analyze_after_import() -> None:
    from common.bulk import analyze
    from media.models import Image, MediaContact, Rendition
    from newsroom.models import PressRelease, ReleaseContact, ReleaseImage, ReleaseSource, Topic

    analyze(
        PressRelease,
        ReleaseImage,
        ReleaseContact,
        ReleaseSource,
        Topic,
        Image,
        Rendition,
        MediaContact,
    )
