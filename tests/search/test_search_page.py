from datetime import UTC, datetime, time
from unittest import mock

import pytest
from django.core.cache import cache
from django.urls import reverse

from meetings.models import Attendance
from tests.factories import make_location, make_meeting, make_program, make_type

pytestmark = pytest.mark.django_db

# Tuesday 2026-06-16, 21:00 UTC = 17:00 in Philadelphia (EDT).
NOW = datetime(2026, 6, 16, 21, 0, tzinfo=UTC)


@pytest.fixture
def frozen():
    with mock.patch("search.views.timezone.now", return_value=NOW):
        yield NOW


def test_it_finds_womens_meetings_within_10_miles_of_19104_on_tuesday_evening(client, frozen):
    women = make_type(code="women", name="Women", category="audience", is_key=True)
    program = make_program()
    near = make_location(latitude=39.9526, longitude=-75.1652)  # Center City, ~2 miles away
    far = make_location(latitude=40.4406, longitude=-79.9959, city="Pittsburgh")
    make_meeting(program=program, name="Women near", location=near, weekday=2, start_time=time(19), types=[women])
    make_meeting(program=program, name="Women far", location=far, weekday=2, start_time=time(19), types=[women])
    make_meeting(program=program, name="Mixed near", location=near, weekday=2, start_time=time(19))
    make_meeting(program=program, name="Women Wednesday", location=near, weekday=3, start_time=time(19), types=[women])
    make_meeting(program=program, name="Women morning", location=near, weekday=2, start_time=time(8), types=[women])
    response = client.get(
        reverse("home"),
        {"near": "19104", "radius": "10", "unit": "mi", "type": "women", "day": "2", "time_of_day": "evening"},
    )
    assert response.status_code == 200
    assert [m.name for m in response.context["page"]] == ["Women near"]
    html = response.content.decode()
    assert "1 meeting" in html
    assert " mi<" in html  # the distance is shown


def test_it_finds_online_medication_friendly_meetings_starting_in_the_next_two_hours(client, frozen):
    med = make_type(code="medication-friendly", name="Medication-friendly", category="feature", is_key=True)
    program = make_program()
    # 21:00 UTC: 17:00 in New York, 14:00 in Los Angeles, 07:00 Wednesday in Sydney.
    make_meeting(
        program=program,
        name="Soon NY",
        attendance=Attendance.ONLINE,
        weekday=2,
        start_time=time(18),
        timezone="America/New_York",
        types=[med],
    )
    make_meeting(
        program=program,
        name="Soon Sydney",
        attendance=Attendance.ONLINE,
        weekday=3,
        start_time=time(8),
        timezone="Australia/Sydney",
        types=[med],
    )
    make_meeting(
        program=program,
        name="Later LA",
        attendance=Attendance.ONLINE,
        weekday=2,
        start_time=time(17),
        timezone="America/Los_Angeles",
        types=[med],
    )
    make_meeting(program=program, name="Soon but in person", weekday=2, start_time=time(18), types=[med])
    make_meeting(
        program=program, name="Soon, no med type", attendance=Attendance.ONLINE, weekday=2, start_time=time(18)
    )
    response = client.get(reverse("home"), {"attendance": "online", "type": "medication-friendly", "now": "2"})
    assert [m.name for m in response.context["page"]] == ["Soon NY", "Soon Sydney"]
    html = response.content.decode()
    assert "Starts in 60 min" in html


def test_it_shows_online_meetings_in_the_visitors_time_zone(client, frozen):
    make_meeting(
        name="LA online", attendance=Attendance.ONLINE, weekday=2, start_time=time(16), timezone="America/Los_Angeles"
    )
    html = client.get(reverse("home"), {"tz": "America/New_York"}).content.decode()
    assert "Tuesday 7:00 PM your time" in html
    assert "4:00 PM PDT" in html and "in Los Angeles" in html


def test_it_shows_times_in_the_meetings_zone_without_a_visitor_zone(client, frozen):
    make_meeting(
        name="LA online", attendance=Attendance.ONLINE, weekday=2, start_time=time(16), timezone="America/Los_Angeles"
    )
    html = client.get(reverse("home")).content.decode()
    assert "4:00 PM PDT" in html
    assert "M your time" not in html  # the pattern for the script (data-your-time) aside


