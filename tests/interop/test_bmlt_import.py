"""Importing BMLT GetSearchResults responses (bare array and {meetings, formats} envelope)."""

import datetime as dt
import json

import pytest
from django.urls import reverse

from interop.sources import feed_import
from meetings.models import Attendance, Meeting, MeetingType
from tests.factories import make_location, make_meeting
from tests.interop.helpers import assert_matches_openapi

pytestmark = pytest.mark.django_db

SEARCH = "/client_interface/json/?switcher=GetSearchResults"

# The real element quoted in reference/bmlt.md (bmlt-workflow's test fixture), with the trimmed fields filled.
VIRTUAL = {
    "id_bigint": "3277",
    "worldid_mixed": "OLM297",
    "service_body_bigint": "6",
    "weekday_tinyint": "3",
    "venue_type": "2",
    "start_time": "19:00:00",
    "duration_time": "01:00:00",
    "time_zone": "",
    "formats": "JT,LC,VM",
    "longitude": "151.2437",
    "latitude": "-33.9495",
    "meeting_name": "Online Meeting - Maroubra Nightly",
    "location_text": "Online",
    "location_street": "",
    "location_municipality": "Maroubra",
    "location_province": "NSW",
    "location_postal_code_1": "2035",
    "comments": "",
    "contact_email_1": "",
    "virtual_meeting_link": "https://zoom.us/j/5551234",
    "virtual_meeting_additional_info": "Meeting ID: 555 1234 Passcode: 1",
    "root_server_uri": "http://example.org/main_server",
    "format_shared_id_list": "14,40,54",
}
IN_PERSON = {
    "id_bigint": "12",
    "service_body_bigint": "6",
    "weekday_tinyint": "1",
    "venue_type": "1",
    "start_time": "18:30:00",
    "duration_time": "01:30:00",
    "time_zone": "America/New_York",
    "formats": "O,BT,WC",
    "longitude": "-73.9857",
    "latitude": "40.7484",
    "meeting_name": "Sunday Basic Text",
    "location_text": "St. Mary's Hall",
    "location_info": "Side door, basement",
    "location_street": "350 5th Ave",
    "location_municipality": "New York",
    "location_province": "NY",
    "location_postal_code_1": "10118",
    "location_nation": "US",
    "comments": "Bring a Basic Text.",
}
HYBRID = dict(
    IN_PERSON,
    id_bigint="13",
    venue_type="3",
    weekday_tinyint="7",
    meeting_name="Saturday Hybrid",
    formats="C,HY,JT",
    phone_meeting_number="+12125551212",
    start_time="23:30:00",
    duration_time="01:00:00",
)


def run(program, payload, **kwargs):
    return feed_import(data=json.dumps(payload).encode(), format="bmlt", source="bmlt-test", program=program, **kwargs)


def test_the_test_responses_have_the_documented_shape():
    assert_matches_openapi([VIRTUAL, IN_PERSON, HYBRID], SEARCH)


def test_it_imports_a_search_result_field_by_field(na):
    report = run(na, [VIRTUAL, IN_PERSON, HYBRID])

    assert sorted(report.created) == ["12", "13", "3277"]
    sunday = Meeting.objects.get(external_key="12")
    assert (sunday.weekday, sunday.start_time, sunday.end_time) == (0, dt.time(18, 30), dt.time(20, 0))
    assert sunday.attendance == Attendance.IN_PERSON
    assert sunday.location.name == "St. Mary's Hall"
    assert (sunday.location.address, sunday.location.city, sunday.location.postal_code) == (
        "350 5th Ave",
        "New York",
        "10118",
    )
    assert sunday.location.notes == "Side door, basement"
    assert sunday.notes == "Bring a Basic Text."
    assert {t.code for t in sunday.types.all()} == {"open", "basic-text", "wheelchair-access"}

    virtual = Meeting.objects.get(external_key="3277")
    assert virtual.attendance == Attendance.ONLINE
    assert virtual.location is None
    assert virtual.weekday == 2  # BMLT 3 = Tuesday
    # No time zone given: found from the coordinates.
    assert virtual.timezone == "Australia/Sydney"
    assert {t.code for t in virtual.types.all()} == {"just-for-today", "living-clean"}
    assert virtual.conference_url_notes == "Meeting ID: 555 1234 Passcode: 1"

    hybrid = Meeting.objects.get(external_key="13")
    assert (hybrid.attendance, hybrid.weekday, hybrid.end_time) == (Attendance.HYBRID, 6, dt.time(0, 30))
    assert hybrid.conference_phone == "+12125551212"
    assert hybrid.location_id == sunday.location_id


