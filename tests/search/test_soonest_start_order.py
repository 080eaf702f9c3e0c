"""Soonest first read as three runs in index order (in progress, later this week, next week) gives exactly the
page of the full sort, at every moment of the week and every depth, with or without other conditions."""

import random
from datetime import UTC, datetime, time, timedelta

import pytest
from django.db import connection
from django.db.models import Q

from meetings.models import Attendance, Meeting, ZoneOffset
from search.clock import Clock
from search.paging import in_progress_by_name, read_in_start_order
from tests.factories import make_program

pytestmark = pytest.mark.django_db

# Zones without daylight saving: their recorded offsets hold at every test moment, so no zone is stale and the
# start-order path is the one taken (asserted in each test).
ZONES = ["Asia/Tokyo", "Asia/Kolkata", "America/Phoenix", "UTC", "Asia/Kathmandu"]
SUNDAY_MIDNIGHT_UTC = datetime(2026, 6, 14, 0, 0, tzinfo=UTC)
# Around the week's turn in UTC (the look back for meetings in progress reaches into the previous week), a
# busy minute, and a quiet one late on Saturday.
MOMENTS = [
    SUNDAY_MIDNIGHT_UTC + timedelta(minutes=minutes)
    for minutes in (0, 1, 45, 130, 239, 240, 3 * 1440 + 17 * 60, 6 * 1440 + 23 * 60 + 59)
]


def online_meetings(count, seed, zones, lengths):
    """`count` online meetings at random quarter hours of the week in the zones, each `lengths` minutes long (or
    with no end: an hour), written in bulk (as an import writes them)."""
    rng = random.Random(seed)
    program = make_program()
    meetings = []
    for n in range(count):
        start = time(rng.randrange(24), rng.choice([0, 15, 30, 45]))
        ends = datetime.combine(datetime(2026, 1, 1), start) + timedelta(minutes=rng.choice(lengths))
        meetings.append(
            Meeting(
                program=program,
                # Repeated names: the order falls back to the id.
                name=f"m{rng.randrange(60):02d}",
                slug=f"meeting-{n}",
                attendance=Attendance.ONLINE,
                conference_url=f"https://zoom.us/j/{1000000000 + n}",
                timezone=rng.choice(zones),
                weekday=rng.randrange(7),
                start_time=start,
                end_time=rng.choice([None, ends.time()]),
            )
        )
    Meeting.objects.set_clocks(meetings)
    Meeting.objects.bulk_create(meetings)
    ZoneOffset.forget_cached()


@pytest.fixture
def week_of_meetings():
    """160 online meetings over the week and the zones."""
    online_meetings(160, 11, ZONES, [30, 60, 90, 150])


def fully_sorted(queryset, now):
    return list(queryset.soonest_first(now).values_list("pk", flat=True))


def page(queryset, now, offset, limit, total=None):
    clock = Clock.at(now)
    assert clock.order_is_exact and not clock.stale
    total = queryset.count() if total is None else total
    return read_in_start_order(queryset, clock, offset, max(0, min(limit, total - offset)))


@pytest.mark.parametrize("now", MOMENTS, ids=lambda moment: moment.strftime("%a-%H%M"))
def test_every_page_is_the_page_of_the_full_sort(week_of_meetings, now):
    listed = Meeting.objects.listed()
    expected = fully_sorted(listed, now)
    assert len(expected) == 160
    for offset in (0, 3, 10, 25, 70, 150, 155, 160):
        assert page(listed, now, offset, 10) == expected[offset : offset + 10], offset


@pytest.mark.parametrize("now", MOMENTS[:3] + MOMENTS[-2:], ids=lambda moment: moment.strftime("%a-%H%M"))
def test_a_condition_read_in_start_order_gives_the_page_of_the_full_sort_of_its_matches(week_of_meetings, now):
    some = Meeting.objects.listed().filter(Q(name__contains="1"))
    expected = fully_sorted(some, now)
    for offset in (0, 5, 20, len(expected) - 3):
        assert page(some, now, offset, 8) == expected[offset : offset + 8], offset


def test_filters_keep_the_order(week_of_meetings):
    now = MOMENTS[6]
    some = Meeting.objects.listed().filter(weekday__in=[2, 3], start_time__gte=time(12))
    expected = fully_sorted(some, now)
    assert page(some, now, 0, 10) == expected[:10]
    assert page(some, now, 12, 10) == expected[12:22]


def test_a_first_page_in_progress_is_one_query(week_of_meetings, django_assert_num_queries):
    now = MOMENTS[6]
    listed = Meeting.objects.listed()
    in_progress = listed.in_progress(now).count()
    assert in_progress >= 1
    with django_assert_num_queries(1):
        assert len(page(listed, now, 0, in_progress, total=160)) == in_progress


