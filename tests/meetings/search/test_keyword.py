"""A keyword matches a meeting's name or notes, or its program, group or place, looked up by id or by join."""

import pytest
from django.db import connection

from groups.models import Group
from meetings import keywords
from meetings.models import Meeting
from tests.factories import make_location, make_meeting, make_program, make_region

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory():
    program = make_program(name="Refuge Recovery", short_name="RR", slug="refuge")
    other = make_program()
    region = make_region(name="Lehigh Valley")
    make_meeting(program=other, name="By name: Serenity")
    make_meeting(program=other, name="By notes", notes="Back door, up the ramp")
    make_meeting(program=program, name="By program")
    group = Group.objects.create(program=other, name="Tuesday Night Lantern Group", slug="lantern")
    make_meeting(program=other, name="By group", group=group)
    make_meeting(program=other, name="By place", location=make_location(name="Saint Brigid's Hall"))
    make_meeting(program=other, name="By city", location=make_location(city="Scranton"))
    make_meeting(program=other, name="By region", location=make_location(region=region))
    make_meeting(program=other, name="Unrelated")


def names(text):
    return sorted(Meeting.objects.filter(keywords.keyword_condition(text)).values_list("name", flat=True))


CASES = [
    ("serenity", ["By name: Serenity"]),
    ("RAMP", ["By notes"]),
    ("refuge", ["By program"]),
    ("rr", ["By program"]),  # a program's short name, matched whole
    ("lantern", ["By group"]),
    ("brigid", ["By place"]),
    ("scranton", ["By city"]),
    ("lehigh", ["By region"]),
    ("lantern tuesday", ["By group"]),  # every word must match
    ("lantern scranton", []),
    ("narnia", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_a_keyword_matches_by_the_ids_of_what_it_names(directory, text, expected):
    assert names(text) == expected


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_a_word_naming_too_many_places_and_groups_matches_them_by_join_with_the_same_result(
    directory, text, expected, monkeypatch
):
    monkeypatch.setattr(keywords, "MAX_IDS", 0)  # every non-empty lookup is "too many"
    assert names(text) == expected


def test_a_word_naming_few_places_becomes_a_list_of_their_ids_and_many_places_a_join(directory, monkeypatch):
    condition = str(Meeting.objects.filter(keywords.keyword_condition("scranton")).query)
    assert '"meetings_location"' not in condition.split(" WHERE ", 1)[1]
    keywords.cache.clear()
    monkeypatch.setattr(keywords, "MAX_IDS", 0)
    condition = str(Meeting.objects.filter(keywords.keyword_condition("scranton")).query)
    assert '"meetings_location"."city"' in condition


def test_the_search_page_finds_a_meeting_by_its_region(client, directory):
    response = client.get("/meetings/", {"q": "Lehigh"})
    assert [meeting.name for meeting in response.context["page"]] == ["By region"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="trigram indexes are PostgreSQL's")
def test_postgresql_has_trigram_indexes_on_every_name_a_keyword_reads():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%%trgm_idx'")
        found = {row[0] for row in cursor.fetchall()}
    assert found == {name for name, _table, _column in _migration().INDEXES}


def _migration():
    import importlib

    return importlib.import_module("meetings.migrations.0008_keyword_trigram_indexes")
