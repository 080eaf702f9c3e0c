from django.core.management.base import BaseCommand, CommandError

from groups.models import Program
from interop.tsml_csv import write_csv
from meetings.models import Meeting


class Command(BaseCommand):
    help = "Write listed meetings as a 12 Step Meeting List CSV (to a file, or to standard output with -)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default="-", help="Output file (default: standard output).")
        parser.add_argument("--program", help="Only this program's meetings (slug).")

    def handle(self, *args, path, program, **options):
        meetings = Meeting.objects.all()
        if program:
            if not Program.objects.filter(slug=program).exists():
                raise CommandError(f"There is no program with the slug {program!r}.")
            meetings = meetings.filter(program__slug=program)
        if path == "-":
            write_csv(meetings, self.stdout)
            return
        with open(path, "w", newline="", encoding="utf-8") as handle:
            write_csv(meetings, handle)
        self.stderr.write(f"Wrote {path}")
