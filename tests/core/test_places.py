"""The one gazetteer: searches near a place and imports read ZIP codes and cities from a small file built from
the packages, not from memory, and never ask a remote geocoder."""

import pytest

from core import places


@pytest.fixture
def fresh_places_file(settings, tmp_path):
    settings.PLACES_DB = str(tmp_path / "places.sqlite3")
    places._local.__dict__.clear()  # this thread's connection points at the default file
    yield tmp_path / "places.sqlite3"
    places._local.__dict__.clear()


def test_a_missing_places_file_is_built_on_first_lookup(fresh_places_file):
    assert not fresh_places_file.exists()
    place = places.resolve("19104")
    assert fresh_places_file.exists()
    assert place.label == "19104 (Philadelphia, PA)"
    assert place.timezone == "America/New_York"
    assert place.latitude == pytest.approx(39.96, abs=0.05)


def test_a_city_is_the_most_populous_of_its_name_unless_qualified(fresh_places_file):
    assert places.resolve("Springfield").label.startswith("Springfield, ")
    assert places.resolve("Springfield, IL").label == "Springfield, IL"
    assert places.resolve("Springfield, Illinois").label == "Springfield, IL"
    assert places.resolve("Melbourne, AU").timezone == "Australia/Melbourne"
    assert places.resolve("são paulo").label == "São Paulo, BR"


def test_unknown_places_are_none(fresh_places_file):
    assert places.resolve("00000") is None
    assert places.resolve("Nowhere At All") is None
    assert places.resolve("Chicago, Narnia") is None


def test_build_places_says_clearly_when_it_cannot_write_the_file(settings, tmp_path):
    from django.core.management import CommandError, call_command

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    settings.PLACES_DB = str(blocker / "places.sqlite3")
    with pytest.raises(CommandError, match="Could not write the places file"):
        call_command("build_places")


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
    assert places.resolve(text).label == label


@pytest.mark.parametrize("text", ["", "Xyzzyville Nowhere", "00000"])
def test_it_resolves_nothing_for_unknown_places(text):
    assert places.resolve(text) is None


def test_an_import_places_an_address_by_its_zip_code_or_its_city_in_its_state_or_country():
    assert places.by_postal_code("19104-2816").label == "19104 (Philadelphia, PA)"
    assert places.by_postal_code("1910") is None
    assert places.by_city("Springfield", "IL", "US").label == "Springfield, IL"
    assert places.by_city("Springfield", "Illinois", "USA").label == "Springfield, IL"
    # A state is only known by name in the US; elsewhere the country decides.
    assert places.by_city("Melbourne", "VIC", "AU").timezone == "Australia/Melbourne"
    assert places.by_city("Melbourne", "", "US").label == "Melbourne, FL"
    assert places.by_city("Chicago", "", "AU") is None


@pytest.mark.parametrize(
    ("latitude", "longitude", "zone"),
    [(39.95, -75.17, "America/New_York"), (-37.81, 144.96, "Australia/Melbourne"), (51.5, -0.12, "Europe/London")],
)
def test_the_nearest_citys_zone_places_a_meetings_wall_clock(latitude, longitude, zone):
    assert places.nearest_zone(latitude, longitude) == zone
