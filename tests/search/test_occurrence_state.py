"""A result row's "in progress" and "starts in" (search.rows.occurrence_state) agree with the plain definition —
this week's or last week's occurrence has begun and not ended — at any moment, across daylight saving."""

import random
from datetime import UTC, datetime, time, timedelta
from types import SimpleNamespace

import pytest

from core.time import get_zone, local_datetime, next_start
from search.rows import occurrence_state

ZONES = ["America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kolkata", "Pacific/Chatham", "UTC"]
# Around the spring and autumn changes of 2026 in both hemispheres, and an ordinary week.
MOMENTS = [
    datetime(2026, 3, 8, 6, 0, tzinfo=UTC),
    datetime(2026, 3, 29, 0, 30, tzinfo=UTC),
    datetime(2026, 4, 5, 15, 0, tzinfo=UTC),
    datetime(2026, 10, 4, 15, 45, tzinfo=UTC),
    datetime(2026, 11, 1, 5, 59, tzinfo=UTC),
    datetime(2026, 11, 23, 19, 0, tzinfo=UTC),
]


def expected(meeting, now):
    zone = get_zone(meeting.timezone)
    start = next_start(meeting.weekday, meeting.start_time, zone, now)
    previous = local_datetime((start - timedelta(days=7)).astimezone(zone).date(), meeting.start_time, zone)
    duration = timedelta(minutes=meeting.duration_minutes)
    in_progress = previous <= now < previous + duration or start <= now < start + duration
    return {"start": start, "in_progress": in_progress, "minutes_until": int((start - now).total_seconds() // 60)}


@pytest.mark.parametrize("now", MOMENTS)
def test_it_matches_the_plain_definition_for_meetings_around_the_clock(now):
    rows = random.Random(now.timestamp())
    for _ in range(400):
        zone = rows.choice(ZONES)
        local = now.astimezone(get_zone(zone))
        # Starts near now (before and after) as well as anywhere in the week; lengths up to four hours.
        shift = rows.choice([rows.randint(-300, 300), rows.randint(-10080, 10080)])
        start = local + timedelta(minutes=shift)
        meeting = SimpleNamespace(
            timezone=zone,
            zone=get_zone(zone),
            weekday=(start.weekday() + 1) % 7,
            start_time=time(start.hour, start.minute),
            duration_minutes=rows.choice([30, 60, 90, 120, 240]),
        )
        assert occurrence_state(meeting, now) == expected(meeting, now), (meeting, now)