def test_a_deeper_page_counts_the_meetings_in_progress_and_reads_one_run(week_of_meetings, django_assert_num_queries):
    Clock.at(MOMENTS[6])  # reads the recorded offsets once
    with django_assert_num_queries(2):
        assert len(page(Meeting.objects.listed(), MOMENTS[6], 30, 10, total=160)) == 10


def test_a_page_past_the_end_of_this_week_also_counts_this_weeks_run(week_of_meetings, django_assert_num_queries):
    Clock.at(MOMENTS[6])
    with django_assert_num_queries(4):
        assert len(page(Meeting.objects.listed(), MOMENTS[6], 120, 10, total=160)) == 10


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan")
def test_postgresql_reads_the_later_run_in_index_order_without_sorting(week_of_meetings):
    run = Meeting.objects.listed().filter(utc_start__gte=600).order_by("utc_start", "name", "pk")
    sql, params = run.values_list("pk", flat=True)[:25].query.sql_with_params()
    with connection.cursor() as cursor:
        # With sorting priced out, a plan without a Sort node exists only if the index gives the order.
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "meeting_listed_clock_idx" in plan
    assert "Sort" not in plan, plan


def test_in_progress_is_two_ranges_only_while_the_look_back_reaches_into_the_previous_week():
    assert len(Clock.at(SUNDAY_MIDNIGHT_UTC + timedelta(minutes=45)).in_progress_parts()) == 2
    assert len(Clock.at(SUNDAY_MIDNIGHT_UTC + timedelta(minutes=240)).in_progress_parts()) == 1


def plan_of(queryset):
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE meetings_meeting")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan")
def test_postgresql_reads_each_range_of_meetings_in_progress_on_its_own(week_of_meetings):
    clock = Clock.at(SUNDAY_MIDNIGHT_UTC + timedelta(minutes=45))
    listed = Meeting.objects.listed()
    # One condition with both ranges is a bitmap of both (BitmapOr) whose table rows are all read...
    assert "BitmapOr" in plan_of(listed.filter(clock.in_progress()).order_by("name", "pk")[:25])
    # ...a query per range can read each from the index alone (at 250,000 meetings: 13 ms against 5).
    plan = plan_of(in_progress_by_name(listed, clock)[:25])
    assert "BitmapOr" not in plan, plan
    assert plan.count("meeting_listed_clock_idx") == 2, plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plan")
def test_postgresql_tests_not_over_on_the_index_entries(week_of_meetings):
    # A keyword in the notes makes the table's rows read: only those of meetings in progress, because whether
    # a meeting is over is an index condition (utc_end > now), not a filter of the rows read.
    clock = Clock.at(MOMENTS[6])
    plan = plan_of(Meeting.objects.listed().filter(clock.in_progress(), notes__icontains="ramp"))
    index_condition = next(line for line in plan.splitlines() if "Index Cond" in line)
    assert "utc_end >" in index_condition, plan


def test_the_place_index_holds_what_soonest_first_near_a_place_reads():
    # A search near a place reads each venue's meetings from this index: a column of "in progress" or of the
    # order missing from it sends every venue's meetings to the table (near Chicago's page 4.9 -> 12 ms at
    # 250,000 meetings when utc_end was not in it).
    index = next(index for index in Meeting._meta.indexes if index.name == "meeting_listed_place_idx")
    assert {"location", "utc_start", "utc_end", "name", "id"} <= set(index.fields)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's estimate")
def test_postgresql_expects_nearer_the_number_of_meetings_in_progress_with_the_ends_bound():
    # 3,000 meetings over the week, an hour or two long. Early on Sunday (UTC) nearly every meeting's end is
    # after now: given "begun and not over" alone, PostgreSQL multiplies the two shares and expects several
    # times the meetings in progress; the end's bound within a day (always true) brings it nearer the truth
    # (search.clock._running: a common keyword's plan depended on it).
    online_meetings(3000, 5, ["UTC"], range(60, 121))
    now = SUNDAY_MIDNIGHT_UTC + timedelta(minutes=235)
    clock = Clock.at(now)
    listed = Meeting.objects.listed()
    in_progress = clock.in_progress_parts()[0]
    actual = listed.filter(in_progress).count()
    begun_not_over = Q(utc_start__lte=235, utc_end__gt=235)
    assert actual == listed.filter(begun_not_over).count() > 10

    def expected_rows(condition):
        plan = plan_of(listed.filter(condition).values("pk"))
        return int(plan.split("rows=")[1].split()[0])

    def how_far_off(estimate):
        return max(estimate, actual) / max(1, min(estimate, actual))

    # Here 66 and 9 expected for 23; at 250,000 generated meetings 9,642 and 1,458 expected for 1,726.
    assert how_far_off(expected_rows(in_progress)) < how_far_off(expected_rows(begun_not_over))
