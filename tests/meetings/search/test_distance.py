"""Distances between real cities, within 0.5% of their published great-circle values."""

import pytest

from meetings import geo
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


def test_it_draws_a_bounding_box_that_contains_the_circle():
    south, north, west, east = geo.bounding_box(39.9526, -75.1652, 16.1)
    for lat, lon in [(39.9526 + 0.144, -75.1652), (39.9526, -75.1652 + 0.188), (39.9526 - 0.144, -75.1652 - 0.188)]:
        assert south <= lat <= north and west <= lon <= east


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("19104", "19104 (Philadelphia, PA)"),
        ("Chicago", "Chicago, IL"),
        ("Springfield, IL", "Springfield, IL"),
        ("melbourne", "Melbourne, AU"),
        ("São Paulo", "São Paulo, BR"),
    ],
)
def test_it_resolves_places_offline(text, label):
    assert geo.resolve_place(text).label == label


@pytest.mark.parametrize("text", ["", "Xyzzyville Nowhere", "00000"])
def test_it_resolves_nothing_for_unknown_places(text):
    assert geo.resolve_place(text) is None
