from django.core.management.base import BaseCommand

from newsroom.demo.seed import load_demo


class Command(BaseCommand):
    help = "Publish the demo content (LOS' release of 3 May 2021). Safe to run again."

    def handle(self, *args, **options):
        release = load_demo()
        self.stdout.write(self.style.SUCCESS(f"Demo release ready: {release.get_absolute_url()}"))
