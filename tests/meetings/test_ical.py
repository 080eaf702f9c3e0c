"""A meeting's calendar file is valid RFC 5545, read back by an iCalendar parser: one weekly event per meeting
from its next occurrence in its own zone, with the VTIMEZONE of every zone it names."""

from datetime import UTC, datetime, time, timedelta

import icalendar
import pytest

from meetings.ical import calendar_for
from meetings.models import Attendance
from tests.factories import make_location, make_meeting, make_program

pytestmark = pytest.mark.django_db

# Wednesday 7 January 2026, 12:00 UTC (07:00 in New York, EST).
NOW = datetime(2026, 1, 7, 12, 0, tzinfo=UTC)


def parsed(meetings, now=NOW, **kwargs):
    data = calendar_for(meetings, now=now, **kwargs)
    return data, icalendar.Calendar.from_ical(data)


def events(calendar):
    return {str(event["uid"]): event for event in calendar.walk("VEVENT")}


def local(value):
    """A DTSTART/DTEND as (IANA zone, wall clock) the way a calendar client reads it."""
    moment = value.dt
    return moment.tzinfo.key if hasattr(moment.tzinfo, "key") else str(moment.tzinfo), moment.replace(tzinfo=None)


def test_it_writes_one_weekly_event_per_meeting_from_its_next_occurrence_in_its_zone():
    program = make_program(name="SMART Recovery", short_name="SMART")
    thursday = make_meeting(program=program, name="Thursday Tools", slug="thursday-tools", weekday=4)
    online = make_meeting(
        program=program,
        slug="online-sunday",
        attendance=Attendance.ONLINE,
        weekday=0,
        start_time=time(18, 30),
        end_time=time(20, 0),
        timezone="Australia/Melbourne",
        conference_url="https://zoom.us/j/123",
        conference_phone="+1 646 555 0100",
        conference_phone_notes="ID 123",
    )
    data, calendar = parsed([thursday, online])
    assert calendar["version"] == "2.0" and calendar["prodid"]
    found = events(calendar)
    assert set(found) == {"thursday-tools@manypaths", "online-sunday@manypaths"}
    event = found["thursday-tools@manypaths"]
    assert event["dtstamp"].dt == NOW
    assert local(event["dtstart"]) == ("America/New_York", datetime(2026, 1, 8, 19, 0))
    assert local(event["dtend"]) == ("America/New_York", datetime(2026, 1, 8, 20, 0))
    assert event["rrule"]["FREQ"] == ["WEEKLY"] and event["rrule"]["BYDAY"] == ["TH"]
    assert str(event["summary"]) == "Thursday Tools (SMART)"
    assert str(event["location"]).startswith("Hall ")
    # Sunday 18:30 in Melbourne: the next one after Wednesday is 11 January.
    sunday = found["online-sunday@manypaths"]
    assert local(sunday["dtstart"]) == ("Australia/Melbourne", datetime(2026, 1, 11, 18, 30))
    assert str(sunday["url"]) == "https://zoom.us/j/123"
    assert "By phone: +1 646 555 0100 ID 123" in str(sunday["description"])


def test_every_zone_an_event_names_has_its_vtimezone():
    meetings = [
        make_meeting(timezone="America/New_York"),
        make_meeting(timezone="Australia/Melbourne", attendance=Attendance.ONLINE, conference_url="https://x.test"),
    ]
    data, calendar = parsed(meetings)
    zones = {str(zone["tzid"]) for zone in calendar.walk("VTIMEZONE")}
    named = {event["dtstart"].params["TZID"] for event in calendar.walk("VEVENT")}
    assert named == {"America/New_York", "Australia/Melbourne"} == zones
    assert b"DTSTART;TZID=America/New_York:" in data


def test_the_file_is_crlf_folded_at_75_octets_and_escapes_text():
    meeting = make_meeting(
        name="Hope, Faith; Courage — " + "très longue " * 12, location=make_location(name="St. Mark's, Hall")
    )
    data, calendar = parsed([meeting])
    text = data.decode("utf-8")  # no character was cut in half
    assert "\n" not in text.replace("\r\n", "")
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))
    assert "SUMMARY:Hope\\, Faith\\; Courage" in text.replace("\r\n ", "")
    (event,) = calendar.walk("VEVENT")
    assert str(event["summary"]).startswith("Hope, Faith; Courage — très longue")
    assert str(event["location"]).startswith("St. Mark's, Hall, ")


def test_a_meeting_that_runs_past_midnight_ends_the_next_day_and_one_without_an_end_lasts_an_hour():
    late = make_meeting(slug="late", weekday=3, start_time=time(23, 0), end_time=time(0, 30))
    noon = make_meeting(slug="noon", weekday=3, start_time=time(12, 0), end_time=None)
    found = events(parsed([late, noon])[1])
    assert local(found["late@manypaths"]["dtend"]) == ("America/New_York", datetime(2026, 1, 8, 0, 30))
    noon_event = found["noon@manypaths"]
    assert noon_event["dtend"].dt - noon_event["dtstart"].dt == timedelta(hours=1)


def test_the_next_occurrence_after_a_dst_change_keeps_its_wall_clock_time():
    # Sunday 8 March 2026 is the spring-forward day in New York; 19:00 stays 19:00 local.
    meeting = make_meeting(weekday=0, start_time=time(19, 0))
    (event,) = parsed([meeting], now=datetime(2026, 3, 7, 12, 0, tzinfo=UTC))[1].walk("VEVENT")
    assert local(event["dtstart"]) == ("America/New_York", datetime(2026, 3, 8, 19, 0))
    assert event["dtstart"].dt.utcoffset() == timedelta(hours=-4)


def test_a_link_given_on_request_is_said_in_words_and_the_page_is_the_url():
    meeting = make_meeting(attendance=Attendance.ONLINE, join_on_request=True, location=None, conference_url="")
    (event,) = parsed([meeting], base_url="https://meetings.example.org")[1].walk("VEVENT")
    assert str(event["url"]) == f"https://meetings.example.org{meeting.get_absolute_url()}"
    assert "The group gives the link on request." in str(event["description"])
