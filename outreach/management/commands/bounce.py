import sys

from django.core.management.base import BaseCommand

from outreach.bounces import apply, read_report


class Command(BaseCommand):
    help = (
        "Read a bounce (RFC 3464 delivery status notification) or a complaint (ARF) on "
        "standard input, as the mail server pipes it, and suppress the address."
    )

    def handle(self, **options):
        result = read_report(sys.stdin.buffer.read())
        if not result.kind:
            # Not ours to act on; exit 0, so the mail server does not bounce the bounce.
            self.stdout.write("Not a delivery report or complaint: nothing done.")
            return
        apply(result)
        for address, reason in result.suppressed:
            self.stdout.write(f"Suppressed {address} ({reason}).")
        for address in result.ignored:
            self.stdout.write(f"Temporary failure for {address}: not suppressed.")
