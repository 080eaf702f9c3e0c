import random
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from demo.generator import MAX_MEETINGS, GeneratorError, meetings_generate, parse_count
from groups.models import Program
from meetings.history import history_fill_in
from meetings.models import MeetingType


class Command(BaseCommand):
    help = (
        f"Create N realistic sample meetings (source='generated') for benchmarks and load tests; "
        f"N is 1 to {MAX_MEETINGS:,}. The same --seed gives the same meetings."
    )

    def add_arguments(self, parser):
        # N is read as text so that a bad value gets our message and exit code, not argparse's.
        parser.add_argument("count", metavar="N", help="How many meetings to create.")
        parser.add_argument("--seed", type=int, default=None, help="Random seed (default: a new one, printed).")

    def handle(self, *args, count, seed, verbosity, **options):
        try:
            count = parse_count(count)
        except ValueError as error:
            raise CommandError(str(error)) from None
        if seed is None:
            seed = random.SystemRandom().randrange(2**31)
        self.load_vocabulary()
        started = time.monotonic()

        def progress(done):
            if verbosity > 1:
                self.stdout.write(f"  {done:,} of {count:,} ({time.monotonic() - started:.1f} s)")

        try:
            meetings_generate(count=count, seed=seed, progress=progress)
        except GeneratorError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {count:,} generated meetings with seed {seed} in {time.monotonic() - started:.1f} s."
            )
        )

    def load_vocabulary(self):
        """Programs and meeting types come from the fixtures; load them once if the database has none."""
        if not Program.objects.exists():
            call_command("loaddata", settings.BASE_DIR / "fixtures" / "programs.json", verbosity=0)
            # loaddata saves raw, which simple_history does not record: each program's first version.
            history_fill_in(Program, reason="Loaded from the fixtures")
        if not MeetingType.objects.exists():
            call_command("loaddata", settings.BASE_DIR / "fixtures" / "meeting_types.json", verbosity=0)
