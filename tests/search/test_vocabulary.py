"""The vocabularies a search page keeps across requests (meeting types and programs of its rows, its choice
lists) follow every change of programs and meeting types."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meetings.models import Meeting, MeetingType
from search.rows import load_rows
from tests.factories import make_meeting, make_type

pytestmark = pytest.mark.django_db


# The meeting types of result rows


def _types_of(meeting):
    return [t.code for t in load_rows([meeting.pk])[0].type_list]


def test_result_rows_have_the_types_in_the_vocabularys_order():
    late = make_type(code="late", name="Late", category="format", position=200)
    early = make_type(code="early", name="Early", category="format", position=1)
    access = make_type(code="access", name="Wheelchair", category="accessibility")
    meeting = make_meeting(types=[late, early, access])
    assert _types_of(meeting) == [t.code for t in meeting.types.all()] == ["access", "early", "late"]


def test_result_rows_read_the_types_once_not_on_every_page():
    women = make_type(code="women", name="Women", category="audience", is_key=True)
    meeting = make_meeting(types=[women])
    assert _types_of(meeting) == ["women"]
    with CaptureQueriesContext(connection) as queries:
        assert _types_of(meeting) == ["women"]
    assert not [q["sql"] for q in queries if "meetings_meetingtype" in q["sql"]]


def test_a_changed_or_deleted_type_shows_at_once_in_result_rows(client):
    women = make_type(code="women", name="Women", category="audience", is_key=True)
    speaker = make_type(code="speaker", name="Speaker", category="format", is_key=True)
    make_meeting(name="Tuesday", types=[women, speaker])
    html = client.get("/meetings/", {"sort": "day"}).content.decode()
    assert "<li>Women</li>" in html and "<li>Speaker</li>" in html
    women.name, women.short_label = "Women only", "Women only"
    women.save()
    speaker.delete()
    html = client.get("/meetings/", {"sort": "day"}).content.decode()
    assert "<li>Women only</li>" in html and "Speaker" not in html


def test_a_type_added_without_signals_is_read_when_a_row_needs_it():
    women = make_type(code="women", name="Women", category="audience")
    meeting = make_meeting(types=[women])
    assert _types_of(meeting) == ["women"]
    # bulk_create sends no post_save: the process's vocabulary does not know the new type yet.
    (added,) = MeetingType.objects.bulk_create([MeetingType(code="added", name="Added", category="feature")])
    if added.pk is None:
        added = MeetingType.objects.get(code="added")
    meeting.types.add(added)
    assert _types_of(meeting) == ["women", "added"]


def test_a_type_id_that_no_longer_exists_is_left_out_and_not_read_again():
    women = make_type(code="women", name="Women", category="audience")
    meeting = make_meeting(types=[women])
    Meeting.objects.filter(pk=meeting.pk).update(type_ids=f",{women.pk},999999,")  # a stale copy
    assert _types_of(meeting) == ["women"]
    with CaptureQueriesContext(connection) as queries:
        assert _types_of(meeting) == ["women"]
    assert not [q["sql"] for q in queries if "meetings_meetingtype" in q["sql"]]


def test_the_type_vocabulary_is_forgotten_again_when_a_change_commits(django_capture_on_commit_callbacks):
    women = make_type(code="women", name="Women", category="audience")
    meeting = make_meeting(types=[women])
    with django_capture_on_commit_callbacks(execute=True):
        women.name = "Women only"
        women.save()
        # A page read before the commit (here: on the same connection) keeps the vocabulary again...
        assert [t.name for t in load_rows([meeting.pk])[0].type_list] == ["Women only"]
        MeetingType.objects.filter(pk=women.pk).update(name="Renamed without signals")
    # ...and the commit forgets it.
    assert [t.name for t in load_rows([meeting.pk])[0].type_list] == ["Renamed without signals"]
