"""A keyword checked late, on the first candidates in order, gives exactly the page of the full query."""

import random
from datetime import time

import pytest
from django.db.models import Q

from meetings.models import Attendance, Meeting
from search import clock as search
from tests.factories import make_meeting, make_program

pytestmark = pytest.mark.django_db


@pytest.fixture
def meetings_some_named_hope():
    rng = random.Random(11)
    program = make_program()
    for n in range(120):
        # About one in four is a "Hope" meeting; exactly one is "Serenity".
        name = f"Hope {n:03d}" if rng.random() < 0.25 else ("Serenity" if n == 77 else f"Group {n:03d}")
        make_meeting(
            program=program,
            name=name,
            attendance=Attendance.ONLINE,
            timezone=rng.choice(["America/New_York", "Europe/London"]),
            weekday=rng.randrange(7),
            start_time=time(rng.randrange(24), rng.choice([0, 30])),
            end_time=None,
        )


def _ordered():
    return Meeting.objects.order_by("weekday", "start_time", "name", "pk")


@pytest.mark.parametrize(("word", "offset"), [("hope", 0), ("hope", 10), ("serenity", 0), ("nothing", 0)])
def test_a_late_keyword_gives_the_same_page_as_filtering_first(meetings_some_named_hope, word, offset, monkeypatch):
    monkeypatch.setattr(search, "LATE_BATCH", 20)  # several batches, and the fallback for a rare word
    late = Q(name__icontains=word)
    expected = list(_ordered().filter(late).values_list("pk", flat=True)[offset : offset + 5])
    assert search.page_ids(_ordered(), offset, 5, late=late) == expected


def test_a_late_keyword_is_checked_on_the_first_candidates_only_in_one_query_when_they_hold_the_page(
    meetings_some_named_hope, monkeypatch
):
    monkeypatch.setattr(search, "LATE_BATCH", 60)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        ids = search.page_ids(_ordered(), 0, 5, late=Q(name__icontains="hope"))
    assert len(ids) == 5
    assert len(queries) == 1
    assert "LIMIT 60" in queries[0]["sql"]  # the keyword is checked on the first 60 candidates only


def test_the_api_pages_a_keyword_search_in_day_order(client, meetings_some_named_hope):
    expected = list(_ordered().filter(name__icontains="hope").values_list("slug", flat=True))
    first = client.get("/api/meetings", {"q": "hope", "sort": "day"}).json()
    second = client.get("/api/meetings", {"q": "hope", "sort": "day", "page": 2}).json()
    assert first["count"] == len(expected)
    assert [row["slug"] for row in first["results"] + second["results"]] == expected[:50]
