import logging
import threading
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from interop.duplicates import mark_duplicates
from interop.models import DataSource
from interop.sources import datasource_refresh, fetch_source

logger = logging.getLogger(__name__)


class HostLimits:
    """At most SYNC_PER_HOST fetches at once from one host, however many of its feeds are due."""

    def __init__(self, per_host):
        self.per_host, self.lock, self.semaphores = per_host, threading.Lock(), {}

    def for_url(self, url):
        host = (urlsplit(url).hostname or "").lower()
        with self.lock:
            return self.semaphores.setdefault(host, threading.BoundedSemaphore(self.per_host))


def fetched_in_turn(sources, *, workers, per_host, conditional):
    """(source, Fetched) pairs as their fetches end, SYNC_WORKERS at a time.

    Fetches wait on the network, so they run in threads; imports write to the database, so the caller runs
    them one by one in its own thread. At most twice `workers` fetched feeds wait for their import, so memory
    does not grow with the number of sources.
    """
    limits = HostLimits(per_host)

    def fetch(datasource):
        with limits.for_url(datasource.url):
            return fetch_source(datasource, conditional=conditional)

    queue = iter(sources)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="sync-fetch") as pool:
        running = {}
        while True:
            for datasource in queue:
                running[pool.submit(fetch, datasource)] = datasource
                if len(running) >= 2 * workers:
                    break
            if not running:
                return
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                yield running.pop(future), future.result()


class Command(BaseCommand):
    help = (
        "Refresh every active data source (for cron or a systemd timer): feeds are fetched several at a time, "
        "with conditional requests; an unchanged feed is not read again. One failing source does not stop the "
        "others; the command exits non-zero at the end, naming the sources that failed. Then listings that two "
        "sources share are marked, so each meeting is listed once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "slugs", nargs="*", metavar="SLUG", help="Only these sources (default: all active, not paused)."
        )
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--workers", type=int, default=None, help="Feeds fetched at once (SYNC_WORKERS).")

    def handle(self, *args, slugs, dry_run, workers, **options):
        sources = DataSource.objects.select_related("program", "parent_region").order_by("pk")
        if slugs:
            sources = sources.filter(slug__in=slugs)
        else:
            # A paused source (14 days of failure) waits until someone looks; naming it runs it anyway.
            sources = sources.filter(active=True, paused_at__isnull=True)
        sources = list(sources)
        workers = max(1, workers or settings.SYNC_WORKERS)
        failed = []
        pairs = fetched_in_turn(sources, workers=workers, per_host=settings.SYNC_PER_HOST, conditional=not dry_run)
        for datasource, fetched in pairs:
            if not self.refresh(datasource, fetched, dry_run):
                failed.append(datasource.slug)
        if not dry_run:
            self.stdout.write(mark_duplicates().summary())
        if failed:
            raise CommandError(
                f"{len(failed)} of {len(sources)} sources failed ({', '.join(sorted(failed))}); their meetings were "
                "not changed."
            )

    def refresh(self, datasource, fetched, dry_run):
        """Import one fetched source and print its report; whether it went well."""
        try:
            report = datasource_refresh(datasource=datasource, dry_run=dry_run, fetched=fetched)
        except Exception:
            # datasource_refresh records every failure of the import itself; this is one it could not record
            # (the database went away while saving the outcome, say). The next source may still work.
            logger.exception("Refreshing source %r failed", datasource.slug)
            self.stderr.write(f"{datasource.slug}: failed unexpectedly; the details are in the server log.")
            return False
        self.stdout.write(f"{datasource.slug}: {report.summary()}")
        for line in report.lines()[1:]:
            self.stdout.write(line)
        return report.ok
