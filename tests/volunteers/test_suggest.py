"""Public change requests: a structured form, no account, and abuse refused without losing real requests."""

from datetime import time

import pytest
from django.urls import reverse

from meetings.models import Attendance, Status
from tests.factories import make_location, make_meeting, make_program
from volunteers.models import ChangeRequest
from volunteers.services import change_request_apply

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script>'


@pytest.fixture
def meeting():
    return make_meeting(
        name="Tuesday Hope",
        location=make_location(name="St. Mark's Hall", address="1 Walnut St", city="Philadelphia", postal_code=""),
        notes="Side door.",
    )


def suggest_url(meeting):
    return reverse("volunteers:suggest_update", args=[meeting.slug])


def form_data(response):
    """What the prefilled form would send back unchanged, with the hidden copy of each value as it was shown."""
    form = response.context["form"]
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if value is not None and name != "website":
            data[name] = value
            if field.show_hidden_initial:
                data[form[name].html_initial_name] = value
    return data


def test_it_links_every_meeting_page_to_its_suggestion_form(client, meeting):
    response = client.get(meeting.get_absolute_url())

    assert f'href="{suggest_url(meeting)}"' in response.content.decode()
    assert "Suggest an update" in response.content.decode()


def test_it_prefills_the_form_with_the_current_values(client, meeting):
    response = client.get(suggest_url(meeting))

    assert response.status_code == 200
    form = response.context["form"]
    assert form["weekday"].value() == 2
    assert form["start_time"].value() == "19:00"
    assert form["location"].value() == "St. Mark's Hall, 1 Walnut St, Philadelphia, PA, US"
    assert form["notes"].value() == "Side door."
    html = response.content.decode()
    assert '<label for="id_contact_email">' in html
    assert "<div hidden>" in html  # The honeypot.


def test_it_stores_a_time_change_as_a_diff(client, meeting):
    data = form_data(client.get(suggest_url(meeting))) | {"reason": "time", "start_time": "19:30", "weekday": 3}

    response = client.post(suggest_url(meeting), data)

    assert response.status_code == 302
    assert response["Location"] == reverse("volunteers:thanks")
    request = ChangeRequest.objects.get()
    assert request.meeting == meeting
    assert request.changes == {"weekday": ["2", "3"], "start_time": ["19:00", "19:30"]}
    assert request.meeting_updated == meeting.updated
    assert request.status == ChangeRequest.Status.PENDING


def test_a_new_start_alone_is_all_the_request_carries_and_the_meeting_keeps_its_hour(client, meeting, admin_user):
    shown = client.get(suggest_url(meeting))
    data = form_data(shown) | {"reason": "time", "start_time": "19:30"}  # "Ends at" still says 20:00

    client.post(suggest_url(meeting), data)

    request = ChangeRequest.objects.get()
    assert request.changes == {"start_time": ["19:00", "19:30"]}
    change_request_apply(change_request=request, user=admin_user)
    meeting.refresh_from_db()
    assert (meeting.start_time, meeting.end_time) == (time(19, 30), time(20, 30))


def test_a_value_a_volunteer_edited_after_the_form_was_shown_is_not_proposed_back(client, meeting):
    shown = client.get(suggest_url(meeting))
    meeting.notes = "Front door now."
    meeting.save()
    data = form_data(shown) | {"reason": "time", "start_time": "19:30"}  # the form still says "Side door."

    client.post(suggest_url(meeting), data)

    assert ChangeRequest.objects.get().changes == {"start_time": ["19:00", "19:30"]}


def test_a_value_the_visitor_did_change_is_proposed_against_the_listing_as_it_is_now(client, meeting):
    shown = client.get(suggest_url(meeting))
    meeting.notes = "Front door now."
    meeting.save()

    client.post(suggest_url(meeting), form_data(shown) | {"reason": "other", "notes": "Back door."})

    assert ChangeRequest.objects.get().changes == {"notes": ["Front door now.", "Back door."]}


def test_the_form_says_the_end_moves_with_the_start(client, meeting):
    html = client.get(suggest_url(meeting)).content.decode()

    assert "if only the start moved, the meeting keeps its length" in html
    assert 'name="initial-end_time" value="20:00"' in html


def test_it_stores_a_closed_meeting_as_a_status_change(client, meeting):
    data = form_data(client.get(suggest_url(meeting))) | {"reason": "closed"}

    client.post(suggest_url(meeting), data)

    assert ChangeRequest.objects.get().changes == {"status": [Status.ACTIVE, Status.INACTIVE]}


def test_it_refuses_a_request_that_changes_nothing(client, meeting):
    data = form_data(client.get(suggest_url(meeting))) | {"reason": "other"}

    response = client.post(suggest_url(meeting), data)

    assert response.status_code == 400
    assert "Nothing was changed" in response.content.decode()
    assert not ChangeRequest.objects.exists()


OVERSIZED = {
    "location": "x" * 301,
    "notes": "x" * 2001,
    "details": "x" * 2001,
    "conference_phone": "1" * 101,
    "contact_email": "a" * 250 + "@example.org",
    "conference_url": "https://zoom.us/" + "j" * 500,
}


