"""'Near' reads ZIP codes and cities from a small file built from the packages, not from memory."""

import pytest

from core import geo, places


@pytest.fixture
def fresh_places_file(settings, tmp_path):
    settings.PLACES_DB = str(tmp_path / "places.sqlite3")
    places._local.__dict__.clear()  # this thread's connection points at the default file
    yield tmp_path / "places.sqlite3"
    places._local.__dict__.clear()


def test_a_missing_places_file_is_built_on_first_lookup(fresh_places_file):
    assert not fresh_places_file.exists()
    place = geo.resolve_place("19104")
    assert fresh_places_file.exists()
    assert place.label == "19104 (Philadelphia, PA)"
    assert place.timezone == "America/New_York"
    assert place.latitude == pytest.approx(39.96, abs=0.05)


def test_a_city_is_the_most_populous_of_its_name_unless_qualified(fresh_places_file):
    assert geo.resolve_place("Springfield").label.startswith("Springfield, ")
    assert geo.resolve_place("Springfield, IL").label == "Springfield, IL"
    assert geo.resolve_place("Springfield, Illinois").label == "Springfield, IL"
    assert geo.resolve_place("Melbourne, AU").timezone == "Australia/Melbourne"
    assert geo.resolve_place("são paulo").label == "São Paulo, BR"


def test_unknown_places_are_none(fresh_places_file):
    assert geo.resolve_place("00000") is None
    assert geo.resolve_place("Nowhere At All") is None
    assert geo.resolve_place("Chicago, Narnia") is None


def test_build_places_says_clearly_when_it_cannot_write_the_file(settings, tmp_path):
    from django.core.management import CommandError, call_command

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    settings.PLACES_DB = str(blocker / "places.sqlite3")
    with pytest.raises(CommandError, match="Could not write the places file"):
        call_command("build_places")
