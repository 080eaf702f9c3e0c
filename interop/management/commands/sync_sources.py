import logging

from django.core.management.base import BaseCommand, CommandError

from interop.models import DataSource
from interop.sources import datasource_refresh

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Refresh every active data source (for cron). One failing source does not stop the others; the command "
        "exits non-zero at the end, naming the sources that failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("slugs", nargs="*", metavar="SLUG", help="Only these sources (default: all active).")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args, slugs, dry_run, **options):
        sources = DataSource.objects.select_related("program", "parent_region")
        sources = list(sources.filter(slug__in=slugs) if slugs else sources.filter(active=True))
        failed = []
        for datasource in sources:
            try:
                report = datasource_refresh(datasource=datasource, dry_run=dry_run)
            except Exception:
                # datasource_refresh records every failure of the import itself; this is one it could not record
                # (the database went away while saving the outcome, say). The next source may still work.
                logger.exception("Refreshing source %r failed", datasource.slug)
                self.stderr.write(f"{datasource.slug}: failed unexpectedly; the details are in the server log.")
                failed.append(datasource.slug)
                continue
            if not report.ok:
                failed.append(datasource.slug)
            self.stdout.write(f"{datasource.slug}: {report.summary()}")
            for line in report.lines()[1:]:
                self.stdout.write(line)
        if failed:
            raise CommandError(
                f"{len(failed)} of {len(sources)} sources failed ({', '.join(failed)}); their meetings were not "
                "changed."
            )