@pytest.mark.parametrize("field, value", OVERSIZED.items(), ids=OVERSIZED.keys())
def test_it_refuses_an_oversized_field(client, meeting, field, value):
    data = form_data(client.get(suggest_url(meeting))) | {"reason": "other", field: value}

    response = client.post(suggest_url(meeting), data)

    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not ChangeRequest.objects.exists()


MALFORMED = {
    "weekday": "9",
    "start_time": "25:99",
    "end_time": "noon-ish",
    "conference_url": "javascript:alert(1)",
    "contact_email": "not an address",
    "reason": "hack",
    "notes": "null\x00byte",
}


@pytest.mark.parametrize("field, value", MALFORMED.items(), ids=MALFORMED.keys())
def test_it_refuses_a_malformed_field(client, meeting, field, value):
    data = form_data(client.get(suggest_url(meeting))) | {"reason": "time", "start_time": "20:00", field: value}

    response = client.post(suggest_url(meeting), data)

    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not ChangeRequest.objects.exists()


def test_it_refuses_an_empty_post(client, meeting):
    response = client.post(suggest_url(meeting), {})

    assert response.status_code == 400
    assert not ChangeRequest.objects.exists()


def test_it_refuses_a_body_over_the_size_limit_before_reading_it(client, meeting, settings):
    data = {"reason": "other", "details": "x" * settings.SUGGESTION_MAX_BYTES}

    response = client.post(suggest_url(meeting), data)

    assert response.status_code == 413
    assert not ChangeRequest.objects.exists()


def test_it_pretends_success_to_a_bot_and_stores_nothing(client, meeting):
    data = form_data(client.get(suggest_url(meeting))) | {"reason": "time", "start_time": "06:00", "website": "spam"}

    response = client.post(suggest_url(meeting), data)

    assert response.status_code == 302
    assert response["Location"] == reverse("volunteers:thanks")
    assert not ChangeRequest.objects.exists()


def test_it_refuses_a_flood_from_one_client_and_keeps_what_it_accepted(client, meeting, settings):
    base = form_data(client.get(suggest_url(meeting))) | {"reason": "other"}

    statuses = [
        client.post(suggest_url(meeting), base | {"details": f"request {n}"}, REMOTE_ADDR="203.0.113.9").status_code
        for n in range(100)
    ]
    other_client = client.post(suggest_url(meeting), base | {"details": "elsewhere"}, REMOTE_ADDR="198.51.100.7")

    limit = settings.SUGGESTIONS_PER_HOUR
    assert statuses[:limit] == [302] * limit
    assert statuses[limit:] == [429] * (100 - limit)
    assert other_client.status_code == 302
    stored = sorted(ChangeRequest.objects.values_list("details", flat=True))
    assert stored == sorted([f"request {n}" for n in range(limit)] + ["elsewhere"])


def test_it_tells_a_refused_client_calmly(client, meeting, settings):
    settings.SUGGESTIONS_PER_HOUR = 0

    response = client.post(suggest_url(meeting), {"reason": "other"})

    assert response.status_code == 429
    assert "Please try again later" in response.content.decode()


def test_it_keeps_script_as_text_everywhere(client, admin_client, meeting):
    fields = ["location", "conference_phone", "notes", "details"]
    data = form_data(client.get(suggest_url(meeting))) | {"reason": "other"} | {name: SCRIPT for name in fields}

    bad = client.post(suggest_url(meeting), data | {"contact_email": SCRIPT})
    client.post(suggest_url(meeting), data | {"contact_email": "sam@example.org"})

    assert bad.status_code == 400
    assert SCRIPT not in bad.content.decode()
    assert "&lt;script&gt;" in bad.content.decode()
    request = ChangeRequest.objects.get()
    assert request.details == SCRIPT
    assert request.changes["notes"] == ["Side door.", SCRIPT]
    page = admin_client.get(reverse("admin:volunteers_changerequest_change", args=[request.pk]))
    assert page.status_code == 200
    assert SCRIPT not in page.content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page.content.decode()


def test_it_has_no_form_for_a_deleted_or_unknown_meeting(client, meeting):
    from django.utils import timezone

    meeting.deleted_at = timezone.now()
    meeting.save()

    assert client.get(suggest_url(meeting)).status_code == 404
    assert client.get("/meetings/no-such-meeting/suggest/").status_code == 404


def test_it_takes_a_suggested_new_meeting(client):
    program = make_program(name="SMART Recovery")
    url = reverse("volunteers:suggest_new")
    assert client.get(url).status_code == 200

    response = client.post(
        url,
        {
            "program": program.pk,
            "name": "Online SMART",
            "attendance": Attendance.ONLINE,
            "weekday": 4,
            "start_time": "18:00",
            "conference_url": "https://meet.example.org/smart",
            "details": "I facilitate it.",
        },
    )

    assert response.status_code == 302
    request = ChangeRequest.objects.get()
    assert request.meeting is None
    assert request.program == program
    assert request.reason == ChangeRequest.Reason.NEW
    assert request.changes["name"] == [None, "Online SMART"]
    assert request.changes["program"] == [None, "SMART Recovery"]


def test_it_refuses_a_new_meeting_without_its_basics(client):
    response = client.post(reverse("volunteers:suggest_new"), {"name": "x" * 201, "program": "999"})

    assert response.status_code == 400
    assert {"program", "name", "attendance", "weekday", "start_time"} <= set(response.context["form"].errors)
    assert not ChangeRequest.objects.exists()
