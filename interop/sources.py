"""Running an import from bytes, a file, a URL or a DataSource; the one entry point for commands and admin.

None of these raise: whatever goes wrong with one feed (fetch, parse, database, a bug) ends as a report with an
error and no change, so a scheduled sync goes on to the next source and the admin shows a sentence, not a 500.
"""

import hashlib
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from interop import bmlt, health, meeting_guide, tsml_csv
from interop.fetching import WEB_SCHEMES, Response, SourceError, fetch_url, read_source
from interop.importing import FeedError, ImportReport, Known, KnownItems, meetings_import, printable
from interop.models import SourceRun

logger = logging.getLogger(__name__)

PARSERS = {
    "meeting-guide": meeting_guide.records_from_bytes,
    "bmlt": bmlt.records_from_bytes,
    "csv": tsml_csv.records_from_bytes,
}
UNEXPECTED = (
    "an unexpected error stopped the import, so nothing was changed. The site's operator can find the details "
    "in the server log."
)


def _unexpected(source, dry_run):
    """A report for a failure nobody foresaw; the traceback goes to the log, for the operator."""
    logger.exception("Import of source %r failed unexpectedly", source)
    return ImportReport(source=source, dry_run=dry_run, error=UNEXPECTED)


def capped(records, limit):
    """The parsed items (records and rejections), refusing the feed as soon as it has more than `limit`."""
    count = 0
    for item in records:
        count += item.count if isinstance(item, Known) else 1
        if count > limit:
            # Raised while parsing, so the rest of the feed is never read, let alone expanded into meetings.
            raise FeedError(
                f"The feed has more than {limit:,} records (one per meeting and weekday), the most one import may "
                "hold, so it was not read further. If the feed is genuine, the site's operator can raise the "
                "limit with the IMPORT_MAX_RECORDS setting."
            )
        yield item


def feed_import(*, data, format, source, program, parent_region=None, dry_run=False):
    """Parse bytes in a format and import them; a feed that cannot be read changes nothing.

    Items imported before from the same bytes are passed over unread (importing.KnownItems)."""
    warnings = []
    try:
        known = KnownItems.of_source(source, format=format, program=program, parent_region=parent_region)
        try:
            parsed = PARSERS[format](data, warnings=warnings, known=known)
            records = list(capped(parsed, settings.IMPORT_MAX_RECORDS))
        except FeedError as error:
            return ImportReport(source=source, dry_run=dry_run, error=str(error))
        report = meetings_import(
            source=source, program=program, records=records, dry_run=dry_run, parent_region=parent_region
        )
    except Exception:
        return _unexpected(source, dry_run)
    report.warnings = sorted(warnings + report.warnings, key=lambda warning: warning.position)
    return report


def location_import(*, location, format, source, program, parent_region=None, dry_run=False):
    """Read a file or URL (with the size limit, deadline and address checks) and import it."""
    try:
        data = read_source(location)
    except SourceError as error:
        return ImportReport(source=source, dry_run=dry_run, error=str(error))
    except Exception:
        return _unexpected(source, dry_run)
    return feed_import(
        data=data, format=format, source=source, program=program, parent_region=parent_region, dry_run=dry_run
    )


@dataclass
class Fetched:
    """What fetching a source gave: a Response, or the error saying why not, and how long it took."""

    response: Response | None = None
    error: str = ""
    seconds: float = 0.0


def fetch_source(datasource, *, conditional=True):
    """Fetch a source's feed (a conditional GET when it has validators); never raises."""
    started = time.monotonic()
    if datasource.url.split("://", 1)[0].lower() not in WEB_SCHEMES:
        # import_meetings may read a file on the server; a data source, set up in the admin, may not.
        return Fetched(error=f"the address {datasource.url} does not start with https:// or http://.")
    validators = {"etag": datasource.etag, "last_modified": datasource.last_modified} if conditional else {}
    try:
        response = fetch_url(datasource.url, **validators)
    except SourceError as error:
        return Fetched(error=str(error), seconds=time.monotonic() - started)
    except Exception:
        logger.exception("Fetching source %r failed unexpectedly", datasource.slug)
        return Fetched(error=UNEXPECTED, seconds=time.monotonic() - started)
    return Fetched(response=response, seconds=time.monotonic() - started)


def content_hash(datasource, body):
    """The body's hash with what else decides the import (format, program, region): equal means unchanged."""
    digest = hashlib.sha256(body)
    digest.update(f"|{datasource.format}|{datasource.program_id}|{datasource.parent_region_id}".encode())
    return digest.hexdigest()


def datasource_refresh(*, datasource, dry_run=False, fetched=None):
    """Import a DataSource now and record the outcome and its health on it (unless it is a dry run).

    A 304 answer, or a body identical to the last imported one, is "unchanged" without being parsed.
    """
    started = timezone.now()
    fetched = fetched or fetch_source(datasource, conditional=not dry_run)
    body = fetched.response.body if fetched.response else None
    digest = content_hash(datasource, body) if body is not None else ""
    unchanged = not fetched.error and (body is None or digest == datasource.content_hash)
    if fetched.error:
        report = ImportReport(source=datasource.slug, dry_run=dry_run, error=fetched.error)
    elif unchanged and not dry_run:
        report = ImportReport(source=datasource.slug, unchanged=datasource.meetings_count(), not_modified=True)
    else:
        report = feed_import(
            data=body,
            format=datasource.format,
            source=datasource.slug,
            program=datasource.program,
            parent_region=datasource.parent_region,
            dry_run=dry_run,
        )
    if dry_run:
        return report
    if report.ok and not unchanged:
        datasource.etag, datasource.last_modified = fetched.response.etag, fetched.response.last_modified
        datasource.content_hash = digest
    record_run(datasource, report, started=started, seconds=(timezone.now() - started).total_seconds())
    return report


def record_run(datasource, report, *, started, seconds):
    """Save a run's outcome on the source, add it to its history, and warn or pause a source failing too long."""
    now = timezone.now()
    datasource.last_run = now
    datasource.last_error = printable(report.error)
    if not report.not_modified:
        datasource.last_report = "\n".join(report.lines(limit=200))
    counts = report.counts()
    if report.ok:
        datasource.last_success, datasource.consecutive_failures = now, 0
        datasource.failing_since = datasource.warned_at = None
        datasource.created_count = counts["created"]
        datasource.updated_count = counts["updated"]
        datasource.unchanged_count = counts["unchanged"]
        datasource.deactivated_count = counts["deactivated"]
        if not report.not_modified:
            # An unchanged feed has the rejections it had: its count and report stay as the last read left them.
            datasource.rejected_count = counts["rejected"]
    else:
        datasource.consecutive_failures += 1
        datasource.failing_since = datasource.failing_since or now
        health.escalate(datasource, now=now)
    datasource.save()
    outcome = SourceRun.Outcome
    SourceRun.objects.create(
        source=datasource,
        started=started,
        seconds=round(seconds, 3),
        outcome=(outcome.FAILED if not report.ok else outcome.UNCHANGED if report.not_modified else outcome.CHANGED),
        created_count=counts["created"],
        updated_count=counts["updated"],
        deactivated_count=counts["deactivated"],
        rejected_count=counts["rejected"],
        error=printable(report.error),
    )
    # The history is for reading the last few weeks, not an archive: a source run twice a day keeps 60 days.
    stale = SourceRun.objects.filter(source=datasource).order_by("-started").values_list("pk", flat=True)[120:]
    if stale:
        SourceRun.objects.filter(pk__in=list(stale)).delete()