def test_it_maps_formats_by_world_id_from_the_envelope(na):
    # This server calls Open "OP" and uses its own ids; world_id says what they mean.
    formats = [
        {"key_string": "OP", "id": "101", "world_id": "OPEN", "name_string": "Open", "lang": "en"},
        {"key_string": "SPK", "id": "102", "world_id": "SPK", "name_string": "Speaker", "lang": "en"},
    ]
    meeting = dict(IN_PERSON, formats="OP,SPK", format_shared_id_list="101,102")

    run(na, {"meetings": [meeting], "formats": formats})

    assert {t.code for t in Meeting.objects.get().types.all()} == {"open", "speaker"}


def test_it_is_idempotent(na):
    run(na, [VIRTUAL, IN_PERSON, HYBRID])
    stamps = dict(Meeting.objects.values_list("pk", "updated"))

    report = run(na, [VIRTUAL, IN_PERSON, HYBRID])

    assert report.counts()["unchanged"] == 3
    assert dict(Meeting.objects.values_list("pk", "updated")) == stamps


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"weekday_tinyint": "0"}, "is not a weekday (1 = Sunday"),
        ({"weekday_tinyint": 9}, "is not a weekday"),
        ({"start_time": "25:00:00"}, "is not HH:MM:SS"),
        ({"venue_type": "4"}, "venue_type '4'"),
        ({"latitude": "north"}, "must be numbers"),
        ({"meeting_name": ["x"]}, "must be a string"),
        ({"time_zone": "Nowhere/Land"}, "is not a time zone"),
        ({"location_street": ""}, "needs a street address"),
        ({"venue_type": "3", "phone_meeting_number": "", "virtual_meeting_link": ""}, "needs a way to join"),
    ],
)
def test_it_rejects_a_bad_meeting_with_a_reason(na, change, reason):
    report = run(na, [IN_PERSON, dict(HYBRID, **change)])

    assert [r.key for r in report.rejected] == ["13"]
    assert reason in report.rejected[0].reason
    assert report.created == ["12"]


def test_it_refuses_a_response_that_is_not_a_list(na):
    report = run(na, {"error": "Invalid switcher"})

    assert "JSON array" in report.error


def test_it_imports_what_our_own_bmlt_api_serves(client, aa, na):
    hall = make_location(address="350 5th Ave", city="New York", state="NY", postal_code="10118")
    make_meeting(
        slug="ours", name="Ours", program=aa, location=hall, types=list(MeetingType.objects.filter(code="open"))
    )
    make_meeting(slug="ours-online", name="Ours online", program=aa, attendance=Attendance.ONLINE)
    payload = client.get(reverse("interop:bmlt"), {"switcher": "GetSearchResults"}).json()

    report = run(na, payload)

    assert len(report.created) == 2
    copy = Meeting.objects.get(source="bmlt-test", name="Ours")
    assert (copy.location.address, copy.weekday, copy.start_time) == ("350 5th Ave", 2, dt.time(19, 0))
    assert {t.code for t in copy.types.all()} == {"open"}
    assert Meeting.objects.get(source="bmlt-test", name="Ours online").attendance == Attendance.ONLINE
