"""Soonest first reads the clock index in order, except when another index finds the matches (a place's venues,
the ids a rare keyword's words name as text): then the few found are sorted whole. Either way the page is the
full sort's."""

import math
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from search import paging
from search.views import run_search
from tests.factories import make_location, make_meeting, make_program, make_type

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 17, 17, 0, tzinfo=UTC)


@pytest.fixture
def meetings():
    program = make_program()
    for n in range(30):
        # A zone without daylight saving: its recorded offset holds whenever the test runs.
        make_meeting(program=program, name=f"Hope {n}" if n % 3 else f"Serenity {n}", weekday=n % 7, timezone="UTC")
    far = make_location(latitude=61.2, longitude=-149.9, timezone="UTC")
    make_meeting(program=program, name="Far away", location=far, timezone="UTC")


def search(query):
    with CaptureQueriesContext(connection) as captured:
        filterset, page, errors = run_search(RequestFactory().get("/meetings/", query), now=NOW)
    assert not errors, errors
    sql = [q["sql"] for q in captured.captured_queries]
    sorted_whole = any("CASE WHEN" in statement and "ORDER BY" in statement for statement in sql)
    return [m.name for m in page.object_list], sorted_whole, filterset


@pytest.mark.parametrize("query", [{}, {"day": "today"}, {"now": "6"}, {"program": "program-x"}][:3])
def test_a_search_the_clock_index_holds_is_read_in_its_order(meetings, query):
    names, sorted_whole, filterset = search(query)
    assert not sorted_whole
    assert names == [m.name for m in filterset.qs.soonest_first(NOW)][:25]


def test_a_place_is_found_by_its_venues_and_sorted_whole(meetings):
    names, sorted_whole, filterset = search({"near": "19104", "radius": "50"})
    assert sorted_whole and "Far away" not in names
    assert names == [m.name for m in filterset.qs.soonest_first(NOW)][:25]


def test_a_keyword_naming_few_meetings_is_sorted_whole_and_a_common_one_read_in_order(meetings, monkeypatch):
    _names, sorted_whole, _ = search({"q": "serenity"})
    assert sorted_whole
    monkeypatch.setattr(paging, "SORT_IN_FULL_BELOW", 5)
    names, sorted_whole, filterset = search({"q": "hope"})
    assert not sorted_whole
    assert names == [m.name for m in filterset.qs.soonest_first(NOW)][:25]


def test_a_keyword_naming_a_kind_of_room_is_read_in_order_as_that_rooms_filter_is(meetings):
    # "methadone" means medication-friendly meetings: their types are in the clock index, and no index of their
    # own finds them, so however few they are they are not sorted whole (that read every meeting).
    med = make_type(code="medication-friendly", name="Medication-Friendly")
    for n in range(3):
        make_meeting(name=f"Med room {n}", types=[med], weekday=n, timezone="UTC")
    names, sorted_whole, filterset = search({"q": "methadone"})
    assert not sorted_whole
    assert sorted(names) == ["Med room 0", "Med room 1", "Med room 2"]
    assert names == [m.name for m in filterset.qs.soonest_first(NOW)]
    # A word matched as text beside it is found by its own indexes again.
    assert search({"q": "methadone room"})[1]


def serenity_ids(queryset, offset, limit, hours, monkeypatch):
    monkeypatch.setattr(paging, "window_hours", lambda total, needed: hours)
    with CaptureQueriesContext(connection) as captured:
        ids = paging.sorted_by_next_start(queryset, NOW, offset, limit, queryset.count())
    return ids, len(captured.captured_queries) - 1  # less the count


def test_a_window_of_the_next_hours_that_holds_the_page_is_all_that_is_sorted(meetings, monkeypatch):
    # Two of the ten Serenity meetings start within three hours of NOW (Wednesday 19:00 UTC).
    queryset = run_search(RequestFactory().get("/meetings/", {"q": "serenity"}), now=NOW)[0].qs
    expected = list(queryset.soonest_first(NOW).values_list("pk", flat=True))
    assert serenity_ids(queryset, 0, 2, 3, monkeypatch) == (expected[:2], 1)


def test_a_window_short_of_the_page_is_followed_by_the_whole_sort(meetings, monkeypatch):
    queryset = run_search(RequestFactory().get("/meetings/", {"q": "serenity"}), now=NOW)[0].qs
    expected = list(queryset.soonest_first(NOW).values_list("pk", flat=True))
    assert serenity_ids(queryset, 0, 3, 3, monkeypatch) == (expected[:3], 2)
    assert serenity_ids(queryset, 1, 25, 3, monkeypatch) == (expected[1:], 2)


def test_few_matches_are_sorted_whole_in_one_statement_and_many_from_a_window_first():
    assert paging.window_hours(paging.SORT_IN_FULL_BELOW - 1, 25) is None
    assert paging.window_hours(100_000, 25) == 2
    assert paging.window_hours(paging.SORT_IN_FULL_BELOW, 25) == math.ceil(3 * 25 * 168 / paging.SORT_IN_FULL_BELOW)
    # A window that would be the whole week is no window.
    assert paging.window_hours(paging.SORT_IN_FULL_BELOW, 2000) is None


def test_a_place_with_few_meetings_reads_its_page_in_one_statement(meetings):
    filterset = run_search(RequestFactory().get("/meetings/", {"near": "19104", "radius": "50"}), now=NOW)[0]
    results = paging.SearchResults(filterset)
    results.count()
    with CaptureQueriesContext(connection) as captured:
        ids = results.page_ids(0, 25)
    assert len(captured.captured_queries) == 1
    assert ids == list(filterset.qs.soonest_first(NOW).values_list("pk", flat=True))[:25]


def test_near_or_online_is_sorted_whole_when_few_and_read_in_order_when_many(meetings, monkeypatch):
    online = make_program()
    for n in range(6):
        make_meeting(program=online, name=f"Online {n}", attendance="online", weekday=n % 7, timezone="UTC")
    query = {"near": "19104", "radius": "50", "include_online": "1"}
    names, sorted_whole, filterset = search(query)
    assert sorted_whole and "Far away" not in names and "Online 0" in names
    assert names == [m.name for m in filterset.qs.soonest_first(NOW)][:25]
    monkeypatch.setattr(paging, "SORT_IN_FULL_BELOW", 5)
    names, sorted_whole, filterset = search(query)
    assert not sorted_whole
    assert names == [m.name for m in filterset.qs.soonest_first(NOW)][:25]
