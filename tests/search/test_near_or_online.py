"""A place with include_online=1: in-person and hybrid meetings within the radius plus every online meeting,
soonest first, on the page and in the API; each row says which it is."""

from datetime import UTC, datetime, time
from unittest import mock

import pytest
from django.urls import reverse

from meetings.models import Attendance, Meeting
from tests.factories import make_location, make_meeting

pytestmark = pytest.mark.django_db

# Tuesday 2026-06-16, 21:00 UTC = 17:00 in Philadelphia (EDT).
NOW = datetime(2026, 6, 16, 21, 0, tzinfo=UTC)


@pytest.fixture
def meetings():
    near = make_location(latitude=39.9526, longitude=-75.1652)
    far = make_location(latitude=40.4406, longitude=-79.9959, city="Pittsburgh")
    make_meeting(name="Near in person", location=near, weekday=2, start_time=time(19))
    make_meeting(name="Near hybrid", location=near, weekday=2, start_time=time(18), attendance=Attendance.HYBRID)
    make_meeting(name="Far in person", location=far, weekday=2, start_time=time(18))
    make_meeting(name="Far hybrid", location=far, weekday=2, start_time=time(18, 30), attendance=Attendance.HYBRID)
    make_meeting(name="Online", weekday=2, start_time=time(17, 30), attendance=Attendance.ONLINE)
    with mock.patch("search.views.timezone.now", return_value=NOW):
        yield


def test_it_finds_meetings_near_a_place_and_every_online_meeting_soonest_first(client, meetings):
    response = client.get(reverse("home"), {"near": "19104", "radius": "10", "include_online": "1"})
    assert response.status_code == 200
    names = [meeting.name for meeting in response.context["page"]]
    assert names == ["Online", "Near hybrid", "Far hybrid", "Near in person"]
    html = response.content.decode()
    assert 'class="attendance attendance-online">Online<' in html
    assert 'class="attendance attendance-in_person">In person<' in html


def test_it_keeps_to_the_place_without_include_online(client, meetings):
    response = client.get(reverse("home"), {"near": "19104", "radius": "10"})
    assert [meeting.name for meeting in response.context["page"]] == ["Near hybrid", "Near in person"]


def test_the_api_says_which_each_meeting_is(client, meetings):
    response = client.get(reverse("search:api"), {"near": "19104", "radius": "10", "include_online": "1"})
    assert response.status_code == 200
    rows = {row["name"]: row for row in response.json()["results"]}
    assert set(rows) == {"Online", "Near hybrid", "Far hybrid", "Near in person"}
    assert rows["Online"]["attendance"] == "online" and rows["Online"]["distance_km"] is None
    assert rows["Near in person"]["distance_km"] < 16


def test_it_refuses_include_online_without_a_place_on_the_page_and_the_api(client, meetings):
    page = client.get(reverse("home"), {"include_online": "1", "q": "online"})
    assert page.status_code == 400
    assert "needs a place" in page.content.decode()
    assert 'value="online"' in page.content.decode()  # the rest of the search is kept
    api = client.get(reverse("search:api"), {"include_online": "1"})
    assert api.status_code == 400
    assert any("needs a place" in error for error in api.json()["errors"])


def test_the_queryset_condition_is_one_search(meetings):
    from core.places import resolve

    place = resolve("19104")
    found = Meeting.objects.listed().near_or_online(place, 16)
    assert sorted(found.values_list("name", flat=True)) == ["Far hybrid", "Near hybrid", "Near in person", "Online"]


def test_nearest_first_puts_online_meetings_after_the_nearest(client, meetings):
    response = client.get(
        reverse("home"), {"near": "19104", "radius": "10", "include_online": "1", "sort": "distance"}
    )
    names = [meeting.name for meeting in response.context["page"]]
    assert names[:2] == ["Near hybrid", "Near in person"] or names[:2] == ["Near in person", "Near hybrid"]
    assert set(names[2:]) == {"Online", "Far hybrid"}


def test_the_condition_tests_the_venue_by_id_without_joining_every_meeting_to_it(meetings):
    from core.places import resolve

    sql = str(Meeting.objects.listed().near_or_online(resolve("19104"), 16).query)
    assert "JOIN" not in sql  # counting 100,000 matches through a join to their venues took 147 ms at 250,000
    assert '"location_id" IN (SELECT' in sql
