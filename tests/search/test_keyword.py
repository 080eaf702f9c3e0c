"""A keyword matches a meeting's name or notes, or its program, group or place, looked up by id or by join."""

import pytest
from django.db import connection
from django.db.models import Q

from groups.models import Group
from meetings.models import Meeting
from search import keywords
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


def plain_matches(text):
    """The plain definition of a keyword search, by joins: every word in the meeting's name or notes, or in the
    name of its program, group, venue, city or region (or its program's abbreviation)."""
    condition = Q()
    for word in text.split()[: keywords.MAX_WORDS]:
        condition &= (
            Q(name__icontains=word)
            | Q(notes__icontains=word)
            | Q(program__name__icontains=word)
            | Q(program__short_name__iexact=word)
            | Q(group__name__icontains=word)
            | Q(location__name__icontains=word)
            | Q(location__city__icontains=word)
            | Q(location__region__name__icontains=word)
        )
    return sorted(Meeting.objects.filter(condition).values_list("name", flat=True))


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_the_keyword_condition_matches_the_plain_definition(directory, text, expected):
    assert plain_matches(text) == expected


@pytest.mark.parametrize("sort_in_full_below", [0, 10**9])
def test_the_api_gives_the_same_page_whether_read_in_start_order_or_sorted_whole(
    client, directory, sort_in_full_below, monkeypatch
):
    from search import paging

    monkeypatch.setattr(paging, "SORT_IN_FULL_BELOW", sort_in_full_below)
    response = client.get("/api/meetings", {"q": "by"})
    assert response.json()["count"] == 7
    assert sorted(row["name"] for row in response.json()["results"]) == sorted(
        name for name in Meeting.objects.values_list("name", flat=True) if name.startswith("By")
    )


def test_the_name_and_notes_a_keyword_reads_follow_every_write(client):
    meeting = make_meeting(name="Zephyr Group", notes="")
    assert names("zephyr") == ["Zephyr Group"]
    meeting.name, meeting.notes = "Renamed", "zephyr room upstairs"
    meeting.save()
    assert names("zephyr") == ["Renamed"]
    Meeting.objects.filter(pk=meeting.pk).update(notes="")  # a bulk update, not save()
    assert names("zephyr") == []
    Meeting.objects.filter(pk=meeting.pk).delete()
    assert names("renamed") == []


def test_meetings_written_by_the_generators_raw_sql_are_found_by_keyword():
    from django.core.management import call_command

    call_command("generate_meetings", "20", "--seed", "5", verbosity=0)  # loads the programs it needs
    meeting = Meeting.objects.order_by("pk").last()
    assert meeting.pk in Meeting.objects.filter(keywords.keyword_condition(meeting.name)).values_list("pk", flat=True)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the full-text table is SQLite's")
def test_sqlite_keeps_the_triggers_that_feed_the_meeting_text_table():
    # Django rebuilds a SQLite table to alter it, which drops its triggers: a migration that alters
    # meetings_meeting must create them again (see migration 0009).
    import importlib

    migration = importlib.import_module("meetings.migrations.0009_sqlite_meeting_text")
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'meetings_meeting'")
        assert {row[0] for row in cursor.fetchall()} >= set(migration.TRIGGERS)


@pytest.mark.parametrize(
    "text", ['"', '"""', 'a"b"c', "NEAR(abc", "abc*", "col:umn", "'; drop table", "%_%", "ab OR cd", "ñandú", "🙂🙂🙂"]
)
def test_a_keyword_with_full_text_syntax_is_taken_as_plain_text(client, directory, text):
    response = client.get("/meetings/", {"q": text})
    assert response.status_code == 200
    assert names(text) == plain_matches(text)
