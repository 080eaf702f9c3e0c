import pytest
from django.urls import reverse

from meetings.models import Attendance, Status
from tests.factories import make_meeting, make_type

pytestmark = pytest.mark.django_db


def test_it_shows_the_address_of_an_in_person_meeting(client):
    meeting = make_meeting(name="Hope on Walnut")
    html = client.get(reverse("meetings:detail", args=[meeting.slug])).content.decode()
    assert "<address>" in html
    assert meeting.location.formatted_address in html


def test_it_shows_how_to_join_an_online_meeting(client):
    meeting = make_meeting(
        attendance=Attendance.ONLINE, conference_url="https://zoom.us/j/5551234567", conference_phone="+16465588656"
    )
    html = client.get(reverse("meetings:detail", args=[meeting.slug])).content.decode()
    assert 'href="https://zoom.us/j/5551234567"' in html
    assert 'href="tel:+16465588656"' in html
    assert "<address>" not in html


def test_it_explains_the_meeting_types(client):
    med = make_type(name="Medication-friendly", description="People taking prescribed medication are welcome.")
    meeting = make_meeting(types=[med])
    html = client.get(reverse("meetings:detail", args=[meeting.slug])).content.decode()
    assert "People taking prescribed medication are welcome." in html


def test_it_escapes_what_volunteers_typed(client):
    meeting = make_meeting(name="<script>alert(1)</script>", notes="<img src=x onerror=alert(1)>")
    html = client.get(reverse("meetings:detail", args=[meeting.slug])).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;img src=x" in html


def test_it_answers_404_for_an_unknown_or_inactive_meeting(client):
    gone = make_meeting(status=Status.INACTIVE)
    assert client.get(reverse("meetings:detail", args=[gone.slug])).status_code == 404
    assert client.get("/meetings/no-such-meeting/").status_code == 404
