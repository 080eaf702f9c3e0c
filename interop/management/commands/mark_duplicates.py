from django.core.management.base import BaseCommand

from interop.duplicates import mark_duplicates


class Command(BaseCommand):
    help = (
        "Work out again which listings are another source's listing of a meeting already shown (sync_sources does "
        "it after every sync); a volunteer's decisions in the admin are kept."
    )

    def handle(self, *args, **options):
        self.stdout.write(mark_duplicates().summary())
