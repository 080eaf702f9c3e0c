from django.core.management.base import BaseCommand, CommandError
from django.utils.text import slugify

from groups.models import Program
from interop.fetching import is_url
from interop.models import DataSource
from interop.sources import PARSERS, location_import
from meetings.models import Region


def default_source(location):
    """A stable source name from the file or URL, so importing the same feed again updates the same meetings."""
    text = str(location)
    if is_url(text):
        text = text.split("://", 1)[1]
    else:
        text = text.replace("\\", "/").rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return slugify(text)[:100] or "import"


class Command(BaseCommand):
    help = (
        "Import meetings from a Meeting Guide JSON feed, a BMLT GetSearchResults response or a 12 Step Meeting "
        "List CSV (a file or a URL). Atomic and idempotent; --dry-run shows what would change."
    )

    def add_arguments(self, parser):
        parser.add_argument("location", metavar="SOURCE", help="A file path or an http(s) URL.")
        parser.add_argument("--format", required=True, choices=sorted(PARSERS), help="The feed's format.")
        parser.add_argument("--program", required=True, help="Slug of the program of these meetings, e.g. aa.")
        parser.add_argument(
            "--source",
            help="Name that keys these meetings for later re-imports (default: from the file name or URL; "
            "a DataSource's slug when the URL is a data source's).",
        )
        parser.add_argument("--region", help="Slug of a parent region for the feed's regions and default time zone.")
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; change nothing.")

    def handle(self, *args, location, format, program, source, region, dry_run, **options):
        try:
            program_obj = Program.objects.get(slug=program)
        except Program.DoesNotExist:
            raise CommandError(f"There is no program with the slug {program!r}.") from None
        parent_region = None
        if region:
            parent_region = Region.objects.filter(slug=region).first()
            if parent_region is None:
                raise CommandError(f"There is no region with the slug {region!r}.")
        if not source:
            datasource = DataSource.objects.filter(url=location).first()
            source = datasource.slug if datasource else default_source(location)
        report = location_import(
            location=location,
            format=format,
            source=source,
            program=program_obj,
            parent_region=parent_region,
            dry_run=dry_run,
        )
        self.stdout.write(f"Source {source!r} ({format}) from {location}")
        for line in report.lines():
            self.stdout.write(line)
        if not report.ok:
            raise CommandError(report.summary())
