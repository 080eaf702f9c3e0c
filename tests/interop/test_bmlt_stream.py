"""GetSearchResults without page_size: every meeting, streamed in batches when the answer is large."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core import geo
from interop import bmlt
from meetings.models import Attendance, Meeting, MeetingType, Status
from tests.factories import make_location, make_meeting, make_program
from tests.interop.helpers import assert_matches_openapi

pytestmark = pytest.mark.django_db

ROOT_URI = "http://testserver"


@pytest.fixture
def small_batches(monkeypatch):
    """Batches of three, so a few meetings make a "large" answer."""
    monkeypatch.setattr(bmlt, "BATCH_SIZE", 3)


@pytest.fixture
def directory(aa, na):
    """Eight listed meetings of every shape, and two that are not listed."""
    types = {code: MeetingType.objects.get(code=code) for code in ("open", "closed", "women", "medication-friendly")}
    hall = make_location(name="Église Saint-Jean <b>", notes="Side door & stairs")
    chapel = make_location(name="Chapel", address="", latitude=39.98, longitude=-75.15, postal_code="19122")
    meetings = [
        make_meeting(name="Café Hope", program=na, weekday=0, start_time=dt.time(9, 0), location=hall, types=[]),
        make_meeting(
            name="Women & Friends",
            program=aa,
            weekday=1,
            start_time=dt.time(19, 30),
            end_time=None,
            location=hall,
            types=[types["women"], types["closed"], types["medication-friendly"]],
            notes="Ring the bell.\nUpstairs.",
        ),
        make_meeting(
            name="Night Owls",
            program=na,
            weekday=1,
            start_time=dt.time(22, 0),
            end_time=dt.time(0, 30),
            attendance=Attendance.ONLINE,
            conference_url="https://zoom.us/j/1",
            conference_url_notes="pw 1",
            conference_phone="+1 555 0100",
            conference_phone_notes="ext 9",
            types=[types["open"]],
        ),
        make_meeting(
            name="Hybrid Step",
            program=aa,
            weekday=1,
            start_time=dt.time(19, 30),
            location=chapel,
            attendance=Attendance.HYBRID,
            types=[types["open"], types["women"]],
        ),
        make_meeting(name="Shut for now", program=aa, weekday=3, location=chapel, status=Status.TEMPORARILY_CLOSED),
        *(make_meeting(name=f"Saturday {n}", program=na, weekday=6, location=chapel) for n in range(3)),
    ]
    # Types only unlisted meetings have, so a format list that counted them would show M or Y.
    make_meeting(name="Gone", program=aa, status=Status.INACTIVE, types=[MeetingType.objects.get(code="men")])
    deleted = make_meeting(name="Deleted", program=aa, types=[MeetingType.objects.get(code="young-people")])
    Meeting.objects.filter(pk=deleted.pk).update(deleted_at=timezone.now())
    return meetings


def expected_item(meeting, *, distance_km=None):
    """What BMLT says of a meeting, worked out from the model instance and its link table."""
    formats = bmlt.format_table()
    location = meeting.location
    type_ids = {t.pk for t in meeting.types.all()}
    if meeting.status == Status.TEMPORARILY_CLOSED:
        # BMLT's TC format marks a temporarily closed meeting.
        type_ids.add(MeetingType.objects.get(code="location-temporarily-closed").pk)
    type_ids = sorted(type_ids)
    keys = sorted((formats[pk].key_string for pk in type_ids), key=lambda key: key not in ("O", "C"))
    minutes = meeting.duration_minutes
    item = {
        "id_bigint": str(meeting.pk),
        "worldid_mixed": "",
        "shared_group_id_bigint": str(meeting.group_id or ""),
        "service_body_bigint": str(meeting.program_id),
        "service_body_name": meeting.program.name,
        "weekday_tinyint": str(meeting.weekday + 1),
        "venue_type": {"in_person": "1", "online": "2", "hybrid": "3"}[meeting.attendance],
        "start_time": meeting.start_time.strftime("%H:%M:%S"),
        "duration_time": f"{minutes // 60:02d}:{minutes % 60:02d}:00",
        "time_zone": meeting.timezone,
        "formats": ",".join(keys),
        "lang_enum": "en",
        "longitude": str(location.longitude) if location else "",
        "latitude": str(location.latitude) if location else "",
        "meeting_name": meeting.name,
        "location_text": location.name if location else "",
        "location_info": location.notes if location else "",
        "location_street": location.address if location else "",
        "location_city_subsection": "",
        "location_neighborhood": "",
        "location_municipality": location.city if location else "",
        "location_sub_province": "",
        "location_province": location.state if location else "",
        "location_postal_code_1": location.postal_code if location else "",
        "location_nation": location.country if location else "",
        "comments": meeting.notes,
        "train_lines": "",
        "bus_lines": "",
        "phone_meeting_number": meeting.conference_phone,
        "virtual_meeting_link": meeting.conference_url,
        "virtual_meeting_additional_info": " ".join(
            part for part in (meeting.conference_url_notes, meeting.conference_phone_notes) if part
        ),
        "contact_name_1": "",
        "contact_phone_1": "",
        "contact_email_1": "",
        "published": "1",
        "root_server_uri": ROOT_URI,
        "format_shared_id_list": ",".join(str(pk) for pk in type_ids),
    }
    if distance_km is not None:
        item["distance_in_km"] = f"{distance_km:.4f}"
        item["distance_in_miles"] = f"{distance_km / 1.609344:.4f}"
    return item


def in_day_order(meetings):
    """BMLT's default order: weekday_tinyint, start_time, duration_time (then id, so pages never overlap)."""
    return sorted(meetings, key=lambda m: (m.weekday, m.start_time, m.duration_minutes, m.pk))


