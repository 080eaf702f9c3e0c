"""Our BMLT semantic API: the OpenAPI document's shapes, the main filters, and 400 on bad input."""

import datetime as dt

import pytest
from django.urls import reverse

from interop.bmlt import REGION_ID_OFFSET
from meetings.models import Attendance, MeetingType
from tests.factories import make_location, make_meeting, make_region
from tests.interop.helpers import assert_matches_openapi

pytestmark = pytest.mark.django_db

SEARCH = "/client_interface/json/?switcher=GetSearchResults"


@pytest.fixture
def directory(aa, na):
    philly = make_region(slug="philly", name="Philadelphia")
    west = make_region(slug="west-philly", name="West Philadelphia", parent=philly)
    hall = make_location(region=west, latitude=39.9566, longitude=-75.1899)
    far = make_location(latitude=41.8781, longitude=-87.6298, city="Chicago", timezone="America/Chicago")
    open_type = MeetingType.objects.get(code="open")
    women = MeetingType.objects.get(code="women")
    return {
        "sunday": make_meeting(
            slug="sunday",
            name="Sunday Hope",
            program=na,
            weekday=0,
            start_time=dt.time(9, 0),
            location=hall,
            types=[open_type],
        ),
        "monday": make_meeting(
            slug="monday",
            name="Monday Women",
            program=aa,
            weekday=1,
            start_time=dt.time(19, 30),
            location=hall,
            types=[open_type, women],
        ),
        "online": make_meeting(
            slug="online",
            name="Night Owls",
            program=na,
            weekday=1,
            start_time=dt.time(22, 0),
            attendance=Attendance.ONLINE,
            conference_url="https://zoom.us/j/1",
            conference_url_notes="pw 1",
        ),
        "chicago": make_meeting(
            slug="chicago",
            name="Windy City",
            program=aa,
            weekday=3,
            timezone="America/Chicago",
            location=far,
            attendance=Attendance.HYBRID,
            conference_phone="+13125551212",
        ),
        "west": west,
        "women": women,
        "open": open_type,
    }


def search(client, **params):
    response = client.get(reverse("interop:bmlt"), {"switcher": "GetSearchResults", **params})
    assert response.status_code == 200, response.content
    payload = response.json()
    assert_matches_openapi(payload, SEARCH)
    return payload


def names(payload):
    return [item["meeting_name"] for item in payload]


def test_it_lists_meetings_as_bmlt_strings(client, directory):
    payload = search(client)

    assert names(payload) == ["Sunday Hope", "Monday Women", "Night Owls", "Windy City"]
    first = payload[0]
    assert all(isinstance(value, str) for item in payload for value in item.values())
    assert first["weekday_tinyint"] == "1"  # BMLT: 1 = Sunday
    assert first["start_time"] == "09:00:00"
    assert first["duration_time"] == "11:00:00"  # the factory's end_time is 20:00
    assert first["venue_type"] == "1"
    assert first["formats"] == "O"
    assert first["service_body_bigint"] == str(directory["sunday"].program_id)
    assert first["location_municipality"] == "Philadelphia"
    online = payload[2]
    assert (online["venue_type"], online["virtual_meeting_link"], online["latitude"]) == (
        "2",
        "https://zoom.us/j/1",
        "",
    )
    assert payload[3]["venue_type"] == "3"


def test_it_filters_by_weekday_where_1_is_sunday(client, directory):
    assert names(search(client, weekdays="1")) == ["Sunday Hope"]
    assert names(search(client, weekdays="-1,-2")) == ["Windy City"]


def test_it_filters_by_venue_type(client, directory):
    assert names(search(client, venue_types="2")) == ["Night Owls"]
    assert names(search(client, venue_types="1,3")) == ["Sunday Hope", "Monday Women", "Windy City"]


