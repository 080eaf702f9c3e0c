"""What one anonymous request may cost: every list parameter of every public interface, at its cap.

Each request sends the longest list the interface accepts and must be answered with a few queries, the same
number as for a list of one, none of them joining more than a few tables: a join per value made 150 BMLT
formats take 11 s on PostgreSQL and 64 a 500 on SQLite. One value more is refused with 400 and a message.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from groups.models import Program
from interop.bmlt import MAX_VALUES, REGION_ID_OFFSET, SEMANTIC_KEYS
from meetings.models import MeetingType
from referrals.lists import MAX_LENGTH, MAX_MEETINGS
from search.filters import MAX_DAYS, MAX_PROGRAMS, MAX_TYPES
from tests.factories import load_reference_data, make_location, make_meeting, make_region

pytestmark = pytest.mark.django_db

BMLT = "/client_interface/json/"
# Per request, whatever the length of its lists (a cold cache: the search page's choice lists, the demo
# banner's check, each keyword's lookups); per statement, the joins an answer needs (program, group, place, region).
MAX_QUERIES = 12
MAX_JOINS = 4


@pytest.fixture
def directory():
    """The real programs and types, a region with many sub-regions, and meetings with several types each."""
    load_reference_data()
    top = make_region(kind="state")
    regions = [top] + [make_region(parent=top) for _ in range(40)]
    types = list(MeetingType.objects.order_by("pk"))
    for n, program in enumerate(Program.objects.order_by("pk")[:5]):
        make_meeting(
            program=program,
            weekday=n,
            location=make_location(region=regions[n + 1]),
            types=types[n : n + 4],
        )
    return {"regions": regions, "types": types, "programs": list(Program.objects.order_by("pk"))}


def joined(values):
    return ",".join(str(value) for value in values)


def bmlt_lists(directory):
    """{parameter: (switcher, the longest value accepted, a value of one)} for every BMLT list parameter."""
    type_ids = [t.pk for t in directory["types"]]
    services = [p.pk for p in directory["programs"]] + [REGION_ID_OFFSET + r.pk for r in directory["regions"]]
    services += range(REGION_ID_OFFSET + 10**5, REGION_ID_OFFSET + 10**5 + MAX_VALUES["services"] - len(services))
    keys = (SEMANTIC_KEYS * 5)[: MAX_VALUES["data_field_key"]]
    codes = [t.code for t in directory["types"]] * 2
    return {
        "meeting_ids": ("GetSearchResults", joined(range(1, MAX_VALUES["meeting_ids"] + 1)), "1"),
        "weekdays": ("GetSearchResults", joined(range(1, MAX_VALUES["weekdays"] + 1)), "1"),
        "venue_types": ("GetSearchResults", joined(range(1, MAX_VALUES["venue_types"] + 1)), "1"),
        "formats": ("GetSearchResults", joined(type_ids[: MAX_VALUES["formats"]]), str(type_ids[0])),
        # The list of one names the top region, whose sub-regions are looked up too.
        "services": ("GetSearchResults", joined(services), str(REGION_ID_OFFSET + directory["regions"][0].pk)),
        "data_field_key": ("GetSearchResults", joined(keys), keys[0]),
        "format_ids": ("GetFormats", joined((type_ids * 2)[: MAX_VALUES["format_ids"]]), str(type_ids[0])),
        "key_strings": ("GetFormats", joined(codes[: MAX_VALUES["key_strings"]]), codes[0]),
        "sort_keys": ("GetSearchResults", joined((SEMANTIC_KEYS * 2)[: MAX_VALUES["sort_keys"]]), "meeting_name"),
        "root_server_ids": ("GetSearchResults", joined(range(1, MAX_VALUES["root_server_ids"] + 1)), "1"),
    }


def cost(client, path, params=None):
    """(response, captured queries) of one request, its streamed answer read to the end."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path, params)
        if response.streaming:
            b"".join(response.streaming_content)
    return response, captured.captured_queries


def assert_cheap(queries):
    assert len(queries) <= MAX_QUERIES, [query["sql"][:120] for query in queries]
    for query in queries:
        assert query["sql"].upper().count(" JOIN ") <= MAX_JOINS, query["sql"][:500]


@pytest.mark.parametrize(
    "name",
    [
        *("meeting_ids", "weekdays", "venue_types", "formats", "services", "data_field_key", "format_ids"),
        *("sort_keys", "root_server_ids"),
    ],
)
def test_a_bmlt_list_at_its_cap_costs_what_a_list_of_one_costs(client, directory, name):
    switcher, value, value_of_one = bmlt_lists(directory)[name]

    one, one_queries = cost(client, BMLT, {"switcher": switcher, name: value_of_one})
    full, full_queries = cost(client, BMLT, {"switcher": switcher, name: value})

    assert (one.status_code, full.status_code) == (200, 200), full.content[:300]
    assert_cheap(full_queries)
    assert len(full_queries) <= len(one_queries)


@pytest.mark.parametrize("operator", ["AND", "OR"])
@pytest.mark.parametrize("sign", ["", "-"])
def test_every_formats_search_at_the_cap_reads_the_meetings_without_a_join_per_format(
    client, directory, operator, sign
):
    type_ids = [t.pk for t in directory["types"]][: MAX_VALUES["formats"]]
    value = ",".join(f"{sign}{pk}" for pk in type_ids)

    response, queries = cost(
        client, BMLT, {"switcher": "GetSearchResults", "formats": value, "formats_comparison_operator": operator}
    )

    assert response.status_code == 200
    assert_cheap(queries)
    assert not any('JOIN "meetings_meeting_types"' in query["sql"] for query in queries)


