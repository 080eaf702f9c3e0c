"""A results page's rows are read by id with one precompiled query (presenters.load_rows): the same values,
types and relations as the ORM gives, in the order of the ids, whatever the database."""

from datetime import date, time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from groups.models import Group, Program
from meetings.models import Attendance, Meeting
from search.rows import load_rows
from tests.factories import make_location, make_meeting, make_program, make_type

pytestmark = pytest.mark.django_db


@pytest.fixture
def meetings():
    program = make_program(name="Alcoholics Anonymous", short_name="AA", slug="aa")
    group = Group.objects.create(program=program, name="Tuesday Night Hope Group", slug="tuesday-night-hope")
    in_person = make_meeting(
        name="Hope at the Hall",
        program=program,
        group=group,
        start_time=time(19, 30),
        end_time=time(20, 45),
        last_verified=date(2026, 9, 1),
        location=make_location(name="Walnut Hall", city="Philadelphia", latitude=39.95, longitude=-75.19),
        types=[make_type(code="women", name="Women", category="audience", is_key=True)],
        notes="Side door.",
    )
    online = make_meeting(name="Online Daily", attendance=Attendance.ONLINE, start_time=time(7, 0), end_time=None)
    return in_person, online


def test_it_gives_the_values_the_orm_gives_in_the_order_of_the_ids(meetings):
    in_person, online = meetings
    rows = load_rows([online.pk, in_person.pk])
    assert [row.pk for row in rows] == [online.pk, in_person.pk]
    row, expected = rows[1], Meeting.objects.get(pk=in_person.pk)
    for name in ("name", "slug", "attendance", "weekday", "start_time", "end_time", "timezone", "utc_start"):
        assert getattr(row, name) == getattr(expected, name), name
    # SQLite keeps times and dates as text: they come back as the fields' types, as from the ORM.
    assert row.start_time == time(19, 30) and row.end_time == time(20, 45)
    assert row.last_verified == date(2026, 9, 1)
    assert rows[0].end_time is None and rows[0].last_verified is None


def test_it_attaches_place_group_program_and_types_without_more_queries(meetings):
    in_person, online = meetings
    load_rows([in_person.pk])  # the process reads the vocabularies once
    with CaptureQueriesContext(connection) as queries:
        rows = load_rows([in_person.pk, online.pk])
        row, online_row = rows
        shown = (
            row.location.name,
            row.location.city,
            row.location.latitude,
            row.group.name,
            row.program.short_name,
            [t.code for t in row.type_list],
            online_row.location,
            online_row.group,
        )
    assert len(queries) == 1, [q["sql"] for q in queries]
    assert shown == ("Walnut Hall", "Philadelphia", 39.95, "Tuesday Night Hope Group", "AA", ["women"], None, None)


def test_fields_it_does_not_read_are_loaded_on_access(meetings):
    in_person, _online = meetings
    row = load_rows([in_person.pk])[0]
    assert "notes" in row.get_deferred_fields()
    assert row.notes == "Side door."


def test_it_skips_ids_of_no_meeting_and_keeps_repeated_ones_in_order(meetings):
    in_person, online = meetings
    assert [row.pk for row in load_rows([in_person.pk, 999_999, in_person.pk, online.pk])] == [
        in_person.pk,
        in_person.pk,
        online.pk,
    ]
    assert load_rows([]) == []


def test_a_program_added_without_signals_is_read_when_a_row_needs_it(meetings):
    in_person, _online = meetings
    template = make_program()
    load_rows([in_person.pk])
    # bulk_create sends no post_save: the vocabulary's token stays, and the missing id makes it read again.
    template.pk, template.name, template.short_name, template.slug = None, "Newcomer Program", "NP", "np"
    (newcomer,) = Program.objects.bulk_create([template])
    Meeting.objects.filter(pk=in_person.pk).update(program=newcomer)
    assert load_rows([in_person.pk])[0].program.short_name == "NP"
