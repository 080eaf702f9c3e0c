"""The filter bar's quick choices: when (now, later today, tonight, tomorrow morning), where and the room, each
a GET parameter the URL keeps; the times of a place's search in its zone; the nearest useful searches."""

from datetime import UTC, datetime, time
from unittest import mock

import pytest
from django.urls import reverse

from meetings.models import Attendance
from tests.factories import make_meeting, make_type

pytestmark = pytest.mark.django_db

# Tuesday 2026-06-16, 21:00 UTC = 17:00 in Philadelphia (EDT), 14:00 in Los Angeles.
NOW = datetime(2026, 6, 16, 21, 0, tzinfo=UTC)


@pytest.fixture
def frozen():
    with mock.patch("search.views.timezone.now", return_value=NOW):
        yield NOW


@pytest.fixture
def week(frozen):
    make_meeting(name="In progress", weekday=2, start_time=time(16, 30), end_time=time(17, 30))
    make_meeting(name="Within the hour", weekday=2, start_time=time(17, 45), end_time=time(18, 45))
    make_meeting(
        name="Tuesday 3 PM LA", weekday=2, start_time=time(15), end_time=time(16), timezone="America/Los_Angeles"
    )
    make_meeting(name="Tonight at 8", weekday=2, start_time=time(20), end_time=time(21))
    make_meeting(name="This morning", weekday=2, start_time=time(8), end_time=time(9))
    make_meeting(name="Wednesday 7 AM", weekday=3, start_time=time(7), end_time=time(8))
    make_meeting(name="Wednesday 7 PM", weekday=3, start_time=time(19), end_time=time(20))


@pytest.mark.parametrize(
    ("when", "names"),
    [
        ("now", {"In progress", "Within the hour", "Tuesday 3 PM LA"}),
        ("later_today", {"In progress", "Within the hour", "Tuesday 3 PM LA", "Tonight at 8"}),
        ("tonight", {"Within the hour", "Tonight at 8"}),
        ("tomorrow_morning", {"Wednesday 7 AM"}),
    ],
)
def test_each_when_choice_finds_its_meetings_in_their_own_zone(client, week, when, names):
    response = client.get(reverse("home"), {"when": when})
    assert response.status_code == 200
    assert {meeting.name for meeting in response.context["page"]} == names


def test_the_bar_offers_each_choice_as_a_link_that_keeps_the_search(client, week):
    make_type(code="medication-friendly", name="Medication-Friendly")
    html = client.get(reverse("home"), {"q": "hall"}).content.decode()
    assert 'href="?q=hall&amp;when=tonight"' in html
    assert 'href="?q=hall&amp;attendance=online"' in html
    assert 'href="?q=hall&amp;type=medication-friendly"' in html
    assert "Women" not in html.split('class="quick"')[1].split("</nav>")[0]  # no such type here: not offered


def test_a_chosen_choice_is_marked_and_its_link_drops_it(client, week):
    html = client.get(reverse("home"), {"when": "tonight", "near": "19104"}).content.decode()
    assert '<a href="?near=19104" aria-current="true" class="on">' in html
    assert 'href="?when=tonight&amp;near=19104&amp;include_online=1"' in html  # near or online, with a place


def test_a_place_shows_online_meetings_in_its_zone_and_links_carry_it(client, frozen):
    make_meeting(
        name="LA online", attendance=Attendance.ONLINE, weekday=2, start_time=time(16), timezone="America/Los_Angeles"
    )
    response = client.get(reverse("home"), {"near": "19104", "include_online": "1"})
    html = response.content.decode()
    assert "Tuesday 7:00 PM your time" in html
    assert "?tz=America%2FNew_York" in html


def test_an_empty_search_offers_the_nearest_useful_ones(client, frozen):
    make_type(code="women", name="Women", category="audience")
    make_meeting(name="Elsewhere", weekday=2)
    html = client.get(
        reverse("home"), {"near": "19104", "radius": "2", "type": "women", "when": "now"}
    ).content.decode()
    assert "No meetings match" in html
    assert 'href="?type=women&amp;when=now&amp;attendance=online"' in html  # the same room online
    assert 'href="?near=19104&amp;radius=50&amp;type=women&amp;when=now"' in html  # wider
    assert 'href="?near=19104&amp;radius=2&amp;type=women&amp;when=now&amp;include_online=1"' in html
    assert 'href="?near=19104&amp;radius=2&amp;type=women&amp;when=later_today"' in html


def test_add_to_referral_list_shows_on_rows_only_while_a_list_is_made(client, frozen):
    meeting = make_meeting(name="A meeting")
    assert "Add to referral list" not in client.get(reverse("home")).content.decode()
    html = client.get(reverse("home"), {"list": str(meeting.pk)}).content.decode()
    assert "On your list" in html
