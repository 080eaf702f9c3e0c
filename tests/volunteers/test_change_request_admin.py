"""The moderation queue: a suggestion side by side with the listing, applied or rejected in one click."""

import datetime

import pytest
from django.urls import reverse

from meetings.models import Attendance, Meeting, Status
from tests.volunteers.conftest import make_volunteer
from volunteers.models import ChangeRequest, Role
from volunteers.services import ChangeRequestConflict, change_request_apply, change_request_rows

pytestmark = pytest.mark.django_db


def suggest(meeting, **changes):
    """A pending request as the public form stores it: {field: [value then, proposed value]}."""
    return ChangeRequest.objects.create(
        meeting=meeting, reason="time", changes=changes, meeting_updated=meeting.updated
    )


def page(request):
    return reverse("admin:volunteers_changerequest_change", args=[request.pk])


def test_it_queues_only_the_editors_requests(editor_client, world):
    suggest(world.pa_na, start_time=["19:00", "19:30"])
    suggest(world.vic_mara, start_time=["19:00", "18:00"])
    ChangeRequest.objects.create(reason="new", program=world.na, changes={"name": [None, "New NA"]})
    ChangeRequest.objects.create(reason="new", program=world.mara, changes={"name": [None, "New MARA"]})

    response = editor_client.get(reverse("admin:volunteers_changerequest_changelist"))

    names = {str(request) for request in response.context["cl"].result_list}
    assert len(names) == 2
    assert any("Philly NA" in name for name in names) and any("New NA" in name for name in names)


def test_it_shows_the_diff_side_by_side(editor_client, world):
    request = suggest(world.pa_na, start_time=["19:00", "19:30"], location=["Philly Hall", "Library, 5 Oak St"])

    response = editor_client.get(page(request))

    html = response.content.decode()
    assert response.status_code == 200
    assert '<table class="change-request-diff">' in html
    assert "<td><strong>19:30</strong></td>" in html
    assert "Change by hand." in html  # A new place is matched to a venue by a person.
    assert 'name="_apply"' in html and 'name="_reject"' in html


def test_it_applies_a_request_in_one_click_and_records_who(editor_client, pa_na_editor, world):
    request = suggest(world.pa_na, start_time=["19:00", "19:30"], weekday=["2", "3"])

    response = editor_client.post(page(request), {"_apply": "1"})

    assert response.status_code == 302
    world.pa_na.refresh_from_db()
    assert (world.pa_na.weekday, world.pa_na.start_time) == (3, datetime.time(19, 30))
    assert world.pa_na.end_time == datetime.time(20, 30)  # it keeps its hour
    request.refresh_from_db()
    assert request.status == ChangeRequest.Status.APPLIED
    assert request.reviewed_by == pa_na_editor
    latest = world.pa_na.history.latest()
    assert latest.history_user == pa_na_editor
    assert latest.history_change_reason == f"Change request #{request.pk}"
    changed = {change.field for change in latest.diff_against(latest.prev_record).changes}
    assert changed == {"weekday", "start_time", "end_time"}


def test_a_new_start_alone_shows_the_end_that_keeps_the_meetings_length_and_applies_it(editor_client, world):
    request = suggest(world.pa_na, start_time=["19:00", "19:30"])

    html = editor_client.get(page(request)).content.decode()
    editor_client.post(page(request), {"_apply": "1"})

    assert "<td>19:00</td><td><strong>19:30</strong></td><td>19:00</td>" in html
    assert (
        "<td>20:00</td><td><strong>20:30</strong></td><td>20:00</td><td>Not typed by the visitor: only the start "
        "was changed, so the end moves with it and the meeting keeps its length of 60 minutes.</td>"
    ) in html
    world.pa_na.refresh_from_db()
    assert (world.pa_na.start_time, world.pa_na.end_time) == (datetime.time(19, 30), datetime.time(20, 30))


