"""The program pages read every program's meeting counts from the cache, counted with one grouped query."""

import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from groups.models import MEETING_COUNTS_SECONDS
from meetings.models import Attendance, Status
from tests.factories import make_meeting, make_program

pytestmark = pytest.mark.django_db

COMPARE, PROGRAMS = reverse("groups:compare"), reverse("groups:list")


def counting_queries(queries):
    return [query["sql"] for query in queries if "COUNT(" in query["sql"] and "meetings_meeting" in query["sql"]]


@pytest.fixture
def counted():
    program = make_program(name="Counted")
    make_meeting(program=program, attendance=Attendance.ONLINE)
    make_meeting(program=program, attendance=Attendance.HYBRID)
    make_meeting(program=program, attendance=Attendance.IN_PERSON)
    make_meeting(program=program, attendance=Attendance.IN_PERSON, status=Status.INACTIVE)
    make_meeting(program=make_program(name="Other"), attendance=Attendance.ONLINE)
    return program


def test_it_counts_every_program_with_one_grouped_query_then_reads_the_cache(client, counted):
    with CaptureQueriesContext(connection) as first:
        response = client.get(COMPARE)
    assert len(counting_queries(first.captured_queries)) == 1
    assert "GROUP BY" in counting_queries(first.captured_queries)[0]
    assert "Online: 2 · In person: 2" in response.content.decode()
    with CaptureQueriesContext(connection) as second:
        response = client.get(COMPARE)
    assert counting_queries(second.captured_queries) == []
    html = response.content.decode()
    assert "3 meetings" in html
    assert "Online: 2 · In person: 2" in html
    assert "Online: 1 · In person: 0" in html  # the other program


def test_it_shares_the_kept_counts_between_the_program_pages(client, counted):
    client.get(COMPARE)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(PROGRAMS)
    assert counting_queries(queries.captured_queries) == []
    html = response.content.decode()
    assert "3 meetings listed" in html
    assert "1 meeting listed" in html


def test_it_counts_again_once_the_kept_counts_are_too_old(client, counted, monkeypatch):
    client.get(PROGRAMS)
    make_meeting(program=counted, attendance=Attendance.ONLINE)
    # Within the keep: the page says what was counted (at most MEETING_COUNTS_SECONDS old).
    assert "3 meetings listed" in client.get(PROGRAMS).content.decode()
    later = time.time() + MEETING_COUNTS_SECONDS + 1
    monkeypatch.setattr(time, "time", lambda: later)
    assert "4 meetings listed" in client.get(PROGRAMS).content.decode()
