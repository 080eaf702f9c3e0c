"""What the field's own importer (TSML) accepts imports here too: day names, type names, 0,0, unnamed meetings."""

import datetime as dt
import json

import pytest

from interop.sources import feed_import
from meetings.models import Location, Meeting
from tests.interop.conftest import DATA

pytestmark = pytest.mark.django_db

BASE = {
    "name": "Hope",
    "slug": "hope",
    "day": 1,
    "time": "19:00",
    "location": "St. Mark's",
    "address": "4953 W Addison St",
    "city": "Chicago",
    "state": "IL",
    "postal_code": "60641",
    "country": "US",
}


def run(program, feed, source="field"):
    return feed_import(data=json.dumps(feed).encode(), format="meeting-guide", source=source, program=program)


@pytest.mark.parametrize("day", ["Sunday", "SUNDAY", "sunday", "Sun", "0", 0])
def test_it_reads_a_day_given_by_its_name_in_any_case(aa, day):
    report = run(aa, [dict(BASE, day=day)])

    assert report.rejected == []
    assert Meeting.objects.get().weekday == 0


def test_it_splits_a_list_of_day_names_into_one_meeting_per_day(aa):
    run(aa, [dict(BASE, day=["Monday", "Wednesday"])])

    assert sorted(Meeting.objects.values_list("external_key", "weekday")) == [("hope-1", 1), ("hope-3", 3)]


def test_it_says_what_to_fix_in_a_day_it_cannot_read(aa):
    report = run(aa, [BASE, dict(BASE, slug="bad", day="Funday")])

    assert report.rejected[0].reason == (
        'day "Funday" is not a day of the week: give a number from 0 (Sunday) to 6 (Saturday) or a day\'s name '
        'such as "Monday".'
    )


@pytest.mark.parametrize("types", ["O, D", ["Open", "Discussion"], ["o", "d"], ["O", "C", "D"]])
def test_it_reads_types_as_text_or_names_and_open_and_closed_as_closed(aa, types):
    run(aa, [dict(BASE, types=types)])

    codes = set(Meeting.objects.get().types.values_list("meeting_guide_code", flat=True))
    assert "D" in codes
    assert codes & {"O", "C"} == ({"C"} if "C" in types else {"O"})


def test_it_names_an_unnamed_meeting_as_tsml_does_and_warns(aa):
    report = run(aa, [dict(BASE, name="")])

    assert Meeting.objects.get().name == "St. Mark's Monday at 19:00"
    assert "name is missing" in report.warnings[0].reason


def test_it_trims_names_and_reads_usa_and_a_zip_code_that_lost_its_zero(aa):
    run(aa, [dict(BASE, name="  Hope  ", country="USA", city="Boston", state="MA", postal_code=2138)])

    meeting = Meeting.objects.select_related("location").get()
    assert meeting.name == "Hope"
    assert (meeting.location.country, meeting.location.postal_code) == ("US", "02138")


@pytest.mark.parametrize(
    ("point", "warning"),
    [
        ({"latitude": "0", "longitude": "0"}, "0, 0 mean unknown"),
        ({"latitude": 91, "longitude": 10}, "out of range"),
        ({"coordinates": "0,0"}, "0, 0 mean unknown"),
    ],
)
def test_it_treats_0_0_and_impossible_coordinates_as_none_and_places_the_meeting_from_its_zip(aa, point, warning):
    report = run(aa, [dict(BASE, approximate="no", **point)])

    location = Meeting.objects.select_related("location").get().location
    assert report.rejected == []
    assert warning in report.warnings[0].reason
    assert (round(location.latitude), round(location.longitude)) == (42, -88)  # ZIP 60641, not the Gulf of Guinea
    assert location.position_approximate


def test_it_reads_coordinates_given_as_one_text(aa):
    run(aa, [dict(BASE, coordinates="41.9466, -87.7470")])

    location = Location.objects.get()
    assert (location.latitude, location.longitude, location.position_approximate) == (41.9466, -87.747, False)


def test_it_ignores_entity_fields_of_either_spelling(aa):
    report = run(aa, [dict(BASE, entity="Intergroup", entity_url="https://a.example", entity_website_url="x")])

    assert report.rejected == [] and report.created == ["hope"]


def test_it_places_every_meeting_of_the_tsml_template_from_its_zip_code(aa):
    report = feed_import(data=(DATA / "tsml-template.csv").read_bytes(), format="csv", source="csv", program=aa)

    assert len(report.created) == 36
    in_person = Meeting.objects.exclude(attendance="online").select_related("location")
    assert in_person.exists()
    assert all(m.location.has_coordinates and m.location.position_approximate for m in in_person)


def test_the_zone_comes_from_the_coordinates_not_the_nearest_big_city(aa):
    # Canton, NY: nearer Ottawa than any large US city; its zone is New York's.
    canton = dict(BASE, city="Canton", state="NY", postal_code="", latitude=44.5956, longitude=-75.1691)
    run(aa, [canton])

    assert Meeting.objects.get().timezone == "America/New_York"


def test_a_feeds_own_valid_zone_wins(aa):
    run(aa, [dict(BASE, timezone="America/Denver")])

    assert Meeting.objects.get().timezone == "America/Denver"


def test_two_venue_names_at_one_address_are_two_venues_and_neither_is_renamed(aa):
    hall = dict(BASE, slug="a", location="McCarthy Hall", latitude=41.95, longitude=-87.75)
    school = dict(BASE, slug="b", location="Holy Family School", latitude=41.96, longitude=-87.76)
    run(aa, [hall, school])
    run(aa, [hall, school])

    names = dict(Meeting.objects.values_list("external_key", "location__name"))
    assert names == {"a": "McCarthy Hall", "b": "Holy Family School"}
    assert Location.objects.get(name="McCarthy Hall").latitude == 41.95


def test_an_import_never_renames_or_moves_a_venue_a_volunteer_owns(aa):
    run(aa, [BASE])
    venue = Location.objects.get()
    venue.name, venue.latitude, venue.longitude, venue.source = "St. Mark's", 41.9, -87.7, ""
    venue.save()

    report = run(aa, [dict(BASE, latitude=40.0, longitude=-80.0, location_notes="side door")])

    venue.refresh_from_db()
    assert report.ok
    assert (venue.latitude, venue.longitude, venue.notes) == (41.9, -87.7, "")
    assert Meeting.objects.get().location == venue


def test_an_approximate_position_is_shown_as_such_with_directions_to_the_address(client, aa):
    run(aa, [dict(BASE, latitude=0, longitude=0)])
    meeting = Meeting.objects.get()

    page = client.get(meeting.get_absolute_url()).content.decode()

    assert "approximate" in page.lower()
    assert "directions?to=4953%20W%20Addison%20St" in page
    assert meeting.start_time == dt.time(19, 0)
