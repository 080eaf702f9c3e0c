"""Result counts are cached: for the clock-free filters across minutes, for "now" and "today" per minute."""

from datetime import UTC, datetime

from django.http import QueryDict

from search.paging import count_key

ONE = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
NEXT_MINUTE = datetime(2026, 11, 23, 12, 1, tzinfo=UTC)


def key(query, now):
    return count_key(QueryDict(query), now)


def test_a_count_without_time_filters_is_the_same_in_the_next_minute():
    assert key("q=hope", ONE) == key("q=hope", NEXT_MINUTE)


def test_counts_of_now_and_today_are_per_minute():
    assert key("now=2", ONE) != key("now=2", NEXT_MINUTE)
    assert key("day=today", ONE) != key("day=today", NEXT_MINUTE)


def test_display_only_parameters_share_the_count_and_filters_do_not():
    assert key("q=hope&page=3&sort=day&tz=Europe/London", ONE) == key("q=hope", ONE)
    assert key("q=hope", ONE) != key("q=faith", ONE)
