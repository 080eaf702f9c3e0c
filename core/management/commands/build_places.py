import time

from django.core.management.base import BaseCommand, CommandError

from core import places


class Command(BaseCommand):
    help = (
        "Write the ZIP code and city lookup that 'near' searches read (PLACES_DB, default var/places.sqlite3). "
        "Run once per release; it needs no database."
    )
    requires_system_checks = []

    def handle(self, *args, **options):
        started = time.monotonic()
        path = places.places_path()
        try:
            places.build(path)
        except OSError as error:
            raise CommandError(f"Could not write the places file {path}: {error.strerror or error}.") from None
        size = path.stat().st_size / (1024 * 1024)
        self.stdout.write(f"Wrote {path} ({size:.1f} MB) in {time.monotonic() - started:.1f} s.")
