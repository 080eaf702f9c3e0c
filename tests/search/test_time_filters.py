"""'Now' and 'today' are computed in each meeting's own zone, exactly across daylight-saving changes."""

from datetime import UTC, datetime, time

import pytest

from meetings.models import Attendance, Meeting
from search.filters import MeetingFilter
from tests.factories import make_meeting, make_program

pytestmark = pytest.mark.django_db

SUNDAY, SATURDAY = 0, 6


def names(data, now):
    filterset = MeetingFilter(data, queryset=Meeting.objects.listed(), now=now)
    assert filterset.is_valid(), filterset.errors
    return sorted(m.name for m in filterset.qs)


@pytest.fixture
def zones_meetings():
    """Meetings on the night the US springs forward (2026-03-08, 02:00 -> 03:00) while London does not."""
    program = make_program()

    def online(name, zone, weekday, start, end=None):
        return make_meeting(
            program=program,
            name=name,
            timezone=zone,
            weekday=weekday,
            start_time=start,
            end_time=end,
            attendance=Attendance.ONLINE,
        )

    online("NY 00:45-01:45 in progress", "America/New_York", SUNDAY, time(0, 45), time(1, 45))
    online("NY 03:30 starts in 1h", "America/New_York", SUNDAY, time(3, 30), time(4, 30))
    # 04:15 EDT is 1h45 after 01:30 EST: inside a real 2-hour window, outside a naive wall-clock one.
    online("NY 04:15 starts in 1h45", "America/New_York", SUNDAY, time(4, 15), time(5, 15))
    online("NY 04:45 too late", "America/New_York", SUNDAY, time(4, 45), time(5, 45))
    online("Chicago 03:15 starts in 1h45", "America/Chicago", SUNDAY, time(3, 15), time(4, 15))
    online("London 08:15 starts in 1h45", "Europe/London", SUNDAY, time(8, 15), time(9, 15))
    online("London 08:45 too late", "Europe/London", SUNDAY, time(8, 45), time(9, 45))
    online("London 06:00 no end time, in progress", "Europe/London", SUNDAY, time(6, 0))
    online("London 05:00 no end time, over", "Europe/London", SUNDAY, time(5, 0))
    online("Melbourne Sat 23:30-00:30 over", "Australia/Melbourne", SATURDAY, time(23, 30), time(0, 30))
    online("Melbourne 17:00-18:30 in progress", "Australia/Melbourne", SUNDAY, time(17, 0), time(18, 30))
    online("NY Saturday 22:00-23:30", "America/New_York", SATURDAY, time(22, 0), time(23, 30))


def test_it_finds_meetings_in_progress_or_starting_within_two_hours_across_a_dst_change(zones_meetings):
    # 06:30 UTC = 01:30 EST in New York, 00:30 CST in Chicago, 06:30 GMT in London, 17:30 AEDT in Melbourne.
    now = datetime(2026, 3, 8, 6, 30, tzinfo=UTC)
    assert names({"now": "2"}, now) == [
        "Chicago 03:15 starts in 1h45",
        "London 06:00 no end time, in progress",
        "London 08:15 starts in 1h45",
        "Melbourne 17:00-18:30 in progress",
        "NY 00:45-01:45 in progress",
        "NY 03:30 starts in 1h",
        "NY 04:15 starts in 1h45",
    ]


def test_it_finds_only_meetings_in_progress_with_zero_hours(zones_meetings):
    now = datetime(2026, 3, 8, 6, 30, tzinfo=UTC)
    assert names({"now": "0"}, now) == [
        "London 06:00 no end time, in progress",
        "Melbourne 17:00-18:30 in progress",
        "NY 00:45-01:45 in progress",
    ]


def test_it_finds_a_meeting_that_runs_past_midnight_the_next_day(zones_meetings):
    # 13:15 UTC = 00:15 AEDT on Sunday in Melbourne: Saturday's 23:30-00:30 meeting is still on.
    now = datetime(2026, 3, 7, 13, 15, tzinfo=UTC)
    assert "Melbourne Sat 23:30-00:30 over" in names({"now": "0"}, now)


def test_it_takes_today_as_each_meetings_own_day(zones_meetings):
    # 03:30 UTC is still Saturday evening in New York and Chicago but Sunday in London and Melbourne.
    now = datetime(2026, 3, 8, 3, 30, tzinfo=UTC)
    today = names({"day": ["today"]}, now)
    assert "NY Saturday 22:00-23:30" in today
    assert "London 08:15 starts in 1h45" in today
    assert "Melbourne 17:00-18:30 in progress" in today
    assert "NY 03:30 starts in 1h" not in today
    assert "Chicago 03:15 starts in 1h45" not in today
    assert "Melbourne Sat 23:30-00:30 over" not in today


def test_it_orders_soonest_first_with_meetings_in_progress_on_top():
    # The order compares local wall-clock minutes; in a week with no DST change that is exact.
    program = make_program()
    for name, zone, start in [
        ("Berlin 20:00", "Europe/Berlin", time(20, 0)),  # 18:00 UTC
        ("NY 13:30", "America/New_York", time(13, 30)),  # 17:30 UTC
        ("London 18:45", "Europe/London", time(18, 45)),  # 17:45 UTC (BST)
        ("London 17:30 in progress", "Europe/London", time(17, 30)),  # 16:30 UTC
        ("NY 11:30 over", "America/New_York", time(11, 30)),  # 15:30 UTC, ended 16:30
    ]:
        make_meeting(
            program=program,
            name=name,
            timezone=zone,
            weekday=3,
            start_time=start,
            end_time=None,
            attendance=Attendance.ONLINE,
        )
    now = datetime(2026, 6, 17, 17, 0, tzinfo=UTC)  # a Wednesday
    assert [m.name for m in Meeting.objects.listed().soonest_first(now)] == [
        "London 17:30 in progress",
        "NY 13:30",
        "London 18:45",
        "Berlin 20:00",
        "NY 11:30 over",
    ]


@pytest.mark.parametrize(
    ("part", "expected"),
    [
        ("morning", ["07:00"]),
        ("midday", ["12:00"]),
        ("evening", ["18:30", "20:30"]),
        ("night", ["20:30", "23:00", "02:00"]),
    ],
)
def test_it_filters_by_part_of_day_as_meeting_guide_clients_do(part, expected):
    program = make_program()
    for hour, minute in [(7, 0), (12, 0), (18, 30), (20, 30), (23, 0), (2, 0)]:
        make_meeting(program=program, name=f"{hour:02d}:{minute:02d}", start_time=time(hour, minute), end_time=None)
    assert names({"time_of_day": part, "sort": "day"}, datetime(2026, 3, 3, tzinfo=UTC)) == sorted(expected)
