""" "Today" is arithmetic on each meeting's recorded offset, unless its zone's offset has changed since."""

from datetime import UTC, datetime, time

import pytest

from meetings.models import Attendance, Meeting, ZoneOffset
from search.filters import MeetingFilter
from tests.factories import make_meeting, make_program

pytestmark = pytest.mark.django_db

WEDNESDAY, THURSDAY = 3, 4


def sql(data, now):
    filterset = MeetingFilter(data, queryset=Meeting.objects.listed(), now=now)
    assert filterset.is_valid(), filterset.errors
    return str(filterset.qs.query).split(" FROM ", 1)[1], sorted(m.name for m in filterset.qs)


@pytest.fixture
def meetings():
    program = make_program()
    for name, zone, weekday in [
        ("NY Wednesday", "America/New_York", WEDNESDAY),
        ("NY Thursday", "America/New_York", THURSDAY),
        ("London Wednesday", "Europe/London", WEDNESDAY),
        ("London Thursday", "Europe/London", THURSDAY),
    ]:
        make_meeting(
            program=program, name=name, timezone=zone, weekday=weekday, start_time=time(12, 0), end_time=None,
            attendance=Attendance.ONLINE,
        )  # fmt: skip


def record(new_york, london):
    ZoneOffset.objects.update_or_create(timezone="America/New_York", defaults={"minutes": new_york})
    ZoneOffset.objects.update_or_create(timezone="Europe/London", defaults={"minutes": london})
    Meeting.objects.recompute_clocks("America/New_York", new_york)
    Meeting.objects.recompute_clocks("Europe/London", london)
    ZoneOffset.forget_cached()


def test_with_every_zone_current_today_has_no_condition_on_zones_and_is_each_meetings_own_day(meetings):
    record(new_york=-240, london=60)  # June: EDT and BST
    # Thursday 03:30 UTC: still Wednesday 23:30 in New York, already Thursday 04:30 in London.
    query, names = sql({"day": ["today"]}, datetime(2026, 6, 18, 3, 30, tzinfo=UTC))
    assert '"timezone"' not in query
    assert names == ["London Thursday", "NY Wednesday"]


def test_a_zone_recorded_with_another_offset_takes_today_from_its_wall_clock(meetings):
    record(new_york=-300, london=60)  # New York's meetings still stored as on EST in June
    # Thursday 04:30 UTC: 00:30 Thursday in New York on EDT (23:30 Wednesday on the stale EST).
    query, names = sql({"day": ["today"]}, datetime(2026, 6, 18, 4, 30, tzinfo=UTC))
    assert "America/New_York" in query
    assert "Europe/London" not in query
    assert names == ["London Thursday", "NY Thursday"]
