"""Reading the soonest page from a window of the next hours (when a zone is stale) gives exactly the fully
sorted page."""

import random
from datetime import UTC, datetime, time

import pytest

from meetings.models import Attendance, Meeting
from search import clock as search
from tests.factories import make_meeting, make_program

pytestmark = pytest.mark.django_db

ZONES = ["America/New_York", "America/Los_Angeles", "Europe/London", "Australia/Melbourne"]


@pytest.fixture
def week_of_meetings():
    rng = random.Random(7)
    program = make_program()
    for n in range(200):
        make_meeting(
            program=program,
            name=f"m{n:03d}",
            attendance=Attendance.ONLINE,
            timezone=rng.choice(ZONES),
            weekday=rng.randrange(7),
            start_time=time(rng.randrange(24), rng.choice([0, 15, 30, 45])),
            end_time=None,
        )


@pytest.mark.parametrize("offset", [0, 5, 12])
def test_it_reads_the_same_page_from_the_window_as_from_a_full_sort(week_of_meetings, offset):
    now = datetime(2026, 6, 17, 17, 0, tzinfo=UTC)
    zones = search.meeting_zones()
    ordered = search.soonest_order(Meeting.objects.all(), now, zones)
    assert search.window_hours(200, offset + 5) is not None  # the window is really used
    ids = search.window_page_ids(ordered, now=now, zones=zones, offset=offset, limit=5, total=200)
    assert ids == [m.pk for m in ordered[offset : offset + 5]]


def test_it_falls_back_to_a_full_sort_when_the_window_is_too_sparse(week_of_meetings):
    now = datetime(2026, 6, 17, 17, 0, tzinfo=UTC)
    zones = search.meeting_zones()
    # Only Saturday meetings: a 2-hour window on a Wednesday holds none of them.
    ordered = search.soonest_order(Meeting.objects.filter(weekday=6), now, zones)
    total = ordered.count()
    ids = search.window_page_ids(ordered, now=now, zones=zones, offset=0, limit=1, total=total)
    assert ids == [m.pk for m in ordered[:1]]


def test_it_sizes_the_window_to_the_density_of_meetings():
    assert search.window_hours(250_000, 25) == 2
    assert search.window_hours(250_000, 5_000) == 11
    assert search.window_hours(100, 25) == 126  # most of the week, still less than all of it
    assert search.window_hours(60, 25) is None  # the window and its look back would cover the week
    assert search.window_hours(0, 25) is None
