"""A meeting's history page: what changed in each version, its types too, in a fixed number of queries."""

import pytest
from django.test import RequestFactory
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from meetings.models import Meeting
from tests.factories import make_meeting, make_type

pytestmark = pytest.mark.django_db


def edit(meeting, versions, types):
    """Save `versions` new versions of the meeting, a new name each, every other one also changing its types."""
    for n in range(versions):
        meeting.name = f"Version {n}"
        meeting.save()
        if n % 2:
            meeting.types.set(types[: n % len(types) + 1])


def history(client, meeting):
    response = client.get(reverse("admin:meetings_meeting_history", args=[meeting.pk]))
    assert response.status_code == 200
    return response


def test_it_shows_the_types_a_version_changed(admin_client):
    open_type, speaker = make_type(name="Open"), make_type(name="Speaker")
    meeting = make_meeting(name="Tuesday Hope", types=[open_type])
    meeting.types.set([open_type, speaker])
    meeting.types.set([speaker])

    response = history(admin_client, meeting)

    changes = [getattr(record, "history_delta_changes", []) for record in response.context["page_obj"]]
    assert [(c["field"], c["old"], c["new"]) for c in changes[0]] == [("Types", "[Open, Speaker]", "[Speaker]")]
    assert [(c["field"], c["old"], c["new"]) for c in changes[1]] == [("Types", "[Open]", "[Open, Speaker]")]
    assert "<strong>Types:</strong>" in response.content.decode()


def test_it_describes_each_version_as_simple_history_does(admin_client):
    types = [make_type(name=name) for name in ("Open", "Closed", "Speaker")]
    meeting = make_meeting(types=types[:1])
    edit(meeting, 12, types)

    records = list(history(admin_client, meeting).context["page_obj"].object_list)
    expected = list(Meeting.history.filter(id=meeting.pk).select_related("program", "group", "location"))
    request = RequestFactory().get("/")
    SimpleHistoryAdmin(Meeting, None).set_history_delta_changes(request, expected)

    described = [getattr(record, "history_delta_changes", None) for record in records]
    assert described == [getattr(record, "history_delta_changes", None) for record in expected]
    assert any(change["field"] == "Types" for changes in described if changes for change in changes)


@pytest.mark.parametrize("versions", [2, 40])
def test_it_reads_the_history_in_a_fixed_number_of_queries(admin_client, django_assert_num_queries, versions):
    types = [make_type(), make_type(), make_type()]
    meeting = make_meeting(types=types[:1])
    edit(meeting, versions, types)
    history(admin_client, meeting)

    # The session, the user, the meeting, its versions (with their users, programs, groups and venues),
    # their count and their types: one query for the whole page.
    with django_assert_num_queries(6):
        history(admin_client, meeting)
