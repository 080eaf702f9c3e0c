"""GetSearchResults with page_size: one LIMIT/OFFSET query, whatever the number of meetings, in a stable order."""

import datetime as dt

import pytest
from django.urls import reverse

from meetings.models import MeetingType
from tests.factories import make_location, make_meeting, make_program

pytestmark = pytest.mark.django_db


def get(client, **params):
    response = client.get(reverse("interop:bmlt"), {"switcher": "GetSearchResults", **params})
    assert response.status_code == 200, response.content
    assert not response.streaming
    return response.json()


def ids(payload):
    return [item["id_bigint"] for item in payload]


def add_meetings(count, *, program):
    """Meetings at places spread north of Philadelphia; several share a weekday and hour, so the id breaks ties."""
    types = list(MeetingType.objects.filter(code__in=["open", "closed", "women"]).order_by("pk"))
    for n in range(count):
        make_meeting(
            program=program,
            weekday=n % 3,
            start_time=dt.time(18 + n % 2, 0),
            location=make_location(latitude=39.95 + n * 0.01, longitude=-75.19),
            types=[types[n % len(types)]],
        )


@pytest.fixture
def program(reference_data):
    return make_program()


def test_it_reads_a_page_with_limit_and_offset_in_a_fixed_number_of_queries(
    client, program, django_assert_num_queries
):
    add_meetings(6, program=program)
    with django_assert_num_queries(2) as few:
        assert len(get(client, page_size="3", page_num="2")) == 3

    add_meetings(30, program=program)
    with django_assert_num_queries(2) as many:
        assert len(get(client, page_size="3", page_num="2")) == 3

    # The formats, then the page itself: the database skips and stops, no meeting outside the page is read.
    for queries in (few, many):
        assert "LIMIT 3 OFFSET 3" in queries.captured_queries[-1]["sql"]


def test_it_reads_a_page_near_a_point_in_a_fixed_number_of_queries(client, program, django_assert_num_queries):
    add_meetings(20, program=program)
    near = {"lat_val": "39.95", "long_val": "-75.19", "geo_width_km": "50", "sort_results_by_distance": "1"}

    with django_assert_num_queries(2) as queries:
        page = get(client, page_size="4", page_num="3", **near)

    assert "LIMIT 4 OFFSET 8" in queries.captured_queries[-1]["sql"]
    assert [float(item["distance_in_km"]) for item in page] == sorted(float(item["distance_in_km"]) for item in page)


@pytest.mark.parametrize(
    "search",
    [
        {},
        {"weekdays": "1,2"},
        {"lat_val": "39.95", "long_val": "-75.19", "geo_width_km": "20"},
        {"lat_val": "39.95", "long_val": "-75.19", "geo_width_km": "50", "sort_results_by_distance": "1"},
        {"lat_val": "40.05", "long_val": "-75.19", "geo_width": "-11"},
    ],
)
def test_it_pages_through_the_same_meetings_in_the_same_order_as_the_whole_answer(client, program, search):
    add_meetings(25, program=program)
    whole = get(client, **search)

    pages = [get(client, page_size="4", page_num=str(number), **search) for number in range(1, 9)]

    assert len(whole) > 4
    assert [item for page in pages for item in page] == whole
    assert pages[-1] == []


def test_it_lists_the_formats_of_the_page_only(client, program):
    add_meetings(6, program=program)
    whole = get(client, get_used_formats="1")

    page = get(client, get_used_formats="1", page_size="1", page_num="2")

    assert len(whole["formats"]) == 3
    assert ids(page["meetings"]) == ids(whole["meetings"][1:2])
    assert [entry["id"] for entry in page["formats"]] == page["meetings"][0]["format_shared_id_list"].split(",")
