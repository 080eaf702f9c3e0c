"""Every invariant of a meeting holds twice: as a named database constraint and as a readable clean() message."""

from datetime import time

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from meetings.models import Attendance, Meeting
from tests.factories import make_location, make_meeting, make_program

pytestmark = pytest.mark.django_db


def assert_rejected_by_database(meeting_id, constraint, **changes):
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        Meeting.objects.filter(pk=meeting_id).update(**changes)
    # SQLite names the failing CHECK constraint; PostgreSQL names it too.
    assert constraint in str(caught.value)


def clean_errors(meeting):
    with pytest.raises(ValidationError) as caught:
        meeting.full_clean()
    return caught.value.message_dict


def test_it_accepts_a_valid_in_person_meeting():
    make_meeting().full_clean()


def test_it_accepts_a_valid_online_meeting():
    make_meeting(attendance=Attendance.ONLINE, conference_phone="+1 646 558 8656,,123#").full_clean()


def test_it_rejects_a_weekday_out_of_range():
    meeting = make_meeting()
    assert_rejected_by_database(meeting.pk, "meeting_weekday_range", weekday=7)
    meeting.weekday = 9
    assert "weekday" in clean_errors(meeting)


def test_it_rejects_an_end_time_equal_to_the_start():
    meeting = make_meeting()
    assert_rejected_by_database(meeting.pk, "meeting_end_differs_from_start", end_time=time(19, 0))
    meeting.end_time = time(19, 0)
    assert "must differ from the start" in clean_errors(meeting)["end_time"][0]


def test_it_accepts_a_meeting_that_ends_after_midnight():
    make_meeting(start_time=time(23, 30), end_time=time(0, 30)).full_clean()


def test_it_rejects_a_time_zone_that_is_not_iana():
    meeting = make_meeting()
    assert_rejected_by_database(meeting.pk, "meeting_timezone_shape", timezone="Eastern Time (US)")
    meeting.timezone = "Mars/Olympus_Mons"  # the right shape, but no such zone
    assert "is not a time zone" in clean_errors(meeting)["timezone"][0]


def test_it_rejects_an_in_person_meeting_without_a_location():
    meeting = make_meeting()
    assert_rejected_by_database(meeting.pk, "meeting_in_person_has_location", location=None)
    meeting.location = None
    assert "needs a location" in clean_errors(meeting)["location"][0]


def test_it_rejects_a_hybrid_meeting_at_an_approximate_location():
    meeting = make_meeting(
        attendance=Attendance.HYBRID,
        location=make_location(approximate=True, address=""),
        conference_url="https://zoom.us/j/1234567890",
    )
    assert "not an approximate one" in clean_errors(meeting)["location"][0]


def test_it_rejects_an_online_meeting_without_a_way_to_join():
    meeting = make_meeting(attendance=Attendance.ONLINE)
    assert_rejected_by_database(meeting.pk, "meeting_online_has_way_to_join", conference_url="")
    meeting.conference_url = ""
    assert "needs a way to join" in clean_errors(meeting)["conference_url"][0]


def test_it_accepts_an_online_meeting_whose_link_is_given_on_request():
    make_meeting(attendance=Attendance.ONLINE, conference_url="", join_on_request=True).full_clean()


def test_it_rejects_an_unknown_attendance():
    # A join link too, so that only the attendance constraint can fail.
    meeting = make_meeting(conference_url="https://zoom.us/j/1234567890")
    assert_rejected_by_database(meeting.pk, "meeting_attendance_valid", attendance="telepathy")


def test_it_keeps_external_keys_unique_within_a_source():
    program = make_program()
    make_meeting(program=program, source="feed-a", external_key="42")
    make_meeting(program=program, source="feed-b", external_key="42")  # another source may reuse it
    with pytest.raises(IntegrityError), transaction.atomic():
        make_meeting(program=program, source="feed-a", external_key="42")
