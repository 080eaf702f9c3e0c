"""The finder starts where the person is: near a place or online, soonest first, in the person's time."""

from datetime import UTC, datetime, time
from unittest import mock

import pytest
from django.urls import reverse

from meetings.models import Attendance
from tests.factories import make_location, make_meeting, make_program, make_type

pytestmark = pytest.mark.django_db

URL = reverse("groups:finder")
WEDNESDAY_NOON_UTC = datetime(2026, 1, 7, 12, 0, tzinfo=UTC)


def get(client, params):
    with mock.patch("groups.views.timezone.now", return_value=WEDNESDAY_NOON_UTC):
        return client.get(URL, params)


@pytest.fixture
def far_and_near():
    program = make_program(name="Fellowship")
    make_meeting(program=program, name="Near Walnut St", weekday=3, start_time=time(19))
    # Pittsburgh (about 400 km) and Harrisburg (about 160 km) from University City, Philadelphia.
    make_meeting(
        program=program,
        name="Pittsburgh Hall",
        weekday=3,
        start_time=time(8),
        location=make_location(city="Pittsburgh", latitude=40.4406, longitude=-79.9959),
    )
    make_meeting(
        program=program,
        name="Harrisburg Hall",
        weekday=3,
        start_time=time(9),
        location=make_location(city="Harrisburg", latitude=40.2732, longitude=-76.8867),
    )
    # Dandenong, Victoria, in its own zone: the meeting a Philadelphia clinician was once offered.
    make_meeting(
        program=program,
        name="Dandenong Hall",
        weekday=4,
        start_time=time(7),
        timezone="Australia/Melbourne",
        location=make_location(
            city="Dandenong", latitude=-37.987, longitude=145.215, timezone="Australia/Melbourne", country="AU"
        ),
    )
    make_meeting(
        program=program,
        name="Online in Los Angeles",
        weekday=3,
        start_time=time(10),
        timezone="America/Los_Angeles",
        attendance=Attendance.ONLINE,
    )
    return program


def test_near_19104_offers_meetings_near_it_or_online_never_160_km_away(client, far_and_near):
    response = get(client, {"who": "self", "near": "19104"})
    assert response.status_code == 200
    [match] = response.context["matches"]
    names = [meeting.name for meeting in match["meetings"]]
    assert set(names) == {"Near Walnut St", "Online in Los Angeles"}
    html = response.content.decode()
    assert "Meetings near 19104 (Philadelphia, PA) or online, soonest first." in html
    assert "Harrisburg" not in html and "Pittsburgh Hall" not in html and "Dandenong" not in html


def test_times_are_in_the_persons_zone_with_an_online_meetings_own_time_beside(client, far_and_near):
    response = get(client, {"who": "self", "near": "19104"})
    html = response.content.decode()
    # 10:00 in Los Angeles is 13:00 in Philadelphia (the place's zone), soonest first.
    [match] = response.context["matches"]
    assert [m.name for m in match["meetings"]] == ["Online in Los Angeles", "Near Walnut St"]
    assert "Wednesday 1:00 PM EST" in html
    assert "Wednesday 10:00 AM PST (Los Angeles) where it is held" in html
    assert "Wednesday 7:00 PM EST" in html


def test_without_a_place_it_offers_online_meetings_only(client, far_and_near):
    response = get(client, {"who": "self", "tz": "America/Chicago"})
    [match] = response.context["matches"]
    assert [m.name for m in match["meetings"]] == ["Online in Los Angeles"]
    assert "Wednesday 12:00 PM CST" in response.content.decode()
    assert "Give a place to see meetings in person near it." in response.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"who": "self", "near": "Qwxzzyplace"}, "We could not find “Qwxzzyplace”."),
        ({"who": "self", "tz": "Mars/Olympus_Mons"}, "“Mars/Olympus_Mons” is not a time zone we know."),
        ({"who": "self", "near": "x" * 101}, "Ensure this value has at most 100 characters"),
    ],
)
def test_a_place_or_zone_it_does_not_know_is_a_400_with_the_other_answers_kept(client, params, message):
    response = get(client, params | {"basis": "secular"})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert '<input type="radio" name="basis" value="secular" id="id_basis_1" checked>' in html


def test_for_a_teenager_it_offers_al_anons_alateen_meetings(client):
    al_anon = make_program(
        name="Al-Anon Family Groups", audience="family", abstinence="not-applicable", medication="not-applicable"
    )
    alateen = make_type(code="alateen", name="Alateen", category="audience")
    make_meeting(program=al_anon, name="Courage Alateen", types=[alateen])
    make_meeting(program=al_anon, name="Courage AFG")
    make_meeting(
        program=make_program(
            name="Nar-Anon", audience="family", abstinence="not-applicable", medication="not-applicable"
        ),
        name="Nar-Anon Group",
    )
    response = get(client, {"who": "teen", "near": "19104"})
    [match] = response.context["matches"]
    assert match["program"].name == "Al-Anon Family Groups"
    assert [m.name for m in match["meetings"]] == ["Courage Alateen"]
    assert "Its Alateen meetings are for teenagers; only those are shown." in match["reasons"]
