from django.core.management.base import BaseCommand, CommandError

from interop.fetching import SourceError, read_source
from interop.importing import FeedError
from interop.meeting_guide import load_json
from interop.validation import feed_problems


class Command(BaseCommand):
    help = (
        "Check a Meeting Guide feed (a file or URL) against our JSON Schema and say, record by record, what is wrong."
    )

    def add_arguments(self, parser):
        parser.add_argument("location", metavar="PATH_OR_URL")

    def handle(self, *args, location, **options):
        try:
            feed = load_json(read_source(location))
        except (SourceError, FeedError) as error:
            raise CommandError(str(error)) from None
        problems = feed_problems(feed)
        count = len(feed) if isinstance(feed, list) else 0
        if not problems:
            self.stdout.write(f"The feed is valid: {count} meetings, no problems.")
            return
        for problem in problems:
            self.stdout.write(str(problem))
        records = len({problem.position for problem in problems if problem.position})
        raise CommandError(f"{len(problems)} problems in {records} of {count} records.")
