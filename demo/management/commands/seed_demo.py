from django.core.management.base import BaseCommand, CommandError

from demo.data import DEFAULT_COUNT, DEFAULT_SEED, MIN_COUNT, demo_seed


class Command(BaseCommand):
    help = (
        "Load programs and meeting types, then build a sample directory of meetings (labelled source=demo). "
        "Idempotent: running it again with the same seed and count changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"Random seed (default {DEFAULT_SEED}).")
        parser.add_argument(
            "--count",
            type=int,
            default=DEFAULT_COUNT,
            help=f"How many meetings to build (default {DEFAULT_COUNT}, at least {MIN_COUNT}).",
        )

    def handle(self, *args, seed, count, **options):
        if count < MIN_COUNT:
            raise CommandError(f"--count must be at least {MIN_COUNT}.")
        demo_seed(seed=seed, count=count, stdout=self.stdout)
