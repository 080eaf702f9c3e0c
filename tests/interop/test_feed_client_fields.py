"""The Meeting Guide feed's de facto fields, as TSML, TSML UI and the Meeting Guide app send and read them."""

import json

import pytest
from django.test import override_settings
from django.urls import reverse

from interop.sources import feed_import
from meetings.models import Attendance, Meeting, Status
from tests.factories import make_location, make_meeting
from tests.interop.helpers import assert_valid_feed, feed_json

pytestmark = pytest.mark.django_db


def feed_by_slug(client):
    feed = feed_json(client.get(reverse("interop:feed")))
    assert_valid_feed(feed)
    return {item["slug"]: item for item in feed}


def test_attendance_option_says_how_people_attend(client, reference_data):
    make_meeting(slug="hall")
    make_meeting(slug="zoom", attendance=Attendance.ONLINE)
    make_meeting(slug="both", attendance=Attendance.HYBRID)
    make_meeting(slug="ask", attendance=Attendance.ONLINE, join_on_request=True, conference_url_notes="E-mail us.")
    make_meeting(slug="shut", status=Status.TEMPORARILY_CLOSED)
    make_meeting(slug="shut-but-online", attendance=Attendance.HYBRID, status=Status.TEMPORARILY_CLOSED)

    options = {slug: item["attendance_option"] for slug, item in feed_by_slug(client).items()}

    assert options == {
        "hall": "in_person",
        "zoom": "online",
        "both": "hybrid",
        "ask": "online",
        "shut": "inactive",
        "shut-but-online": "online",
    }


def test_coordinates_are_written_for_an_exact_venue_only(client, reference_data):
    make_meeting(slug="exact", location=make_location(latitude=39.95661, longitude=-75.18992))
    make_meeting(slug="area", location=make_location(address="", approximate=True, latitude=40.0, longitude=-75.0))

    items = feed_by_slug(client)

    assert items["exact"]["coordinates"] == "39.95661,-75.18992"
    # TSML UI reads "lat,lng" as a place to go: an approximate one must not look exact.
    assert "coordinates" not in items["area"]


def test_the_online_on_request_meeting_keeps_its_notes_and_regions_are_an_array(client, reference_data):
    make_meeting(slug="ask", attendance=Attendance.ONLINE, join_on_request=True, conference_url_notes="E-mail us.")

    item = feed_by_slug(client)["ask"]

    assert item["conference_url_notes"] == "E-mail us."
    assert "conference_url" not in item and "conference_phone" not in item
    assert item["approximate"] == "yes"


@override_settings(FEED_ENTITY={"entity": "District 9", "entity_url": "https://d9.example"})
def test_entity_url_is_also_written_as_the_specs_entity_website_url(client, reference_data):
    make_meeting(slug="e")

    item = feed_by_slug(client)["e"]

    assert item["entity_url"] == item["entity_website_url"] == "https://d9.example"


def test_updated_is_utc_in_the_specs_form(client, reference_data):
    make_meeting(slug="u")

    updated = feed_by_slug(client)["u"]["updated"]

    assert len(updated) == 19 and updated[10] == " " and updated[4] == "-"


def import_feed(items, program):
    return feed_import(data=json.dumps(items).encode(), format="meeting-guide", source="tsml", program=program)


ITEM = {"name": "Hope", "day": 2, "time": "19:00", "timezone": "America/New_York"}


def test_the_importer_reads_coordinates_when_there_is_no_latitude(aa):
    item = {**ITEM, "slug": "c", "formatted_address": "4025 Chestnut St, Philadelphia, PA 19104, USA"}
    report = import_feed([{**item, "coordinates": "39.9551,-75.2026"}], aa)

    assert report.ok, report.lines()
    location = Meeting.objects.get().location
    assert (location.latitude, location.longitude) == (39.9551, -75.2026)


# Impossible but well-formed coordinates ("91,0", "0,0") are no coordinates, with a warning: test_field_feeds.
@pytest.mark.parametrize("coordinates", ["39.9", "a,b", "1,2,3,4", 12, ["39.9", "-75.2"]])
def test_the_importer_rejects_malformed_coordinates_with_a_reason(aa, coordinates):
    item = {**ITEM, "slug": "c", "formatted_address": "4025 Chestnut St, Philadelphia, PA 19104, USA"}
    report = import_feed([{**item, "coordinates": coordinates}], aa)

    assert [rejection.reason for rejection in report.rejected][0].startswith(("coordinates", "latitude"))
    assert not Meeting.objects.exists()


def test_the_importer_reads_attendance_option_where_the_record_bears_it_out(aa):
    address = "4025 Chestnut St, Philadelphia, PA 19104, USA"
    items = [
        # An address and a link: hybrid unless the feed says the link is for online-only weeks.
        {**ITEM, "slug": "a", "formatted_address": address, "conference_url": "https://zoom.us/j/1"},
        {
            **ITEM,
            "slug": "b",
            "formatted_address": address,
            "conference_url": "https://zoom.us/j/2",
            "attendance_option": "online",
        },
        # "online" with no way to join is not believed: the address makes it in person.
        {**ITEM, "slug": "c", "formatted_address": address, "attendance_option": "online"},
        {**ITEM, "slug": "d", "formatted_address": address, "attendance_option": "inactive"},
    ]
    report = import_feed(items, aa)

    assert report.ok, report.lines()
    attendance = dict(Meeting.objects.values_list("external_key", "attendance"))
    assert attendance == {"a": "hybrid", "b": "online", "c": "in_person", "d": "in_person"}


def test_the_importer_refuses_an_unknown_attendance_option(aa):
    report = import_feed([{**ITEM, "slug": "x", "formatted_address": "Somewhere", "attendance_option": "maybe"}], aa)

    assert "attendance_option must be" in report.rejected[0].reason


def test_the_feed_is_advertised_on_our_pages(client, reference_data):
    page = client.get("/").content.decode()

    assert '<link rel="alternate" type="application/json" title="Meetings Feed" href="/meetings.json">' in page


def test_a_meeting_whose_link_is_given_on_request_reads_back_as_one(client, aa):
    make_meeting(
        slug="ask",
        program=aa,
        location=make_location(),
        attendance=Attendance.HYBRID,
        join_on_request=True,
        notes="Side door.",
    )
    item = feed_by_slug(client)["ask"]
    Meeting.objects.all().delete()

    report = import_feed([item], aa)

    assert report.ok, report.lines()
    meeting = Meeting.objects.get()
    assert (meeting.attendance, meeting.join_on_request, meeting.notes) == (Attendance.HYBRID, True, "Side door.")
