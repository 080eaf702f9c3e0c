"""The map view and its GeoJSON: the same FilterSet as the page, in-person meetings only, at most 500; the map's
library only on that view, and its images only from MAP_TILE_URL."""

from datetime import time

import pytest
from django.urls import reverse

from meetings.models import Attendance
from tests.factories import make_location, make_meeting, make_type

pytestmark = pytest.mark.django_db


@pytest.fixture
def meetings():
    women = make_type(code="women", name="Women", category="audience")
    near = make_location(latitude=39.9526, longitude=-75.1652)
    make_meeting(name="Women <b>near</b>", location=near, types=[women], start_time=time(19))
    make_meeting(name="Mixed near", location=near, start_time=time(20), end_time=time(21))
    make_meeting(name="Online women", attendance=Attendance.ONLINE, types=[women])
    make_meeting(name="Women far", location=make_location(latitude=40.44, longitude=-79.99), types=[women])


def test_the_geojson_holds_the_searchs_in_person_meetings(client, meetings):
    response = client.get(reverse("search:geojson"), {"near": "19104", "radius": "10", "type": "women"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    data = response.json()
    assert data["count"] == 1 and data["limit"] == 500
    (feature,) = data["features"]
    assert feature["geometry"] == {"type": "Point", "coordinates": [-75.1652, 39.9526]}
    assert feature["properties"]["name"] == "Women <b>near</b>"
    assert feature["properties"]["url"].endswith("?tz=America%2FNew_York")
    assert feature["properties"]["distance"].endswith(" mi")


def test_the_geojson_counts_apart_from_the_page(client, meetings):
    assert client.get(reverse("search:api"), {"type": "women"}).json()["count"] == 3
    assert client.get(reverse("search:geojson"), {"type": "women"}).json()["count"] == 2


@pytest.mark.parametrize(
    "query",
    [
        *("limit=501", "limit=0", "limit=many", "limit=%C2%B2"),
        pytest.param("limit=" + "9" * 5000, id="limit=5000 digits"),
        *("when=brunch", "tz=Not/AZone"),
    ],
)
def test_a_bad_map_request_is_a_400_with_a_message(client, meetings, query):
    response = client.get(reverse("search:geojson") + "?" + query)
    assert response.status_code == 400
    assert response.json()["errors"]


def test_the_limit_is_kept(client, meetings):
    data = client.get(reverse("search:geojson"), {"limit": "1"}).json()
    assert len(data["features"]) == 1 and data["count"] == 3


def test_the_map_view_allows_only_its_tile_server_and_asks_before_drawing(client, meetings, settings):
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    response = client.get(reverse("search:map"), {"near": "19104"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "img-src 'self' data: https://tiles.example.org;" in response["Content-Security-Policy"]
    assert "come from tiles.example.org" in html
    assert 'id="show-map" hidden' in html  # shown by the script; without it, the list with distances
    assert "vendor/leaflet/leaflet.js" in html
    assert "tiles.example.org" not in client.get(reverse("home")).content.decode()
    assert "leaflet" not in client.get(reverse("home")).content.decode()
    assert "img-src 'self' data:;" in client.get(reverse("home"))["Content-Security-Policy"]


def test_the_list_links_to_the_map_of_the_same_search(client, meetings):
    html = client.get(reverse("home"), {"type": "women"}).content.decode()
    assert 'href="/meetings/map/?type=women"' in html