def test_it_filters_by_formats_with_and_or(client, directory):
    both = f"{directory['open'].pk},{directory['women'].pk}"
    assert names(search(client, formats=both)) == ["Monday Women"]
    assert names(search(client, formats=both, formats_comparison_operator="OR")) == ["Sunday Hope", "Monday Women"]
    assert names(search(client, formats=f"-{directory['open'].pk}")) == ["Night Owls", "Windy City"]


def test_it_filters_by_service_body_program_or_region(client, directory):
    assert names(search(client, services=str(directory["online"].program_id))) == ["Sunday Hope", "Night Owls"]
    assert names(search(client, services=str(REGION_ID_OFFSET + directory["west"].parent_id))) == [
        "Sunday Hope",
        "Monday Women",
    ]


def test_it_searches_near_a_point(client, directory):
    payload = search(client, lat_val="39.95", long_val="-75.19", geo_width_km="10", sort_results_by_distance="1")

    assert names(payload) == ["Sunday Hope", "Monday Women"]
    assert float(payload[0]["distance_in_km"]) < 2
    assert names(search(client, lat_val="39.95", long_val="-75.19", geo_width="1000")) == [
        "Sunday Hope",
        "Monday Women",
        "Windy City",
    ]
    # A negative width asks for the N nearest.
    assert names(search(client, lat_val="41.9", long_val="-87.6", geo_width="-1")) == ["Windy City"]


def test_it_filters_by_start_time_and_text(client, directory):
    assert names(search(client, StartsAfterH="19", StartsAfterM="0")) == ["Monday Women", "Night Owls"]
    assert names(search(client, SearchString="owls")) == ["Night Owls"]
    assert names(search(client, SearchString="ow")) == names(search(client))  # too short: ignored, as BMLT does


def test_its_text_search_is_the_search_pages_every_word_anywhere(client, directory):
    assert names(search(client, SearchString="night owls")) == ["Night Owls"]
    assert names(search(client, SearchString="owls sunday")) == []
    assert names(search(client, SearchString="chicago")) == ["Windy City"]  # the place's city
    assert names(search(client, SearchString="narcotics")) == ["Sunday Hope", "Night Owls"]  # the program


def test_it_pages_and_picks_fields(client, directory):
    payload = search(client, page_size="2", page_num="2", data_field_key="id_bigint,meeting_name")

    assert payload == [
        {"id_bigint": str(directory["online"].pk), "meeting_name": "Night Owls"},
        {"id_bigint": str(directory["chicago"].pk), "meeting_name": "Windy City"},
    ]


def test_it_returns_used_formats_with_the_meetings(client, directory):
    payload = search(client, get_used_formats="1", weekdays="2")

    assert names(payload["meetings"]) == ["Monday Women", "Night Owls"]
    assert {entry["key_string"] for entry in payload["formats"]} == {"O", "W"}


def test_it_lists_formats_with_world_ids(client, directory):
    response = client.get(reverse("interop:bmlt"), {"switcher": "GetFormats"})
    payload = response.json()

    assert_matches_openapi(payload, "/client_interface/json/?switcher=GetFormats")
    by_key = {entry["key_string"]: entry for entry in payload}
    assert set(by_key) == {"O", "W"}
    assert (by_key["O"]["world_id"], by_key["O"]["format_type_enum"], by_key["O"]["lang"]) == ("OPEN", "O", "en")
    everything = client.get(reverse("interop:bmlt"), {"switcher": "GetFormats", "show_all": "1"}).json()
    assert len(everything) == MeetingType.objects.count()
    assert "medication-friendly" in {entry["key_string"] for entry in everything}


def test_it_lists_programs_and_regions_as_service_bodies(client, directory):
    payload = client.get(reverse("interop:bmlt"), {"switcher": "GetServiceBodies"}).json()

    assert_matches_openapi(payload, "/client_interface/json/?switcher=GetServiceBodies")
    by_name = {body["name"]: body for body in payload}
    assert by_name["Narcotics Anonymous"]["parent_id"] == "0"
    assert by_name["West Philadelphia"]["parent_id"] == by_name["Philadelphia"]["id"]
    assert int(by_name["Philadelphia"]["id"]) > REGION_ID_OFFSET


