import pytest
from django.urls import reverse

from meetings.models import Attendance, Status
from tests.factories import make_location, make_meeting, make_type

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


def test_a_meeting_that_no_longer_meets_is_named_with_meetings_like_it_near_its_town(client):
    gone = make_meeting(name="Tuesday Night Hope", status=Status.INACTIVE)
    still = make_meeting(name="Thursday Serenity", location=gone.location)

    response = client.get(reverse("meetings:detail", args=[gone.slug]))

    assert response.status_code == 404
    html = response.content.decode()
    assert "This meeting no longer meets" in html
    assert f"Tuesday Night Hope ({gone.program.name}) is no longer listed" in html
    search = f"/?program={gone.program.slug}&amp;near=Philadelphia%2C+PA"
    assert f'href="{search}">Find {gone.program.short_name} meetings near Philadelphia, PA</a>' in html
    assert f'href="{still.get_absolute_url()}">Thursday Serenity</a>' in html


def test_an_online_meeting_that_no_longer_meets_offers_its_programs_online_meetings(client):
    gone = make_meeting(attendance=Attendance.ONLINE, status=Status.INACTIVE)
    html = client.get(reverse("meetings:detail", args=[gone.slug])).content.decode()
    assert f"/?program={gone.program.slug}&amp;attendance=online" in html


def test_a_meeting_whose_town_the_gazetteer_does_not_know_offers_its_programs_meetings(client):
    gone = make_meeting(status=Status.INACTIVE, location=make_location(city="Xyzzyville", postal_code=""))
    html = client.get(reverse("meetings:detail", args=[gone.slug])).content.decode()
    assert f'href="/?program={gone.program.slug}">Find {gone.program.short_name} meetings</a>' in html


def test_the_spanish_page_of_a_meeting_that_no_longer_meets(client):
    gone = make_meeting(status=Status.INACTIVE)
    html = client.get(f"/es{reverse('meetings:detail', args=[gone.slug])}").content.decode()
    assert "Esta reunión ya no se celebra" in html and "cerca de Philadelphia, PA" in html


def test_it_offers_a_directions_link_the_visitor_chooses_to_follow(client):
    meeting = make_meeting()
    html = client.get(reverse("meetings:detail", args=[meeting.slug])).content.decode()
    assert "https://www.openstreetmap.org/directions?to=39.95660%2C-75.18990" in html


def test_it_lists_other_meetings_at_the_same_place(client):
    meeting = make_meeting(name="First")
    make_meeting(name="Second at the hall", location=meeting.location)
    make_meeting(name="Elsewhere")
    html = client.get(reverse("meetings:detail", args=[meeting.slug])).content.decode()
    assert "Second at the hall" in html
    assert "Elsewhere" not in html


def test_it_shows_an_online_meeting_in_the_visitors_zone_when_given(client):
    meeting = make_meeting(attendance=Attendance.ONLINE, timezone="America/Los_Angeles")
    html = client.get(reverse("meetings:detail", args=[meeting.slug]), {"tz": "America/New_York"}).content.decode()
    assert "10:00 PM your time" in html
    html = client.get(reverse("meetings:detail", args=[meeting.slug]), {"tz": "garbage"}).content.decode()
    assert "your time" not in html


@pytest.mark.parametrize("zone", ["America", "Etc", "America/Indiana", "__pycache__"])
def test_a_tz_naming_a_folder_of_the_zone_data_is_ignored_like_any_unknown_zone(client, zone):
    meeting = make_meeting(attendance=Attendance.ONLINE, timezone="America/Los_Angeles")
    response = client.get(reverse("meetings:detail", args=[meeting.slug]), {"tz": zone})
    assert response.status_code == 200
    assert "your time" not in response.content.decode()


def test_it_offers_the_meeting_as_a_weekly_calendar_event(client):
    meeting = make_meeting(timezone="Australia/Melbourne", weekday=2)
    response = client.get(reverse("meetings:calendar", args=[meeting.slug]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert "RRULE:FREQ=WEEKLY;BYDAY=TU" in body
    assert "DTSTART;TZID=Australia/Melbourne:" in body
    assert body.count("BEGIN:VEVENT") == 1


def test_it_puts_joining_and_the_address_before_the_calendar_and_the_facts(client):
    meeting = make_meeting(attendance=Attendance.HYBRID, conference_url="https://zoom.us/j/5551234567")
    html = client.get(reverse("meetings:detail", args=[meeting.slug])).content.decode()
    join, address = html.index("https://zoom.us/j/5551234567"), html.index("<address>")
    directions, calendar = html.index("Directions (OpenStreetMap)"), html.index("Add to calendar (.ics)")
    assert join < address < directions < calendar < html.index("Last confirmed")


def test_the_help_now_lines_offer_a_text_where_the_service_has_one(client):
    meeting = make_meeting()
    html = client.get(reverse("meetings:detail", args=[meeting.slug])).content.decode()
    assert 'href="tel:988"' in html and 'href="sms:988"' in html