def test_every_bmlt_list_at_its_cap_at_once(client, directory):
    lists = bmlt_lists(directory)
    for switcher in ("GetSearchResults", "GetFormats"):
        params = {name: value for name, (used_by, value, _) in lists.items() if used_by == switcher}
        response, queries = cost(client, BMLT, {"switcher": switcher, **params})

        assert response.status_code == 200, response.content[:300]
        assert_cheap(queries)


def test_service_bodies_with_services_at_the_cap(client, directory):
    _, services, _ = bmlt_lists(directory)["services"]

    response, queries = cost(client, BMLT, {"switcher": "GetServiceBodies", "services": services})

    assert response.status_code == 200
    assert len(response.json()) == len(directory["programs"]) + len(directory["regions"])
    assert_cheap(queries)


@pytest.mark.parametrize(
    "name",
    [
        *("meeting_ids", "weekdays", "venue_types", "formats", "services", "data_field_key", "format_ids"),
        *("sort_keys", "root_server_ids"),
    ],
)
def test_one_value_over_a_bmlt_cap_is_refused_with_400(client, directory, name):
    switcher, value, value_of_one = bmlt_lists(directory)[name]
    over = value + "," + value_of_one

    response, queries = cost(client, BMLT, {"switcher": switcher, name: over})

    assert response.status_code == 400
    limit = MAX_VALUES[name]
    assert response.json()["error"] == f"{name} may hold at most {limit} values, not {limit + 1}."
    assert queries == []


def test_meeting_key_values_at_their_cap_are_one_in_list_and_one_more_is_refused(client, directory):
    values = [f"Meeting {n}" for n in range(MAX_VALUES["meeting_key_value"])]
    params = {"switcher": "GetSearchResults", "meeting_key": "meeting_name", "meeting_key_value[]": values}

    response, queries = cost(client, BMLT, params)
    assert response.status_code == 200
    assert_cheap(queries)
    over, queries = cost(client, BMLT, {**params, "meeting_key_value[]": [*values, "one more"]})
    assert over.status_code == 400
    assert queries == []


def test_service_bodies_at_the_cap_with_parents_and_children(client, directory):
    _, services, _ = bmlt_lists(directory)["services"]

    params = {"switcher": "GetServiceBodies", "services": services, "recursive": "1", "parents": "1"}
    response, queries = cost(client, BMLT, params)

    assert response.status_code == 200
    assert_cheap(queries)


def test_key_strings_over_the_cap_are_refused_with_400(client, directory):
    _, value, _ = bmlt_lists(directory)["key_strings"]

    response = client.get(BMLT, {"switcher": "GetFormats", "key_strings": value + ",O"})

    assert response.status_code == 400
    assert "key_strings may hold at most" in response.json()["error"]


def test_service_bodies_over_the_cap_are_refused_with_400(client, directory):
    _, value, _ = bmlt_lists(directory)["services"]

    response = client.get(BMLT, {"switcher": "GetServiceBodies", "services": value + ",1"})

    assert response.status_code == 400
    assert "services may hold at most" in response.json()["error"]


def search_lists(directory):
    """The search page's repeated parameters, each at its cap (duplicates count: they are what a script sends)."""
    slugs = [p.slug for p in directory["programs"]]
    codes = [t.code for t in directory["types"] if t.category != MeetingType.Category.LANGUAGE]
    return {
        "program": (slugs * 2)[:MAX_PROGRAMS],
        "type": codes[:MAX_TYPES],
        "day": (["today"] + [str(day) for day in range(7)])[:MAX_DAYS],
    }


@pytest.mark.parametrize("path", ["/meetings/", "/api/meetings"])
def test_the_search_with_every_repeated_parameter_at_its_cap(client, directory, path):
    response, queries = cost(client, path, search_lists(directory))

    assert response.status_code == 200
    assert_cheap(queries)


@pytest.mark.parametrize("name", ["program", "type", "day"])
def test_the_search_page_refuses_one_value_over_a_cap_with_its_error_list(client, directory, name):
    lists = search_lists(directory)
    lists[name] = lists[name] + lists[name][:1]

    page = client.get("/meetings/", lists)
    api = client.get("/api/meetings", lists)

    assert (page.status_code, api.status_code) == (400, 400)
    assert 'id="search-errors"' in page.content.decode()
    limit = len(lists[name]) - 1
    assert f"Choose at most {limit} ({limit + 1} were chosen)." in " ".join(api.json()["errors"])


def test_a_referral_list_at_its_cap(client, directory):
    ids = "-".join(str(n) for n in range(1, MAX_MEETINGS + 1))

    response, queries = cost(client, f"/list/{ids}/")

    assert response.status_code in (200, 404)  # most of these ids are not meetings
    assert_cheap(queries)


def test_a_referral_list_past_its_length_is_refused_with_400(client, directory):
    ids = "-".join(["123456789012"] * (MAX_LENGTH // 13 + 1))

    assert client.get(f"/list/{ids}/").status_code == 400
