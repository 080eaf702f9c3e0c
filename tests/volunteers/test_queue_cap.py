"""Past CHANGE_REQUESTS_PENDING_MAX suggestions waiting for review, new ones are refused until volunteers catch up."""

import pytest
from django.urls import reverse

from meetings.models import Attendance
from tests.factories import make_meeting, make_program
from volunteers.models import ChangeRequest

pytestmark = pytest.mark.django_db

NEW = reverse("volunteers:suggest_new")


@pytest.fixture
def full_queue(settings):
    settings.CHANGE_REQUESTS_PENDING_MAX = 3
    ChangeRequest.objects.bulk_create(
        ChangeRequest(reason=ChangeRequest.Reason.NEW, changes={"name": [None, f"Meeting {number}"]})
        for number in range(3)
    )


def a_new_meeting():
    return {
        "program": make_program(name="SMART Recovery", slug="smart").pk,
        "name": "Online SMART",
        "attendance": Attendance.ONLINE,
        "weekday": 4,
        "start_time": "18:00",
        "conference_url": "https://meet.example.org/smart",
    }


def test_it_refuses_a_suggestion_with_a_503_to_retry_later_and_stores_nothing(client, full_queue):
    response = client.post(NEW, a_new_meeting())

    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "Our volunteers have many suggestions to review just now" in response.content.decode()
    assert ChangeRequest.objects.count() == 3


def test_it_says_so_instead_of_showing_a_form_that_would_be_refused(client, full_queue):
    new_form = client.get(NEW)
    update_form = client.get(reverse("volunteers:suggest_update", args=[make_meeting().slug]))

    assert (new_form.status_code, update_form.status_code) == (503, 503)
    assert 'name="csrfmiddlewaretoken"' not in new_form.content.decode() + update_form.content.decode()


def test_it_says_so_in_spanish_too(client, full_queue):
    response = client.get("/es" + NEW)

    assert response.status_code == 503
    assert "Nuestros voluntarios tienen muchas sugerencias" in response.content.decode()


def test_it_takes_suggestions_again_once_volunteers_have_reviewed_some(client, full_queue):
    reviewed = ChangeRequest.objects.first()
    reviewed.status = ChangeRequest.Status.REJECTED
    reviewed.save()

    response = client.post(NEW, a_new_meeting())

    assert response.status_code == 302
    assert ChangeRequest.objects.filter(status=ChangeRequest.Status.PENDING).count() == 3