def test_it_lists_only_the_service_bodies_asked_for(client, directory):
    philly = REGION_ID_OFFSET + directory["west"].parent_id
    asked = {"switcher": "GetServiceBodies", "services": f"{directory['online'].program_id},{philly}"}
    left_out = {"switcher": "GetServiceBodies", "services": f"-{philly}"}

    assert [body["name"] for body in client.get(reverse("interop:bmlt"), asked).json()] == [
        "Narcotics Anonymous",
        "Philadelphia",
    ]
    assert "Philadelphia" not in {body["name"] for body in client.get(reverse("interop:bmlt"), left_out).json()}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"switcher": "DropTables"}, "Unknown or missing switcher"),
        ({}, "Unknown or missing switcher"),
        ({"switcher": "GetSearchResults", "weekdays": "8"}, "weekdays: 8 is out of range"),
        ({"switcher": "GetSearchResults", "weekdays": "monday"}, "weekdays must be a comma-separated list"),
        ({"switcher": "GetSearchResults", "venue_types": "4"}, "venue_types"),
        ({"switcher": "GetSearchResults", "formats": "1;2"}, "formats must be"),
        ({"switcher": "GetSearchResults", "lat_val": "91", "long_val": "0", "geo_width": "5"}, "lat_val"),
        ({"switcher": "GetSearchResults", "lat_val": "40"}, "Give both lat_val and long_val"),
        ({"switcher": "GetSearchResults", "lat_val": "40", "long_val": "-75"}, "needs geo_width"),
        ({"switcher": "GetSearchResults", "geo_width": "5"}, "need lat_val"),
        ({"switcher": "GetSearchResults", "StartsAfterH": "25"}, "StartsAfterH must be between 0 and 23"),
        ({"switcher": "GetSearchResults", "page_size": "0"}, "page_size"),
        ({"switcher": "GetSearchResults", "page_size": "x"}, "page_size must be a whole number"),
        ({"switcher": "GetSearchResults", "lat_val": "nan", "long_val": "1", "geo_width": "1"}, "lat_val"),
        ({"switcher": "GetSearchResults", "formats_comparison_operator": "XOR"}, "AND or OR"),
        ({"switcher": "GetFormats", "format_ids": "a"}, "format_ids"),
        # Past what the database holds: an error there, so a 400 here rather than a 500.
        ({"switcher": "GetSearchResults", "meeting_ids": "99999999999999999999"}, "meeting_ids: 99999999999999999999"),
        ({"switcher": "GetSearchResults", "services": "-99999999999999999999"}, "services: -99999999999999999999"),
        ({"switcher": "GetSearchResults", "formats": "99999999999999999999"}, "formats: 99999999999999999999"),
        ({"switcher": "GetSearchResults", "SearchString": "hope\x00"}, "NUL"),
        ({"switcher": "GetSearchResults", "page_num": "0"}, "page_num must be between 1"),
    ],
)
def test_it_answers_bad_parameters_with_400(client, directory, params, message):
    response = client.get(reverse("interop:bmlt"), params)

    assert response.status_code == 400
    assert message in response.json()["error"]
    assert_matches_openapi(response.json(), SEARCH, status="400")


@pytest.mark.parametrize("switcher", ["GetServerInfo", "GetFieldKeys"])
def test_it_answers_the_clients_first_questions(client, reference_data, switcher):
    response = client.get(reverse("interop:bmlt"), {"switcher": switcher})

    assert response.status_code == 200
    assert_matches_openapi(response.json(), f"/client_interface/json/?switcher={switcher}")
    assert response.json()


def test_it_accepts_php_style_array_parameters(client, directory):
    response = client.get(f"{reverse('interop:bmlt')}?switcher=GetSearchResults&weekdays[]=1&weekdays[]=4")

    assert names(response.json()) == ["Sunday Hope", "Windy City"]