def test_it_keeps_every_filter_when_paging(client, frozen):
    program = make_program(slug="aa")
    for _ in range(30):
        make_meeting(program=program)
    html = client.get(reverse("home"), {"program": "aa", "day": "2", "tz": "Europe/Paris"}).content.decode()
    assert "30 meetings" in html
    assert 'href="?program=aa&amp;day=2&amp;tz=Europe%2FParis&amp;page=2"' in html


def test_it_names_each_active_filter_with_a_link_that_drops_it_when_nothing_matches(client, frozen):
    make_type(code="women", name="Women", category="audience")
    make_meeting(weekday=1)
    response = client.get(reverse("home"), {"day": "2", "type": "women"})
    html = response.content.decode()
    assert "No meetings match all of these filters." in html
    assert 'href="?type=women"' in html  # drops the day
    assert 'href="?day=2"' in html  # drops the type


def test_it_lists_only_meetings_of_the_chosen_programs(client, frozen):
    aa, na = make_program(slug="aa"), make_program(slug="na")
    make_meeting(program=aa, name="AA one")
    make_meeting(program=na, name="NA one")
    make_meeting(name="Other")
    response = client.get(reverse("home"), {"program": ["aa", "na"], "sort": "day"})
    assert sorted(m.name for m in response.context["page"]) == ["AA one", "NA one"]


def test_it_filters_by_program_attributes(client, frozen):
    make_meeting(program=make_program(spiritual_basis="secular", medication="welcoming"), name="Secular welcoming")
    make_meeting(program=make_program(spiritual_basis="spiritual", medication="welcoming"), name="Spiritual")
    response = client.get(reverse("home"), {"spiritual_basis": "secular", "medication": "welcoming"})
    assert [m.name for m in response.context["page"]] == ["Secular welcoming"]


def test_it_counts_hybrid_meetings_as_both_in_person_and_online(client, frozen):
    make_meeting(name="Hybrid", attendance=Attendance.HYBRID)
    make_meeting(name="Online", attendance=Attendance.ONLINE)
    make_meeting(name="In person")
    names = lambda **q: sorted(m.name for m in client.get(reverse("home"), q).context["page"])  # noqa: E731
    assert names(attendance="in_person") == ["Hybrid", "In person"]
    assert names(attendance="online") == ["Hybrid", "Online"]
    assert names(attendance="hybrid") == ["Hybrid"]


def test_it_matches_a_keyword_in_the_group_place_program_and_notes(client, frozen):
    make_meeting(name="Serenity", notes="Back door, up the ramp")
    make_meeting(name="Other", location=make_location(city="Scranton"))
    assert [m.name for m in client.get(reverse("home"), {"q": "ramp"}).context["page"]] == ["Serenity"]
    assert [m.name for m in client.get(reverse("home"), {"q": "scranton"}).context["page"]] == ["Other"]


def test_it_filters_by_language(client, frozen):
    spanish = make_type(code="spanish", name="Spanish", category="language")
    make_meeting(name="En español", types=[spanish])
    make_meeting(name="In English")
    assert [m.name for m in client.get(reverse("home"), {"language": "spanish"}).context["page"]] == ["En español"]


def test_it_sorts_by_distance_and_shows_it(client, frozen):
    program = make_program()
    make_meeting(program=program, name="Far", location=make_location(latitude=40.05, longitude=-75.2))
    make_meeting(program=program, name="Near", location=make_location(latitude=39.96, longitude=-75.2))
    response = client.get(reverse("home"), {"near": "19104", "radius": "25", "sort": "distance"})
    assert [m.name for m in response.context["page"]] == ["Near", "Far"]


@pytest.mark.parametrize("url_name", ["home", "search:api"])
def test_it_runs_a_fixed_number_of_queries_whatever_the_number_of_results(
    client, frozen, url_name, django_assert_num_queries, django_assert_max_num_queries
):
    program = make_program(slug="aa")
    key = make_type(is_key=True)
    for _ in range(2):
        make_meeting(program=program, types=[key], attendance=Attendance.HYBRID)
    query = {"program": "aa", "day": ["today"], "type": key.code}
    cache.clear()
    # Cold caches; the page reads the run of meetings in progress (none here) and then the later ones.
    with django_assert_max_num_queries(13) as few:
        client.get(reverse(url_name), query)
    for _ in range(20):
        make_meeting(program=program, types=[key], attendance=Attendance.HYBRID)
    cache.clear()
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse(url_name), query)
    assert response.status_code == 200
