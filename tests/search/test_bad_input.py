"""Every invalid parameter gives the form error and a 400, on the page and in the API; never a 500."""

import pytest
from django.urls import reverse

from tests.factories import make_meeting

pytestmark = pytest.mark.django_db

BAD = {
    "unknown program": "program=no-such-program",
    "weekday 9": "day=9",
    "time 25:99": "starts_after=25:99",
    "negative radius": "near=19104&radius=-5",
    "huge radius": "near=19104&radius=1e9",
    "radius not a number": "near=19104&radius=far",
    "garbage time zone": "tz=Not/AZone",
    "time zone with markup": "tz=%3Cscript%3E",
    "unknown place": "near=Xyzzyville%20Nowhere",
    "page past the end": "page=999",
    "page not a number": "page=last",
    "hours ahead too many": "now=1000",
    "unknown meeting type": "type=no-such-type",
    "unknown attendance": "attendance=teleport",
    "unknown part of day": "time_of_day=brunch",
    "unknown quick choice of when": "when=brunch",
    "near or online without a place": "include_online=1",
    "near or online not 1": "near=19104&include_online=yes",
    "latitude without longitude": "lat=39.9",
    "latitude out of range": "lat=91&lng=0",
    "distance order without a place": "sort=distance",
    "unknown program attribute": "medication=sometimes",
    "more days than a week has": "day=today&" + "&".join(f"day={day}" for day in [0, 1, 2, 3, 4, 5, 6, 0]),
}


@pytest.fixture(autouse=True)
def one_meeting():
    make_meeting()


@pytest.mark.parametrize("query", BAD.values(), ids=BAD.keys())
def test_it_shows_the_error_on_the_page_with_status_400(client, query):
    response = client.get(f"{reverse('home')}?{query}")
    assert response.status_code == 400
    assert 'id="search-errors"' in response.content.decode()


@pytest.mark.parametrize("query", BAD.values(), ids=BAD.keys())
def test_it_answers_the_api_with_400_and_the_errors(client, query):
    response = client.get(f"{reverse('search:api')}?{query}")
    assert response.status_code == 400
    assert response.json()["errors"]


def test_it_refuses_a_10_kb_query_string(client):
    query = "q=" + "a" * 10_000
    assert client.get(f"{reverse('home')}?{query}").status_code == 400
    assert client.get(f"{reverse('search:api')}?{query}").status_code == 400


def test_it_ignores_unknown_parameters(client):
    response = client.get(f"{reverse('home')}?utm_source=newsletter&colour=blue")
    assert response.status_code == 200
    assert "1 meeting" in response.content.decode()


def test_it_escapes_a_keyword_with_markup(client):
    response = client.get(reverse("home"), {"q": "<script>alert(1)</script>"})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


@pytest.mark.django_db
def test_a_fields_error_message_is_the_one_its_input_points_to(client):
    html = client.get("/filters/?now=99").content.decode()
    assert 'aria-describedby="id_now_error"' in html
    assert '<p class="field-error" id="id_now_error">' in html


@pytest.mark.parametrize("query", ["lat=91&lng=0", "lat=north&lng=0", "lat=0&lng=500"])
def test_a_coordinate_in_error_gets_its_own_message_alone(client, query):
    # Not also "Give both latitude and longitude": both were given, one is wrong.
    errors = client.get(f"{reverse('search:api')}?{query}").json()["errors"]
    assert len(errors) == 1
    assert "Give both" not in errors[0]
