"""End every cached read: for changes made in the database by hand (SQL, a restored backup)."""

from django.core.management.base import BaseCommand

from gzplan.lib import freshness


class Command(BaseCommand):
    help = (
        "End every cached page and API read (they are rendered afresh on the next request): run it after "
        "changing the published data outside the application, in SQL or by restoring a backup."
    )

    def handle(self, *args, **options):
        freshness.bump([freshness.EVERYTHING])
        self.stdout.write("Every cached read ends now; each is rendered afresh when next asked for.")
