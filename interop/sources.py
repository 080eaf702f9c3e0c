"""Running an import from bytes, a file, a URL or a DataSource; the one entry point for commands and admin.

None of these raise: whatever goes wrong with one feed (fetch, parse, database, a bug) ends as a report with an
error and no change, so a scheduled sync goes on to the next source and the admin shows a sentence, not a 500.
"""

import logging

from django.conf import settings
from django.utils import timezone

from interop import bmlt, meeting_guide, tsml_csv
from interop.fetching import WEB_SCHEMES, SourceError, read_source
from interop.importing import FeedError, ImportReport, meetings_import, printable

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
    for count, item in enumerate(records, start=1):
        if count > limit:
            # Raised while parsing, so the rest of the feed is never read, let alone expanded into meetings.
            raise FeedError(
                f"The feed has more than {limit:,} records (one per meeting and weekday), the most one import may "
                "hold, so it was not read further. If the feed is genuine, the site's operator can raise the "
                "limit with the IMPORT_MAX_RECORDS setting."
            )
        yield item


def feed_import(*, data, format, source, program, parent_region=None, dry_run=False):
    """Parse bytes in a format and import them; a feed that cannot be read changes nothing."""
    warnings = []
    try:
        try:
            records = list(capped(PARSERS[format](data, warnings=warnings), settings.IMPORT_MAX_RECORDS))
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


def datasource_refresh(*, datasource, dry_run=False):
    """Import a DataSource now and record the outcome on it (unless it is a dry run)."""
    if datasource.url.split("://", 1)[0].lower() not in WEB_SCHEMES:
        # import_meetings may read a file on the server; a data source, set up in the admin, may not.
        report = ImportReport(
            source=datasource.slug,
            dry_run=dry_run,
            error=f"the address {datasource.url} does not start with https:// or http://.",
        )
    else:
        report = location_import(
            location=datasource.url,
            format=datasource.format,
            source=datasource.slug,
            program=datasource.program,
            parent_region=datasource.parent_region,
            dry_run=dry_run,
        )
    if dry_run:
        return report
    datasource.last_run = timezone.now()
    datasource.last_error = printable(report.error)
    datasource.last_report = "\n".join(report.lines(limit=200))
    if report.ok:
        counts = report.counts()
        datasource.created_count = counts["created"]
        datasource.updated_count = counts["updated"]
        datasource.unchanged_count = counts["unchanged"]
        datasource.deactivated_count = counts["deactivated"]
        datasource.rejected_count = counts["rejected"]
    datasource.save()
    return report
