"""A program's meetings in day order, counted and paged from cached counts per weekday and start time."""

from datetime import time

import pytest
from django.utils import timezone

from meetings.models import Meeting, Status
from tests.factories import make_location, make_meeting, make_program

pytestmark = pytest.mark.django_db

ORDER = ("weekday", "start_time", "name", "pk")


@pytest.fixture
def program():
    program, location = make_program(), make_location()
    # Slots of different sizes, names repeated within a slot: only the pk orders those.
    for weekday, start, names in [
        (0, time(7), ["B", "A", "A"]),
        (0, time(19), ["C"]),
        (2, time(7), ["A", "A", "B", "C"]),
        (6, time(23, 30), ["Z", "Y"]),
    ]:
        for name in names:
            make_meeting(
                program=program, name=name, weekday=weekday, start_time=start, end_time=None, location=location
            )
    make_meeting(program=program, weekday=0, start_time=time(7), name="A", status=Status.INACTIVE, location=location)
    make_meeting(program=program, weekday=2, start_time=time(7), name="A", deleted_at=timezone.now())
    make_meeting(weekday=0, start_time=time(7), name="A")  # another program's
    return program


def listed_in_order(program):
    return list(Meeting.objects.listed().filter(program=program).order_by(*ORDER).values_list("pk", flat=True))


def test_it_gives_every_slice_as_ordering_all_the_listed_meetings_would(program):
    expected = listed_in_order(program)
    meetings = program.listed_meetings()
    assert meetings.count() == len(expected) == 10
    for start in range(len(expected) + 1):
        for stop in range(start, len(expected) + 2):
            assert [meeting.pk for meeting in meetings[start:stop]] == expected[start:stop], (start, stop)


def test_it_reads_the_counts_once_then_from_the_cache(program, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert program.listed_meetings().count() == 10
    with django_assert_num_queries(0):
        assert program.listed_meetings().count() == 10


def test_it_shows_the_meetings_still_listed_when_some_went_since_the_counts(program):
    program.listed_meetings().count()  # counted and kept
    gone = listed_in_order(program)[2:5]
    Meeting.objects.filter(pk__in=gone).update(deleted_at=timezone.now())
    meetings = program.listed_meetings()
    assert meetings.count() == 10  # as counted, at most MEETING_COUNTS_SECONDS ago
    shown = [meeting.pk for meeting in meetings[0:10]]
    assert shown == listed_in_order(program)
    assert not set(shown) & set(gone)
