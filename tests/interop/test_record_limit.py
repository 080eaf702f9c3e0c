"""IMPORT_MAX_RECORDS: a feed with more records than that is refused while it is parsed, not after expanding it."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from interop.sources import feed_import
from meetings.models import Meeting, Region

pytestmark = pytest.mark.django_db

HEADER = "Name,Day,Time,Address,Region,Timezone,Slug\n"
EVERY_DAY = "Sunday,Monday,Tuesday,Wednesday,Thursday,Friday,Saturday"


def csv_rows(count):
    return "".join(
        f'Meeting {n},"{EVERY_DAY}",7:00 PM,"{n} Main St, Chicago, IL 60641, USA",Region {n},America/Chicago,m{n}\n'
        for n in range(count)
    )


def mg_items(count):
    return [
        {
            "name": f"Meeting {n}",
            "slug": f"m{n}",
            "day": n % 7,
            "time": "19:00",
            "timezone": "America/Chicago",
            "conference_url": f"https://zoom.us/j/{n}",
        }
        for n in range(count)
    ]


def test_it_has_a_default_above_the_largest_real_feed(settings):
    assert settings.IMPORT_MAX_RECORDS == 10_000


def test_it_refuses_a_csv_that_expands_past_the_limit(aa, settings):
    # Two rows, fourteen meetings: every weekday of a row is a record of its own.
    settings.IMPORT_MAX_RECORDS = 13

    report = feed_import(data=(HEADER + csv_rows(2)).encode(), format="csv", source="s", program=aa)

    assert report.error == (
        "The feed has more than 13 records (one per meeting and weekday), the most one import may hold, so it was "
        "not read further. If the feed is genuine, the site's operator can raise the limit with the "
        "IMPORT_MAX_RECORDS setting."
    )
    assert Meeting.objects.count() == Region.objects.count() == 0


def test_it_takes_a_feed_of_exactly_the_limit(aa, settings):
    settings.IMPORT_MAX_RECORDS = 14

    report = feed_import(data=(HEADER + csv_rows(2)).encode(), format="csv", source="s", program=aa)

    assert len(report.created) == 14


def test_it_stops_reading_a_csv_at_the_limit(aa, settings):
    # The row after the limit is one the CSV reader refuses (a cell over its field size limit): it is never read.
    settings.IMPORT_MAX_RECORDS = 7
    data = HEADER + csv_rows(2) + f'Huge,Monday,7:00 PM,"{"x" * 200_000}",,America/Chicago,huge\n'

    report = feed_import(data=data.encode(), format="csv", source="s", program=aa)

    assert "more than 7 records" in report.error


@pytest.mark.parametrize("format", ["meeting-guide", "bmlt"])
def test_it_stops_reading_json_at_the_limit(aa, settings, format):
    # What follows the limit is not JSON at all: the feed is refused for its length, never decoded that far.
    settings.IMPORT_MAX_RECORDS = 5
    data = json.dumps(mg_items(6))[:-1] + ", this is not JSON"

    report = feed_import(data=data.encode(), format=format, source="s", program=aa)

    assert "more than 5 records" in report.error


def test_it_counts_rejected_records_too(aa, settings):
    settings.IMPORT_MAX_RECORDS = 5

    report = feed_import(data=json.dumps([{}] * 6).encode(), format="meeting-guide", source="s", program=aa)

    assert "more than 5 records" in report.error


def test_the_command_fails_with_the_limit_and_the_setting(aa, settings, tmp_path):
    settings.IMPORT_MAX_RECORDS = 13
    path = tmp_path / "big.csv"
    path.write_text(HEADER + csv_rows(2))

    with pytest.raises(CommandError, match="more than 13 records.*IMPORT_MAX_RECORDS"):
        call_command("import_meetings", str(path), "--format", "csv", "--program", "aa")
