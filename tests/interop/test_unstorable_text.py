"""Text a database cannot store (NUL, lone UTF-16 surrogates, values too long) rejects its record only, in every
format and on every database, and the report never claims what the database refused."""

import csv
import io
import json

import pytest
from django.db import DataError

from interop import importing
from interop.sources import feed_import
from meetings.models import Location, Meeting, Region

pytestmark = pytest.mark.django_db

NUL = "Saint\x00Mark"
SURROGATE = "Saint\ud800Mark"


def meeting_guide(bad_field, bad_value):
    items = [
        {
            "name": f"Meeting {n}",
            "slug": f"m{n}",
            "day": 1,
            "time": "19:00",
            "timezone": "America/Chicago",
            "formatted_address": f"{4950 + n} W Addison St, Chicago, IL 60641, USA",
            "region": "Chicago",
        }
        for n in range(3)
    ]
    items[1][bad_field] = bad_value
    return json.dumps(items).encode()


def bmlt(bad_field, bad_value):
    items = [
        {
            "id_bigint": f"m{n}",
            "weekday_tinyint": "2",
            "start_time": "19:00:00",
            "venue_type": "1",
            "time_zone": "America/Chicago",
            "meeting_name": f"Meeting {n}",
            "location_street": f"{4950 + n} W Addison St",
            "location_municipality": "Chicago",
            "location_province": "IL",
            "latitude": "41.9",
            "longitude": "-87.7",
        }
        for n in range(3)
    ]
    items[1][bad_field] = bad_value
    return json.dumps(items).encode()


def tsml_csv(bad_field, bad_value):
    rows = [
        {
            "Name": f"Meeting {n}",
            "Day": "Monday",
            "Time": "7:00 PM",
            "Address": f"{4950 + n} W Addison St, Chicago, IL 60641, USA",
            "Region": "Chicago",
            "Notes": "",
            "Timezone": "America/Chicago",
            "Slug": f"m{n}",
        }
        for n in range(3)
    ]
    rows[1][bad_field] = bad_value
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


CASES = [
    ("meeting-guide", meeting_guide, "name", NUL, "name contains a NUL character (\\x00)"),
    ("meeting-guide", meeting_guide, "notes", SURROGATE, "notes contains a lone UTF-16 surrogate (\\ud800)"),
    ("meeting-guide", meeting_guide, "region", NUL, "regions contains a NUL character"),
    ("meeting-guide", meeting_guide, "region", SURROGATE, "regions contains a lone UTF-16 surrogate"),
    ("meeting-guide", meeting_guide, "location", SURROGATE, "location name contains a lone UTF-16 surrogate"),
    ("bmlt", bmlt, "meeting_name", NUL, "name contains a NUL character"),
    ("bmlt", bmlt, "location_street", SURROGATE, "location address contains a lone UTF-16 surrogate"),
    ("bmlt", bmlt, "comments", NUL, "notes contains a NUL character"),
    ("csv", tsml_csv, "Name", NUL, "name contains a NUL character"),
    ("csv", tsml_csv, "Region", NUL, "regions contains a NUL character"),
    ("csv", tsml_csv, "Address", NUL, "location formatted address contains a NUL character"),
]


@pytest.mark.parametrize(("format", "build", "field", "value", "reason"), CASES)
def test_it_rejects_only_the_record_with_text_that_cannot_be_stored(aa, format, build, field, value, reason):
    report = feed_import(data=build(field, value), format=format, source="s", program=aa)

    assert report.ok, report.error
    assert sorted(report.created) == ["m0", "m2"]
    assert [rejection.key for rejection in report.rejected] == ["m1"]
    assert report.rejected[0].reason.startswith(reason)
    assert report.rejected[0].reason.endswith("cannot be stored.")
    assert sorted(Meeting.objects.values_list("external_key", flat=True)) == ["m0", "m2"]
    # BMLT records name no regions; the others' bad record made none.
    assert list(Region.objects.values_list("name", flat=True)) == ([] if format == "bmlt" else ["Chicago"])
    assert Location.objects.count() == 2
    # The report quotes the feed; it must itself be text a page, a terminal and DataSource.last_report can take.
    assert not any(importing.UNSTORABLE.search(line) for line in report.lines())


def test_it_rejects_a_record_whose_values_are_too_long_for_their_columns(aa):
    data = meeting_guide("postal_code", "6" * 30)

    report = feed_import(data=data, format="meeting-guide", source="s", program=aa)

    assert sorted(report.created) == ["m0", "m2"]
    assert [rejection.key for rejection in report.rejected] == ["m1"]
    assert "postal_code: Ensure this value has at most 20 characters" in report.rejected[0].reason


def test_it_rejects_a_bmlt_record_whose_id_is_too_long_to_store(aa):
    report = feed_import(data=bmlt("id_bigint", "9" * 300), format="bmlt", source="s", program=aa)

    assert sorted(report.created) == ["m0", "m2"]
    assert "external_key: Ensure this value has at most 200 characters" in report.rejected[0].reason


def test_it_imports_the_other_records_of_a_large_feed_with_one_nul(aa):
    items = [
        {
            "name": f"Meeting {n}" if n != 500 else "Bad\x00",
            "slug": f"m{n}",
            "day": n % 7,
            "time": "19:00",
            "timezone": "America/Chicago",
            "conference_url": f"https://zoom.us/j/{n}",
        }
        for n in range(1000)
    ]

    report = feed_import(data=json.dumps(items).encode(), format="meeting-guide", source="s", program=aa)

    assert report.ok
    assert len(report.created) == 999
    assert [(rejection.position, rejection.key) for rejection in report.rejected] == [(501, "m500")]
    assert Meeting.objects.count() == 999


def test_the_report_claims_nothing_when_the_database_refuses_a_write(aa, monkeypatch):
    real = Meeting.objects.bulk_create

    def refuse_meetings(objects, *args, **kwargs):
        if objects:
            raise DataError("invalid byte sequence for encoding UTF8: 0x00")
        return real(objects, *args, **kwargs)

    monkeypatch.setattr(Meeting.objects, "bulk_create", refuse_meetings)

    report = feed_import(data=meeting_guide("notes", "fine"), format="meeting-guide", source="s", program=aa)

    assert report.error == (
        "the database refused the import (invalid byte sequence for encoding UTF8: 0x00); nothing was changed."
    )
    assert (report.created, report.updated, report.deactivated, report.unchanged) == ([], [], [], 0)
    assert not any("created:" in line for line in report.lines())
    assert report.lines()[0].startswith("Nothing was changed")
    assert Meeting.objects.count() == Location.objects.count() == Region.objects.count() == 0
