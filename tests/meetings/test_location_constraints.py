import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from meetings.models import Location, Region
from tests.factories import make_location, make_region

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("changes", "constraint"),
    [
        ({"latitude": 91}, "location_latitude_range"),
        ({"latitude": -90.5}, "location_latitude_range"),
        ({"longitude": 180.1}, "location_longitude_range"),
        ({"longitude": None}, "location_coordinates_both_or_neither"),
        ({"timezone": "not a zone"}, "location_timezone_shape"),
    ],
)
def test_it_rejects_impossible_locations_in_the_database(changes, constraint):
    location = make_location()
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        Location.objects.filter(pk=location.pk).update(**changes)
    assert constraint in str(caught.value)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"latitude": 91}, "latitude"),
        ({"longitude": -181}, "longitude"),
        ({"timezone": "Europe/Atlantis"}, "timezone"),
    ],
)
def test_it_explains_impossible_locations_in_clean(changes, field):
    location = make_location()
    for name, value in changes.items():
        setattr(location, name, value)
    with pytest.raises(ValidationError) as caught:
        location.full_clean()
    assert field in caught.value.message_dict


def test_it_builds_a_formatted_address_from_its_parts():
    location = make_location(address="3700 Walnut St", city="Philadelphia", state="PA", postal_code="19104")
    assert location.formatted_address == "3700 Walnut St, Philadelphia, PA 19104, US"


def test_it_refuses_a_region_inside_itself():
    top = make_region(kind="country")
    child = make_region(parent=top)
    top.parent = child
    with pytest.raises(ValidationError):
        top.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        Region.objects.filter(pk=top.pk).update(parent=top)


def test_it_lists_a_region_and_everything_under_it():
    top = make_region(kind="country")
    state = make_region(parent=top, kind="state")
    metro = make_region(parent=state)
    other = make_region()
    assert set(top.descendant_ids()) == {top.pk, state.pk, metro.pk}
    assert other.pk not in top.descendant_ids()