@pytest.mark.parametrize(
    ("listed", "changes", "shown"),
    [
        # A new end given with the new start is applied as given; nothing is worked out.
        (("19:00", "20:00"), {"start_time": ["19:00", "19:30"], "end_time": ["20:00", "21:00"]}, ("19:30", "21:00")),
        # An end alone moves only the end.
        (("19:00", "20:00"), {"end_time": ["20:00", "20:30"]}, (None, "20:30")),
        # Past midnight, the length is kept across it.
        (("23:00", "00:30"), {"start_time": ["23:00", "23:30"]}, ("23:30", "01:00")),
        # A meeting with no end time keeps none.
        (("19:00", None), {"start_time": ["19:00", "19:30"]}, ("19:30", None)),
    ],
)
def test_what_is_applied_is_the_diff_shown(admin_user, world, listed, changes, shown):
    meeting = world.pa_na
    meeting.start_time, meeting.end_time = (datetime.time.fromisoformat(t) if t else None for t in listed)
    meeting.save()
    request = suggest(meeting, **changes)

    rows = {row["field"]: row["new"] for row in change_request_rows(request)}
    change_request_apply(change_request=request, user=admin_user)

    assert (rows.get("start_time"), rows.get("end_time")) == shown
    meeting.refresh_from_db()
    applied = tuple(t.strftime("%H:%M") if t else None for t in (meeting.start_time, meeting.end_time))
    assert applied == tuple(new or old for new, old in zip(shown, listed, strict=True))


def test_it_closes_a_meeting_that_no_longer_meets(editor_client, world):
    request = suggest(world.pa_na, status=[Status.ACTIVE, Status.INACTIVE])

    editor_client.post(page(request), {"_apply": "1"})

    assert not Meeting.objects.listed().filter(pk=world.pa_na.pk).exists()


def test_it_shows_a_conflict_instead_of_overwriting_a_later_edit(editor_client, world):
    request = suggest(world.pa_na, start_time=["19:00", "19:30"])
    Meeting.objects.filter(pk=world.pa_na.pk).update(
        start_time=datetime.time(18, 45), updated=world.pa_na.updated + datetime.timedelta(minutes=5)
    )

    refused = editor_client.post(page(request), {"_apply": "1"}, follow=True)

    world.pa_na.refresh_from_db()
    assert world.pa_na.start_time == datetime.time(18, 45)
    request.refresh_from_db()
    assert request.status == ChangeRequest.Status.PENDING
    html = refused.content.decode()
    assert "The meeting was edited after this request was sent" in html
    # Now vs when suggested vs proposed, all three on the page.
    assert "<td>19:00</td><td><strong>19:30</strong></td><td>18:45</td><td>Edited since the request.</td>" in html
    assert 'name="_apply_confirmed"' in html and 'name="_apply"' not in html

    seen = Meeting.objects.get(pk=world.pa_na.pk).updated.isoformat()
    editor_client.post(page(request), {"_apply_confirmed": "1", "seen_updated": seen})

    world.pa_na.refresh_from_db()
    assert world.pa_na.start_time == datetime.time(19, 30)


def test_it_needs_the_confirm_to_match_the_version_the_reviewer_saw(editor_client, world):
    request = suggest(world.pa_na, start_time=["19:00", "19:30"])
    Meeting.objects.filter(pk=world.pa_na.pk).update(updated=world.pa_na.updated + datetime.timedelta(minutes=5))

    editor_client.post(page(request), {"_apply_confirmed": "1", "seen_updated": "2000-01-01T00:00:00+00:00"})

    world.pa_na.refresh_from_db()
    assert world.pa_na.start_time == datetime.time(19, 0)


def test_the_service_refuses_a_conflict_without_confirmation(pa_na_editor, world):
    request = suggest(world.pa_na, start_time=["19:00", "19:30"])
    Meeting.objects.filter(pk=world.pa_na.pk).update(updated=world.pa_na.updated + datetime.timedelta(minutes=5))

    with pytest.raises(ChangeRequestConflict) as raised:
        change_request_apply(change_request=request, user=pa_na_editor)

    assert raised.value.conflicts


def test_it_applies_nothing_when_the_result_would_be_invalid(editor_client, world):
    online = world.online_na
    request = suggest(online, conference_url=[online.conference_url, ""])

    response = editor_client.post(page(request), {"_apply": "1"}, follow=True)

    assert "Not applied" in response.content.decode()
    online.refresh_from_db()
    assert online.conference_url
    assert online.attendance == Attendance.ONLINE
    request.refresh_from_db()
    assert request.status == ChangeRequest.Status.PENDING


