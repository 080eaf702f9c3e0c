"""Importing the Meeting Guide example feed: fields, attendance, multi-day split, idempotence, retirement."""

import datetime as dt
import json

import pytest

from interop.sources import feed_import
from meetings.models import Attendance, Meeting, Region, Status
from tests.interop.conftest import DATA

pytestmark = pytest.mark.django_db


@pytest.fixture
def california(reference_data):
    return Region.objects.create(name="California", slug="us-ca", kind="state", timezone="America/Los_Angeles")


def run(program, data, *, region=None, dry_run=False, source="example"):
    return feed_import(
        data=data, format="meeting-guide", source=source, program=program, parent_region=region, dry_run=dry_run
    )


def test_it_imports_every_attendable_meeting_field_by_field(aa, california):
    report = run(aa, (DATA / "example-feed.json").read_bytes(), region=california)

    assert report.ok
    assert sorted(report.created) == [
        "hybrid-example-1",
        "hybrid-example-3",
        "in-person",
        "online",
        "sunday-serenity-14",
    ]
    serenity = Meeting.objects.get(external_key="sunday-serenity-14")
    assert (serenity.name, serenity.weekday, serenity.start_time, serenity.end_time) == (
        "Sunday Serenity",
        0,
        dt.time(18, 0),
        dt.time(19, 30),
    )
    # No timezone in the record: the source region's zone applies.
    assert serenity.timezone == "America/Los_Angeles"
    assert serenity.attendance == Attendance.IN_PERSON
    assert serenity.location.name == "Alano Club"
    assert (serenity.location.address, serenity.location.city, serenity.location.state) == (
        "123 Main Street",
        "Anytown",
        "CA",
    )
    assert serenity.location.postal_code == "98765"
    assert serenity.group.name == "The Serenity Group"
    assert serenity.notes == "Ring buzzer. Meeting is on the 2nd floor."
    assert {t.meeting_guide_code for t in serenity.types.all()} == {"O", "T", "LGBTQ"}
    # The feed's own "updated" is kept.
    assert serenity.updated == dt.datetime(2014, 5, 31, 14, 32, 23, tzinfo=dt.UTC)

    online = Meeting.objects.get(external_key="online")
    assert online.attendance == Attendance.ONLINE
    assert online.location is None
    assert online.conference_url == "https://zoom.us/j/123456789"
    assert online.conference_url_notes == "Meeting ID: 123456789"
    assert online.timezone == "America/New_York"


def test_it_splits_a_multi_day_record_into_hybrid_meetings(aa, california):
    run(aa, (DATA / "example-feed.json").read_bytes(), region=california)

    hybrids = Meeting.objects.filter(external_key__startswith="hybrid-example").order_by("weekday")
    assert [m.weekday for m in hybrids] == [1, 3]
    assert {m.attendance for m in hybrids} == {Attendance.HYBRID}
    assert hybrids[0].location_id == hybrids[1].location_id
    assert hybrids[0].location.latitude == pytest.approx(41.94627)
    assert hybrids[0].conference_phone == "+13126266799,,123456789#"
    assert [r.name for r in hybrids[0].location.region.ancestors()] + [hybrids[0].location.region.name] == [
        "California",
        "Chicago",
        "Portage Park",
    ]
    assert {t.meeting_guide_code for t in hybrids[0].types.all()} == {"C", "D", "EN"}


def test_it_rejects_a_meeting_nobody_could_attend_with_a_reason(aa, california):
    report = run(aa, (DATA / "example-feed.json").read_bytes(), region=california)

    assert [(r.position, r.key) for r in report.rejected] == [(4, "inactive")]
    assert "Neither a street address" in report.rejected[0].reason
    assert not Meeting.objects.filter(external_key="inactive").exists()


def test_it_changes_nothing_when_the_same_feed_is_imported_again(aa, california):
    data = (DATA / "example-feed.json").read_bytes()
    run(aa, data, region=california)
    before = {m.pk: (m.updated, m.location.updated if m.location else None) for m in Meeting.objects.all()}

    report = run(aa, data, region=california)

    assert report.counts() == {"created": 0, "updated": 0, "unchanged": 5, "deactivated": 0, "rejected": 1}
    after = {m.pk: (m.updated, m.location.updated if m.location else None) for m in Meeting.objects.all()}
    assert after == before


def test_it_marks_meetings_that_left_the_feed_inactive(aa, california, example_feed):
    run(aa, json.dumps(example_feed).encode(), region=california)
    shorter = [item for item in example_feed if item["slug"] != "in-person"]

    report = run(aa, json.dumps(shorter).encode(), region=california)

    assert report.deactivated == ["in-person"]
    assert Meeting.objects.get(external_key="in-person").status == Status.INACTIVE
    # Reappearing brings it back.
    assert run(aa, json.dumps(example_feed).encode(), region=california).updated == ["in-person"]
    assert Meeting.objects.get(external_key="in-person").status == Status.ACTIVE


def test_it_updates_only_the_changed_meeting(aa, california, example_feed):
    run(aa, json.dumps(example_feed).encode(), region=california)
    example_feed[1]["name"] = "In-Person Meeting (new name)"

    report = run(aa, json.dumps(example_feed).encode(), region=california)

    assert report.updated == ["in-person"]
    assert report.unchanged == 4
    assert Meeting.objects.get(external_key="in-person").name == "In-Person Meeting (new name)"


def test_it_reports_a_dry_run_and_changes_nothing(aa, california):
    report = run(aa, (DATA / "example-feed.json").read_bytes(), region=california, dry_run=True)

    assert report.dry_run and len(report.created) == 5
    assert "would be created" in "\n".join(report.lines())
    assert Meeting.objects.count() == 0
    assert Region.objects.count() == 1


def test_it_derives_a_missing_time_zone_and_coordinates_from_the_zip_code(aa):
    feed = [
        {
            "name": "Noon",
            "slug": "noon",
            "day": 2,
            "time": "12:00",
            "location": "Hall",
            "address": "3401 Walnut St",
            "city": "Philadelphia",
            "state": "PA",
            "postal_code": "19104",
            "country": "US",
        }
    ]

    report = run(aa, json.dumps(feed).encode())

    assert report.created == ["noon"]
    meeting = Meeting.objects.get(external_key="noon")
    assert meeting.timezone == "America/New_York"
    assert meeting.location.latitude == pytest.approx(39.96, abs=0.05)


def test_it_rejects_a_record_without_any_way_to_find_its_time_zone(aa, example_feed):
    report = run(aa, json.dumps(example_feed[:1] + example_feed[1:2]).encode())

    assert [r.key for r in report.rejected] == ["sunday-serenity-14"]
    assert "No time zone" in report.rejected[0].reason
