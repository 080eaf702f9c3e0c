"""Distances between real cities, within 0.5% of their published great-circle values."""

import pytest

from core import geo
from meetings.models import Meeting
from tests.factories import make_location, make_meeting

# (from, to, geodesic km as published by geodesy references)
CITY_PAIRS = [
    ((40.7128, -74.0060), (34.0522, -118.2437), 3944.4),  # New York - Los Angeles
    ((51.5074, -0.1278), (48.8566, 2.3522), 343.9),  # London - Paris
    ((-33.8688, 151.2093), (-37.8136, 144.9631), 713.4),  # Sydney - Melbourne
    ((39.9526, -75.1652), (40.4406, -79.9959), 413.0),  # Philadelphia - Pittsburgh
]


@pytest.mark.parametrize(("a", "b", "known_km"), CITY_PAIRS)
def test_it_computes_known_distances_within_half_a_percent(a, b, known_km):
    assert geo.distance_km(*a, *b) == pytest.approx(known_km, rel=0.005)


@pytest.mark.django_db
@pytest.mark.parametrize(("a", "b", "known_km"), CITY_PAIRS)
def test_it_computes_the_same_distance_in_the_database(a, b, known_km):
    make_meeting(location=make_location(latitude=b[0], longitude=b[1]))
    row = Meeting.objects.annotate(d=geo.distance_expression(*a)).values("d").get()
    assert row["d"] == pytest.approx(known_km, rel=0.005)


# (centre, radius km, a meeting's place just inside the circle): where a plain lat/lon box falls short.
EDGES = [
    ((39.9526, -75.1652), 16.1, (39.9526 + 0.144, -75.1652)),  # Philadelphia: due north
    ((-16.5, 179.9), 25, (-16.5, -179.95)),  # Fiji: across the 180th meridian, east
    ((65.0, -179.9), 40, (65.0, 179.8)),  # Chukotka: across the 180th meridian, west
    ((89.9, 0.0), 50, (89.8, 180.0)),  # the North Pole within the circle: every longitude
    # At 70°N the circle is widest north of its centre, where a box of radius / cos(latitude) is too narrow.
    ((70.0, 20.0), 1500, (75.1, 62.5)),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("centre", "radius_km", "place"), EDGES)
def test_its_box_holds_every_place_within_the_radius(centre, radius_km, place):
    assert geo.distance_km(*centre, *place) <= radius_km, "the case itself must be inside the circle"
    meeting = make_meeting(location=make_location(latitude=place[0], longitude=place[1]))
    make_meeting(location=make_location(latitude=-centre[0], longitude=centre[1] / 2))  # far away
    assert list(Meeting.objects.filter(geo.box_q(*centre, radius_km))) == [meeting]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("a", "b"),
    [*((a, b) for a, b, _km in CITY_PAIRS), ((10.0, 20.0), (-10.0, -160.0)), ((0.0, 0.0), (0.0, 0.0))],
    ids=["new-york", "london", "sydney", "philadelphia", "antipodes", "same-point"],
)
def test_the_database_distance_is_the_python_one(a, b):
    # Antipodes: rounding may put the haversine's root a hair above 1, where asin() fails without the clamp.
    make_meeting(location=make_location(latitude=b[0], longitude=b[1]))
    row = Meeting.objects.annotate(d=geo.distance_expression(*a)).values("d").get()
    assert row["d"] == pytest.approx(geo.distance_km(*a, *b), rel=1e-9, abs=1e-9)