def test_it_rejects_with_a_reason(editor_client, pa_na_editor, world):
    request = suggest(world.pa_na, start_time=["19:00", "06:00"])

    without = editor_client.post(page(request), {"_reject": "1", "rejection_reason": ""}, follow=True)
    request.refresh_from_db()
    assert request.status == ChangeRequest.Status.PENDING
    assert "Give a short reason" in without.content.decode()

    editor_client.post(page(request), {"_reject": "1", "rejection_reason": "The group confirmed 19:00."})

    request.refresh_from_db()
    assert request.status == ChangeRequest.Status.REJECTED
    assert request.rejection_reason == "The group confirmed 19:00."
    assert request.reviewed_by == pa_na_editor
    world.pa_na.refresh_from_db()
    assert world.pa_na.start_time == datetime.time(19, 0)


def test_it_refuses_a_forged_apply_out_of_scope(editor_client, world):
    request = suggest(world.vic_mara, start_time=["19:00", "06:00"])

    response = editor_client.post(page(request), {"_apply": "1"})

    assert response.status_code in (403, 404)
    world.vic_mara.refresh_from_db()
    assert world.vic_mara.start_time == datetime.time(19, 0)


def test_it_lets_a_reviewer_read_but_not_apply(client, world):
    client.force_login(make_volunteer("rev", role=Role.REVIEWER, regions=[world.pa], programs=[world.na]))
    request = suggest(world.pa_na, start_time=["19:00", "06:00"])

    seen = client.get(page(request))
    forged = client.post(page(request), {"_apply": "1"})

    assert seen.status_code == 200
    assert 'name="_apply"' not in seen.content.decode()
    assert forged.status_code == 403
    request.refresh_from_db()
    assert request.status == ChangeRequest.Status.PENDING


def test_it_does_not_apply_a_request_twice(editor_client, world):
    request = suggest(world.pa_na, start_time=["19:00", "19:30"])
    editor_client.post(page(request), {"_apply": "1"})

    again = editor_client.post(page(request), {"_apply": "1"}, follow=True)

    assert "already been handled" in again.content.decode()
    assert world.pa_na.history.count() == 2  # Created, then the one applied change.


def test_it_closes_a_new_meeting_suggestion_once_added_by_hand(editor_client, pa_na_editor, world):
    request = ChangeRequest.objects.create(reason="new", program=world.na, changes={"name": [None, "New NA"]})

    seen = editor_client.get(page(request))
    refused = editor_client.post(page(request), {"_apply": "1"}, follow=True)
    editor_client.post(page(request), {"_added": "1"})

    assert 'name="_added"' in seen.content.decode() and 'name="_apply"' not in seen.content.decode()
    assert "added by hand" in refused.content.decode()
    request.refresh_from_db()
    assert (request.status, request.reviewed_by) == (ChangeRequest.Status.APPLIED, pa_na_editor)


@pytest.mark.parametrize("requests", [3, 60])
def test_it_lists_the_queue_in_a_fixed_number_of_queries(admin_client, django_assert_num_queries, world, requests):
    meetings = [world.pa_na, world.vic_mara, world.online_na]
    for n in range(requests):
        suggest(meetings[n % 3], start_time=["19:00", f"19:{n % 60:02}"])
    url = reverse("admin:volunteers_changerequest_changelist")
    admin_client.get(url)

    # The session, the user, the page's count, its rows and their meetings' names (one query).
    with django_assert_num_queries(5):
        response = admin_client.get(url)

    html = response.content.decode()
    assert len(response.context["cl"].result_list) == min(requests, 50)
    assert "Philly NA" in html and "Melbourne MARA" in html and "Online NA" in html


def test_it_searches_the_queue_by_meeting_name_and_details(admin_client, world):
    suggest(world.pa_na, start_time=["19:00", "19:30"])
    suggest(world.vic_mara, start_time=["19:00", "18:00"])
    ChangeRequest.objects.create(reason="other", meeting=world.online_na, details="The Philly link moved.")
    url = reverse("admin:volunteers_changerequest_changelist")

    def found(q):
        return sorted(str(r).split(": ")[1] for r in admin_client.get(url, {"q": q}).context["cl"].result_list)

    assert found("philly") == ["Something else (Online NA)", "The time or day changed (Philly NA)"]
    assert found("melbourne") == ["The time or day changed (Melbourne MARA)"]
    assert found("philly moved") == ["Something else (Online NA)"]
