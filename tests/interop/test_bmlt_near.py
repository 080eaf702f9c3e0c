"""Searches near a point: the same meetings a brute force finds, anywhere on Earth, for a radius or the N nearest."""

import datetime as dt
import random

import pytest
from django.urls import reverse

from core import geo
from meetings.models import Attendance
from tests.factories import make_location, make_meeting, make_program

pytestmark = pytest.mark.django_db

CENTRES = [
    (39.95, -75.19),  # a city among the meetings
    (0.0, 179.9),  # on the 180th meridian: the nearest are on both sides of it
    (-16.5, -179.8),
    (88.5, 40.0),  # near the North Pole: every longitude is close
    (-89.0, -120.0),
    (65.0, 60.0),  # far north, where a circle is much wider than its centre's parallel
    (0.0, -140.0),  # mid-Pacific, far from everything
]


@pytest.fixture
def world(reference_data):
    """Meetings at random places, thickest near the 180th meridian and the poles, on random days and hours."""
    chance = random.Random(20260519)
    program = make_program()
    places = [(chance.uniform(-90, 90), chance.uniform(-180, 180)) for _ in range(40)]
    places += [(chance.uniform(-30, 30), chance.choice([-1, 1]) * chance.uniform(175, 180)) for _ in range(20)]
    places += [(chance.choice([-1, 1]) * chance.uniform(80, 90), chance.uniform(-180, 180)) for _ in range(20)]
    places += [(39.95 + chance.uniform(-0.3, 0.3), -75.19 + chance.uniform(-0.3, 0.3)) for _ in range(20)]
    meetings = []
    for latitude, longitude in places:
        location = make_location(latitude=round(latitude, 6), longitude=round(longitude, 6))
        meetings.append(
            make_meeting(
                program=program,
                location=location,
                weekday=chance.randrange(7),
                start_time=dt.time(chance.randrange(24), chance.choice([0, 30])),
                end_time=None,
            )
        )
    # An online meeting has no place: never near anything.
    make_meeting(program=program, attendance=Attendance.ONLINE)
    return meetings


def distance(centre, meeting):
    return geo.distance_km(*centre, meeting.location.latitude, meeting.location.longitude)


def search_ids(client, **params):
    response = client.get(reverse("interop:bmlt"), {"switcher": "GetSearchResults", **params})
    assert response.status_code == 200, response.content
    return [int(item["id_bigint"]) for item in response.json()]


def test_it_finds_exactly_the_n_nearest_meetings(client, world):
    for centre in CENTRES:
        # By distance, then in day order, as the answer lists them.
        brute_force = sorted(world, key=lambda m: (distance(centre, m), m.weekday, m.start_time, m.pk))

        for count in (1, 3, 10, 45, 100, 150):
            found = search_ids(client, lat_val=str(centre[0]), long_val=str(centre[1]), geo_width_km=str(-count))

            assert found == [m.pk for m in brute_force[:count]], (centre, count)


def test_it_finds_exactly_the_meetings_within_a_radius(client, world):
    for centre in CENTRES:
        for radius_km in (30, 500, 2500, 9000, 20000):
            found = search_ids(client, lat_val=str(centre[0]), long_val=str(centre[1]), geo_width_km=str(radius_km))

            within = [m for m in world if distance(centre, m) <= radius_km]
            in_day_order = sorted(within, key=lambda m: (m.weekday, m.start_time, m.pk))
            assert found == [m.pk for m in in_day_order], (centre, radius_km)


def test_it_counts_the_auto_radius_in_meetings_whichever_unit_is_given(client, world):
    centre = {"lat_val": "39.95", "long_val": "-75.19"}

    assert len(search_ids(client, geo_width="-7", **centre)) == 7
    assert search_ids(client, geo_width="-7", **centre) == search_ids(client, geo_width_km="-7", **centre)
    assert search_ids(client, geo_width="-0.5", **centre) == []


def test_it_finds_the_nearest_meeting_across_the_180th_meridian(client, reference_data):
    program = make_program()
    west = make_meeting(program=program, location=make_location(latitude=0.0, longitude=-179.95))  # 17 km away
    make_meeting(program=program, location=make_location(latitude=0.0, longitude=179.0))  # 89 km away

    assert search_ids(client, lat_val="0", long_val="179.9", geo_width="-1") == [west.pk]
    assert search_ids(client, lat_val="0", long_val="179.9", geo_width_km="50") == [west.pk]
