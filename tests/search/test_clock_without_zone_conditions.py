"""Searches by time read one indexed column unless a zone's offset is not the one its meetings were stored with."""

from datetime import UTC, datetime, time

import pytest

from meetings.models import Attendance, Meeting, ZoneOffset
from search.filters import MeetingFilter
from tests.factories import make_meeting, make_program

pytestmark = pytest.mark.django_db

WEDNESDAY = 3
JUNE = datetime(2026, 6, 17, 17, 0, tzinfo=UTC)  # Wednesday; New York on EDT (UTC-4), London on BST (UTC+1)


def sql(data, now):
    filterset = MeetingFilter(data, queryset=Meeting.objects.listed(), now=now)
    assert filterset.is_valid(), filterset.errors
    # The conditions and the order, without the selected columns (which include "timezone" itself).
    return str(filterset.qs.query).split(" FROM ", 1)[1], [m.name for m in filterset.qs]


@pytest.fixture
def meetings():
    program = make_program()
    for name, zone, start in [
        ("NY 13:30", "America/New_York", time(13, 30)),  # 17:30 UTC
        ("London 17:30 in progress", "Europe/London", time(17, 30)),  # 16:30 UTC
        ("London 20:00 later", "Europe/London", time(20, 0)),  # 19:00 UTC
    ]:
        make_meeting(
            program=program, name=name, timezone=zone, weekday=WEDNESDAY, start_time=start, end_time=None,
            attendance=Attendance.ONLINE,
        )  # fmt: skip


def record(**offsets):
    for zone, minutes in offsets.items():
        ZoneOffset.objects.update_or_create(timezone=zone.replace("__", "/"), defaults={"minutes": minutes})
    Meeting.objects.recompute_clocks("America/New_York", offsets["America__New_York"])
    Meeting.objects.recompute_clocks("Europe/London", offsets["Europe__London"])
    ZoneOffset.forget_cached()


def test_with_every_zone_current_the_query_has_no_condition_on_zones(meetings):
    record(America__New_York=-240, Europe__London=60)
    query, names = sql({"now": "1"}, JUNE)
    assert '"timezone"' not in query
    assert sorted(names) == ["London 17:30 in progress", "NY 13:30"]


def test_a_zone_recorded_with_another_offset_is_matched_by_its_wall_clock_and_still_right(meetings):
    record(America__New_York=-300, Europe__London=60)  # New York's meetings stored as if on EST
    query, names = sql({"now": "1"}, JUNE)
    assert "America/New_York" in query
    assert "Europe/London" not in query
    assert sorted(names) == ["London 17:30 in progress", "NY 13:30"]


def test_soonest_order_is_right_for_a_zone_recorded_with_another_offset(meetings):
    record(America__New_York=-300, Europe__London=0)  # both stored as in winter
    names = [meeting.name for meeting in Meeting.objects.listed().soonest_first(JUNE)]
    assert names == ["London 17:30 in progress", "NY 13:30", "London 20:00 later"]
