"""Soonest first under a "today" or "now" filter reads its later runs only where they overlap the filter's
stretch of the week, each piece as one range: the same pages as the full sort, also when the stretch wraps
past Sunday 00:00 UTC."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from core.time import MINUTES_PER_WEEK
from meetings.models import Meeting
from search import clock as search
from search.clock import Clock
from search.filters import MeetingFilter
from search.paging import read_in_start_order
from search.views import run_search
from tests.search.test_soonest_start_order import SUNDAY_MIDNIGHT_UTC, fully_sorted, week_of_meetings

pytestmark = pytest.mark.django_db
__all__ = ["week_of_meetings"]  # the fixture, shared with test_soonest_start_order

WEEK = MINUTES_PER_WEEK
# Sunday 10:00 UTC: "today" reaches back past Sunday 00:00 (the range that scanned the whole table); Sunday
# 02:00: "now" and the meetings in progress too; midweek; late Saturday: "today" reaches past the week's end.
MOMENTS = [SUNDAY_MIDNIGHT_UTC + timedelta(minutes=m) for m in (120, 600, 3 * 1440 + 17 * 60, 6 * 1440 + 22 * 60)]


def test_week_pieces_of_a_plain_range_a_wrapping_one_and_the_whole_week():
    assert search.week_pieces(100, 200) == ((101, 201),)
    assert search.week_pieces(-1020, 2220) == ((0, 2221), (WEEK - 1020 + 1, WEEK))
    assert search.week_pieces(WEEK - 100, WEEK + 50) == ((0, 51), (WEEK - 99, WEEK))
    assert search.week_pieces(WEEK - 1, WEEK + 5) == ((0, 6),)
    assert search.week_pieces(10, WEEK - 1) == ((11, WEEK),)
    assert search.week_pieces(-5, WEEK + 5) == ((0, WEEK),)


def test_week_pieces_match_the_minutes_of_the_utc_range():
    for low, high in [(100, 200), (-1020, 2220), (WEEK - 100, WEEK + 50), (WEEK - 1, WEEK + 5), (10, WEEK - 1)]:
        pieces = search.week_pieces(low, high)
        in_pieces = {minute for start, end in pieces for minute in range(start, end)}
        in_range = {minute % WEEK for minute in range(low + 1, high + 1)}
        assert in_pieces == in_range, (low, high)


def test_intersecting_pieces():
    assert search.intersect_pieces(None, None) is None
    assert search.intersect_pieces(((5, 10),), None) == ((5, 10),)
    assert search.intersect_pieces(((0, 0), (3, 4)), None) == ((3, 4),)
    assert search.intersect_pieces(((600, WEEK),), ((0, 2221), (9061, WEEK))) == ((600, 2221), (9061, WEEK))
    assert search.intersect_pieces(((0, 600),), ((0, 2221), (9061, WEEK))) == ((0, 600),)
    assert search.intersect_pieces(((0, 10),), ((20, 30),)) == ()


def soonest_pages(data, now, offsets, limit=10):
    """{offset: ids} of the search's pages read with its window, and the full sort of its matches."""
    assert not Clock.at(now, 24).stale
    filterset = MeetingFilter(data, queryset=Meeting.objects.listed(), now=now)
    assert filterset.is_valid(), filterset.errors
    queryset = filterset.qs
    total = queryset.count()
    clock = Clock.at(now)
    pages = {
        offset: read_in_start_order(queryset, clock, offset, max(0, min(limit, total - offset)), filterset.window)
        for offset in offsets
    }
    return filterset, pages, fully_sorted(queryset, now)


@pytest.mark.parametrize("now", MOMENTS, ids=lambda moment: moment.strftime("%a-%H%M"))
@pytest.mark.parametrize("data", [{"day": ["today"]}, {"now": "3"}, {"now": "24"}, {"day": ["today"], "now": "6"}])
def test_every_page_under_a_time_filter_is_the_page_of_the_full_sort(week_of_meetings, now, data):
    filterset, pages, expected = soonest_pages(data, now, (0, 3, 10, 20, 40, 80))
    assert filterset.window is not None
    assert expected, "the filter should match some of the week's meetings"
    for offset, ids in pages.items():
        assert ids == expected[offset : offset + 10], offset


def test_only_today_alone_narrows_the_window(week_of_meetings):
    now = MOMENTS[1]
    today = MeetingFilter({"day": ["today"]}, queryset=Meeting.objects.listed(), now=now)
    today.qs  # noqa: B018 -- filtering sets the window
    assert today.window == Clock.at(now).today_window()
    today_or_monday = MeetingFilter({"day": ["today", "1"]}, queryset=Meeting.objects.listed(), now=now)
    today_or_monday.qs  # noqa: B018
    assert today_or_monday.window is None
    plain = MeetingFilter({}, queryset=Meeting.objects.listed(), now=now)
    plain.qs  # noqa: B018
    assert plain.window is None


def test_the_later_runs_of_a_wrapping_today_are_each_one_range(week_of_meetings):
    now = MOMENTS[1]  # Sunday 10:00 UTC: today's stretch is (Saturday 07:00, Monday 13:00]
    window = Clock.at(now).today_window()
    assert len(window) == 2
    request = RequestFactory().get("/meetings/", {"day": "today", "page": "2"})
    with CaptureQueriesContext(connection) as captured:
        _filterset, page, errors = run_search(request, now=now)
    assert not errors and page.object_list
    later = [q["sql"] for q in captured.captured_queries if "ORDER BY" in q["sql"] and 'utc_start" ASC' in q["sql"]]
    assert later, "the page should read a later run"
    for sql in later:
        # The run's own range, written as bounds of one range: nothing the database must union.
        assert '"utc_start" >= ' in sql and '"utc_start" < ' in sql, sql


def test_the_search_page_under_today_gives_the_full_sort(week_of_meetings):
    now = MOMENTS[1]
    request = RequestFactory().get("/meetings/", {"day": "today"})
    filterset, page, errors = run_search(request, now=now)
    assert not errors
    assert [meeting.pk for meeting in page.object_list] == fully_sorted(filterset.qs, now)[:25]
