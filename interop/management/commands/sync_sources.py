from django.core.management.base import BaseCommand, CommandError

from interop.sources import datasource_refresh
from meetings.models import DataSource


class Command(BaseCommand):
    help = "Refresh every active data source (for cron). One failing source does not stop the others."

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", metavar="SLUG", help="Only these sources (default: all active).")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, slugs, dry_run, **options):
        sources = DataSource.objects.select_related("program", "parent_region")
        sources = sources.filter(slug__in=slugs) if slugs else sources.filter(active=True)
        failed = 0
        for datasource in sources:
            report = datasource_refresh(datasource=datasource, dry_run=dry_run)
            failed += not report.ok
            self.stdout.write(f"{datasource.slug}: {report.summary()}")
            for line in report.lines()[1:]:
                self.stdout.write(line)
        if failed:
            raise CommandError(f"{failed} of {len(sources)} sources failed; their meetings were not changed.")