def get(client, **params):
    return client.get(reverse("interop:bmlt"), {"switcher": "GetSearchResults", **params})


def body(response):
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_it_streams_a_large_answer_byte_for_byte_as_one_response_would_be(client, directory, small_batches):
    response = get(client)

    assert response.streaming
    assert response["Content-Type"] == "application/json"
    assert response["Access-Control-Allow-Origin"] == "*"
    expected = [expected_item(m) for m in in_day_order(directory)]
    # json.dumps is what JsonResponse writes: ", " between items, and non-ASCII and <&> as \u escapes or as typed.
    assert body(response) == json.dumps(expected).encode()
    assert_matches_openapi(expected, "/client_interface/json/?switcher=GetSearchResults")


def test_it_streams_the_used_formats_after_the_meetings(client, directory, small_batches):
    response = get(client, get_used_formats="1")

    assert response.streaming
    formats = bmlt.format_table()
    closed = MeetingType.objects.get(code="location-temporarily-closed").pk
    used = sorted({t.pk for m in directory for t in m.types.all()} | {closed})
    expected = {
        "meetings": [expected_item(m) for m in in_day_order(directory)],
        "formats": [formats[pk].as_semantic(ROOT_URI) for pk in used],
    }
    assert body(response) == json.dumps(expected).encode()
    keys = {entry["key_string"] for entry in expected["formats"]}
    assert keys == {"O", "C", "W", "medication-friendly", "TC"}


def test_it_streams_a_search_near_a_point_with_distances(client, directory, small_batches):
    centre = (39.95, -75.19)
    response = get(client, lat_val=str(centre[0]), long_val=str(centre[1]), geo_width_km="10")

    assert response.streaming
    in_person = [m for m in in_day_order(directory) if m.location is not None]
    expected = [
        expected_item(m, distance_km=geo.distance_km(*centre, m.location.latitude, m.location.longitude))
        for m in in_person
    ]
    assert body(response) == json.dumps(expected).encode()


def test_it_answers_an_answer_smaller_than_a_batch_in_one_piece(client, directory, small_batches):
    response = get(client, weekdays="1,4")

    assert not response.streaming
    assert response["Content-Length"] == str(len(response.content))
    expected = [expected_item(m) for m in in_day_order(directory) if m.weekday in (0, 3)]
    assert len(expected) == 2
    assert response.content == json.dumps(expected).encode()


def test_it_reads_a_streamed_answer_without_a_query_per_batch(client, directory, small_batches):
    program = make_program()
    open_type = MeetingType.objects.get(code="open")
    for n in range(10):
        make_meeting(name=f"More {n}", program=program, weekday=n % 7, types=[open_type])

    # The types come from each row's own copy (Meeting.type_ids), so batches do not prefetch the link table.
    with CaptureQueriesContext(connection) as queries:
        streamed = json.loads(body(get(client)))

    assert len(streamed) == len(directory) + 10
    assert len(queries) == 2  # the formats, then the meetings through one cursor


def test_it_writes_a_batch_at_a_time_as_the_answer_is_sent(client, directory, small_batches, monkeypatch):
    written, item = [], bmlt.SemanticWriter.item

    def counted(writer, row):
        written.append(row["pk"])
        return item(writer, row)

    monkeypatch.setattr(bmlt.SemanticWriter, "item", counted)

    response = get(client)
    assert len(written) == 3  # only the first batch, read to see whether the answer is large
    chunks = iter(response.streaming_content)
    next(chunks), next(chunks), next(chunks)  # "[", the first batch, and the second as it is asked for
    assert len(written) == 6

    list(chunks)
    assert written == [m.pk for m in in_day_order(directory)]


def test_it_lists_the_formats_of_a_whole_answer_only(client, directory, small_batches):
    response = get(client, get_formats_only="1")

    assert not response.streaming
    # The listed meetings' types, by id; the inactive and the deleted meeting's types (M, YP) do not count.
    # BMLT's shape: {"formats": [...]}; the temporarily closed meeting brings TC.
    closed = MeetingType.objects.get(code="location-temporarily-closed").pk
    used = sorted({t.pk for m in directory for t in m.types.all()} | {closed})
    assert response.json() == {"formats": [bmlt.format_table()[pk].as_semantic(ROOT_URI) for pk in used]}
    keys = {entry["key_string"] for entry in response.json()["formats"]}
    assert keys == {"O", "C", "W", "medication-friendly", "TC"}


def test_it_checks_every_parameter_before_it_streams(client, directory, small_batches):
    response = get(client, page_num="first")

    assert response.status_code == 400
    assert not response.streaming
    assert "page_num must be a whole number" in response.json()["error"]
