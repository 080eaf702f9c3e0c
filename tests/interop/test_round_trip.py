"""Export the demo directory, import it into an empty directory, export again: the feeds are identical."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from groups.models import Group, Program
from interop.sources import feed_import
from meetings.models import Location, Meeting, Region
from tests.interop.helpers import assert_valid_feed, feed_json

pytestmark = pytest.mark.django_db


def empty_the_directory():
    Meeting.objects.all().delete()
    Location.objects.all().delete()
    Group.objects.all().delete()
    # Regions protect their children, so remove the tree from the leaves up.
    while Region.objects.exists():
        Region.objects.filter(children__isnull=True).delete()


def test_it_round_trips_the_demo_directory_through_meeting_guide_json(client):
    call_command("seed_demo", count=120, verbosity=0)
    first = feed_json(client.get(reverse("interop:feed")))
    assert len(first) >= 100
    assert_valid_feed(first)
    per_program = {
        program.slug: client.get(reverse("interop:program-feed", args=[program.slug]))
        for program in Program.objects.filter(meetings__isnull=False).distinct()
    }
    per_program = {slug: b"".join(response.streaming_content) for slug, response in per_program.items()}

    empty_the_directory()
    for slug, body in per_program.items():
        report = feed_import(
            data=body, format="meeting-guide", source=f"copy-{slug}", program=Program.objects.get(slug=slug)
        )
        assert report.ok and report.rejected == [], report.lines()

    second = feed_json(client.get(reverse("interop:feed")))
    assert_valid_feed(second)
    assert sorted(second, key=lambda item: item["slug"]) == sorted(first, key=lambda item: item["slug"])


def test_it_round_trips_the_demo_directory_through_csv(client):
    import csv
    import io

    call_command("seed_demo", count=120, verbosity=0)
    exports = {}
    for program in Program.objects.filter(meetings__isnull=False).distinct():
        out = io.StringIO()
        call_command("export_meetings_csv", "--program", program.slug, stdout=out)
        exports[program.slug] = out.getvalue()

    empty_the_directory()
    for slug, text in exports.items():
        report = feed_import(
            data=text.encode(), format="csv", source=f"csv-{slug}", program=Program.objects.get(slug=slug)
        )
        assert report.ok and report.rejected == [], report.lines()

    for slug, text in exports.items():
        out = io.StringIO()
        call_command("export_meetings_csv", "--program", slug, stdout=out)
        assert sorted(csv.reader(io.StringIO(out.getvalue()))) == sorted(csv.reader(io.StringIO(text)))
