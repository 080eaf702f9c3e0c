"""Every way a meeting is written stores its start as a UTC minute of the week and its length."""

from datetime import time
from pathlib import Path

import pytest
from django.core.management import call_command

from core.time import MINUTES_PER_WEEK
from groups.models import Program
from interop.sources import feed_import
from meetings.models import Attendance, Meeting, ZoneOffset
from tests.factories import load_reference_data, make_meeting, make_program

pytestmark = pytest.mark.django_db

MONDAY = 1
EXAMPLE_FEED = Path(__file__).resolve().parents[1] / "interop" / "data" / "example-feed.json"


def expected_utc_start(meeting, offsets):
    local = meeting.weekday * 1440 + meeting.start_time.hour * 60 + meeting.start_time.minute
    return (local - offsets[meeting.timezone]) % MINUTES_PER_WEEK


def assert_clocks_match_recorded_offsets(meetings):
    offsets = dict(ZoneOffset.objects.values_list("timezone", "minutes"))
    meetings = list(meetings)
    assert meetings
    for meeting in meetings:
        assert meeting.timezone in offsets, meeting.timezone
        assert meeting.utc_start == expected_utc_start(meeting, offsets), meeting.name
        assert meeting.utc_end == meeting.utc_start + meeting.duration_minutes, meeting.name


def test_saving_computes_the_utc_start_with_the_recorded_offset():
    ZoneOffset.objects.create(timezone="America/New_York", minutes=-300)
    meeting = make_meeting(weekday=MONDAY, start_time=time(19, 0), end_time=time(20, 30))
    # Monday 19:00 at UTC-5 is Tuesday 00:00 UTC: 2 days in.
    assert meeting.utc_start == 2 * 1440
    assert meeting.duration_minutes == 90


def test_a_start_late_on_saturday_wraps_to_the_start_of_the_week():
    ZoneOffset.objects.create(timezone="America/Los_Angeles", minutes=-480)
    meeting = make_meeting(timezone="America/Los_Angeles", weekday=6, start_time=time(20, 0), end_time=None)
    assert meeting.utc_start == 4 * 60  # Sunday 04:00 UTC
    assert meeting.duration_minutes == 60  # no end time: the hour Meeting Guide clients assume


def test_the_database_keeps_the_end_with_the_start_through_any_update():
    ZoneOffset.objects.create(timezone="America/New_York", minutes=-300)
    meeting = make_meeting(weekday=6, start_time=time(22, 0), end_time=time(23, 30))
    meeting.refresh_from_db()
    # Saturday 22:00 at UTC-5 is Sunday 03:00 UTC; the end is a minute of the week all the same.
    assert (meeting.utc_start, meeting.utc_end) == (180, 270)
    Meeting.objects.filter(pk=meeting.pk).update(utc_start=10_070)  # as a zone's new offset does (recompute_clocks)
    meeting.refresh_from_db()
    assert meeting.utc_end == 10_160  # past the week's end: "not over" is compared a week later


def test_a_meeting_past_midnight_lasts_until_the_next_day():
    meeting = make_meeting(start_time=time(23, 30), end_time=time(0, 30))
    assert meeting.duration_minutes == 60


def test_a_zone_seen_for_the_first_time_gets_its_current_offset_recorded():
    assert not ZoneOffset.objects.filter(timezone="Australia/Adelaide").exists()
    meeting = make_meeting(timezone="Australia/Adelaide", attendance=Attendance.ONLINE)
    recorded = ZoneOffset.objects.get(timezone="Australia/Adelaide")
    assert recorded.minutes in (570, 630)  # ACST or ACDT, whichever is in force today
    assert meeting.utc_start == expected_utc_start(meeting, {"Australia/Adelaide": recorded.minutes})


def test_saving_only_other_fields_leaves_the_clock_alone_and_saving_the_time_updates_it():
    ZoneOffset.objects.create(timezone="America/New_York", minutes=-300)
    meeting = make_meeting(weekday=MONDAY, start_time=time(19, 0))
    Meeting.objects.filter(pk=meeting.pk).update(utc_start=1)  # as if stale, to see what a save touches
    meeting.refresh_from_db()
    meeting.name = "Renamed"
    meeting.save(update_fields=["name"])
    meeting.refresh_from_db()
    assert meeting.utc_start == 1
    meeting.start_time = time(18, 0)
    meeting.save(update_fields=["start_time"])
    meeting.refresh_from_db()
    assert meeting.utc_start == 2 * 1440 - 60


def test_meetings_from_a_meeting_guide_import_have_their_clocks():
    program = make_program(slug="aa")
    data = EXAMPLE_FEED.read_bytes()
    report = feed_import(data=data, format="meeting-guide", source="example", program=program)
    assert report.created
    assert_clocks_match_recorded_offsets(Meeting.objects.filter(source="example"))


def test_demo_meetings_have_their_clocks():
    load_reference_data()
    call_command("seed_demo", count=150, verbosity=0)  # small, for speed, as tests/demo seeds it
    assert_clocks_match_recorded_offsets(Meeting.objects.all())


def test_generated_meetings_have_their_clocks():
    call_command("generate_meetings", "300", "--seed", "5", verbosity=0)
    assert Program.objects.exists()
    assert_clocks_match_recorded_offsets(Meeting.objects.all())
