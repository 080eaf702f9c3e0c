from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from core.time import get_zone, offset_minutes
from meetings.models import Meeting, ZoneOffset


class Command(BaseCommand):
    help = (
        "Record each time zone's current UTC offset and recompute the meetings of zones whose offset changed "
        "(daylight saving). Run it from cron every 15 minutes; until it has run after a change, searches use "
        "slower exact conditions for that zone, so results are right either way."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all",
            action="store_true",
            help="Recompute every zone's meetings, changed or not (after editing meetings outside Django).",
        )

    def handle(self, *args, all, verbosity, **options):
        now = timezone.now()
        # Zones meetings use that have no row yet (rows written outside Django) are recorded first.
        zones = set(Meeting.objects.order_by().values_list("timezone", flat=True).distinct())
        unknown = sorted(zone for zone in zones if get_zone(zone) is None)
        ZoneOffset.offsets_for(zones - set(unknown), now=now)
        changed = 0
        for row in ZoneOffset.objects.order_by("timezone"):
            if get_zone(row.timezone) is None:
                continue
            offset = offset_minutes(now, get_zone(row.timezone))
            if offset == row.minutes and not all:
                continue
            with transaction.atomic():
                count = Meeting.objects.recompute_clocks(row.timezone, offset)
                previous, row.minutes = row.minutes, offset
                row.save()
            changed += 1
            if verbosity > 1 or previous != offset:
                self.stdout.write(f"{row.timezone}: UTC{previous:+d} -> UTC{offset:+d} min, {count:,} meetings")
        ZoneOffset.forget_cached()
        self.stdout.write(self.style.SUCCESS(f"{changed} zones recomputed of {ZoneOffset.objects.count()}."))
        if unknown:
            raise CommandError(
                f"These zones are not in the time zone database, so their meetings cannot be placed in time: "
                f"{', '.join(unknown)}. Correct them in the admin."
            )
