from datetime import UTC, date, datetime, time

import pytest

from meetings.ical import calendar_for, escape_text, fold
from meetings.models import Attendance
from tests.factories import make_location, make_meeting, make_program

pytestmark = pytest.mark.django_db

# Wednesday 7 January 2026, 12:00 UTC (07:00 in New York, EST).
NOW = datetime(2026, 1, 7, 12, 0, tzinfo=UTC)


def unfold(text):
    return text.replace("\r\n ", "")


def test_it_writes_a_calendar_with_one_weekly_event_per_meeting():
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
    text = calendar_for([thursday, online], now=NOW)
    lines = unfold(text).split("\r\n")
    assert lines[0] == "BEGIN:VCALENDAR"
    assert "VERSION:2.0" in lines
    assert any(line.startswith("PRODID:") for line in lines)
    assert lines[-2:] == ["END:VCALENDAR", ""]
    assert lines.count("BEGIN:VEVENT") == 2
    assert "UID:thursday-tools@manypaths" in lines
    assert "DTSTAMP:20260107T120000Z" in lines
    assert "DTSTART;TZID=America/New_York:20260108T190000" in lines
    assert "DTEND;TZID=America/New_York:20260108T200000" in lines
    assert "RRULE:FREQ=WEEKLY;BYDAY=TH" in lines
    assert "SUMMARY:Thursday Tools (SMART)" in lines
    assert any(line.startswith("LOCATION:Hall ") for line in lines)
    # Sunday 18:30 in Melbourne: the next one after Wednesday is 11 January.
    assert "DTSTART;TZID=Australia/Melbourne:20260111T183000" in lines
    assert "RRULE:FREQ=WEEKLY;BYDAY=SU" in lines
    assert "URL:https://zoom.us/j/123" in lines
    assert any(line.startswith("DESCRIPTION:") and "By phone: +1 646 555 0100 ID 123" in line for line in lines)


def test_it_uses_crlf_line_endings_and_folds_lines_at_75_octets():
    meeting = make_meeting(
        name="Réunion du mercredi — " + "très longue " * 12, location=make_location(name="Église Saint-Éloi")
    )
    text = calendar_for([meeting], now=NOW)
    assert "\n" not in text.replace("\r\n", "")
    for line in text.split("\r\n"):
        assert len(line.encode("utf-8")) <= 75
    assert "SUMMARY:Réunion du mercredi — très longue" in unfold(text)
    text.encode("utf-8").decode("utf-8")  # no character was cut in half


def test_fold_never_splits_a_multibyte_character():
    folded = fold("SUMMARY:" + "é" * 80)
    parts = folded.split("\r\n ")
    assert len(parts) == 3
    assert all(len(part.encode("utf-8")) <= 75 for part in parts)
    assert "".join(parts) == "SUMMARY:" + "é" * 80


def test_it_escapes_text_values():
    assert escape_text("Hall; room 2, back door\\side\nupstairs") == "Hall\\; room 2\\, back door\\\\side\\nupstairs"
    meeting = make_meeting(name="Hope, Faith; Courage", location=make_location(name="St. Mark's, Hall"))
    text = unfold(calendar_for([meeting], now=NOW))
    assert "SUMMARY:Hope\\, Faith\\; Courage" in text
    assert "LOCATION:St. Mark's\\, Hall\\, " in text


def test_a_meeting_that_runs_past_midnight_ends_the_next_day():
    meeting = make_meeting(weekday=3, start_time=time(23, 0), end_time=time(0, 30))
    text = calendar_for([meeting], now=NOW)
    assert "DTSTART;TZID=America/New_York:20260107T230000" in text
    assert "DTEND;TZID=America/New_York:20260108T003000" in text


def test_a_meeting_without_an_end_time_lasts_an_hour():
    meeting = make_meeting(weekday=3, start_time=time(12, 0), end_time=None)
    text = calendar_for([meeting], now=NOW)
    assert "DTSTART;TZID=America/New_York:20260107T120000" in text
    assert "DTEND;TZID=America/New_York:20260107T130000" in text


def test_the_next_occurrence_is_after_a_dst_change_in_wall_clock_time():
    # Sunday 8 March 2026 is the spring-forward day in New York; 19:00 stays 19:00 local.
    meeting = make_meeting(weekday=0, start_time=time(19, 0))
    text = calendar_for([meeting], now=datetime(2026, 3, 7, 12, 0, tzinfo=UTC))
    assert "DTSTART;TZID=America/New_York:20260308T190000" in text
    assert date(2026, 3, 8).isoweekday() == 7
