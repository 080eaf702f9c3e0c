"""Our semantic interface against bmlt-server's documented behaviour (SwitcherController, 4.2.7), parameter by
parameter: the endpoints crouton calls, the shapes of its flags, BMLT's lists, times, keys and switchers."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from interop.bmlt import MAX_CHANGES, REGION_ID_OFFSET, SEMANTIC_KEYS
from meetings.models import Attendance, Meeting, MeetingType, Status
from tests.factories import make_location, make_meeting, make_region
from tests.interop.helpers import assert_matches_openapi

pytestmark = pytest.mark.django_db

JSON = "/client_interface/json/"
JSONP = "/client_interface/jsonp/"
ROOT_URI = "http://testserver"


@pytest.fixture
def directory(aa, na):
    state = make_region(slug="pa", name="Pennsylvania", kind="state")
    philly = make_region(slug="philly", name="Philadelphia", parent=state)
    west = make_region(slug="west-philly", name="West Philadelphia", parent=philly)
    hall = make_location(region=west, latitude=39.9566, longitude=-75.1899, city="Philadelphia", state="PA")
    chicago = make_location(
        latitude=41.8781, longitude=-87.6298, city="Chicago", state="IL", timezone="America/Chicago"
    )
    types = {code: MeetingType.objects.get(code=code) for code in ("open", "closed", "women", "speaker-discussion")}
    return {
        "sunday": make_meeting(
            name="Sunday Hope",
            program=na,
            weekday=0,
            start_time=dt.time(9, 0),
            end_time=dt.time(10, 30),
            location=hall,
            types=[types["open"], types["speaker-discussion"]],
        ),
        "monday": make_meeting(
            name="Monday Women",
            program=aa,
            weekday=1,
            start_time=dt.time(19, 30),
            end_time=dt.time(20, 30),
            location=hall,
            types=[types["closed"], types["women"]],
        ),
        "on_request": make_meeting(
            name="Ask for the Link",
            program=na,
            weekday=1,
            start_time=dt.time(21, 0),
            end_time=dt.time(23, 0),
            attendance=Attendance.ONLINE,
            join_on_request=True,
            conference_url_notes="E-mail the group for the link.",
            conference_phone_notes="E-mail the group for the link.",
        ),
        "closed": make_meeting(
            name="Shut for Now",
            program=aa,
            weekday=3,
            start_time=dt.time(12, 0),
            end_time=dt.time(12, 45),
            location=chicago,
            timezone="America/Chicago",
            status=Status.TEMPORARILY_CLOSED,
            types=[types["open"]],
        ),
        "regions": (state, philly, west),
    }


def get(client, path=JSON, **params):
    return client.get(path, params)


def search(client, **params):
    response = get(client, switcher="GetSearchResults", **params)
    assert response.status_code == 200, response.content
    return response.json()


def names(items):
    return [item["meeting_name"] for item in items]


def assert_all_strings(value):
    """BMLT sends every value as a string (GetServerInfo's aggregator flag aside)."""
    if isinstance(value, dict):
        for item in value.values():
            assert_all_strings(item)
    elif isinstance(value, list):
        for item in value:
            assert_all_strings(item)
    else:
        assert isinstance(value, str), value


# -- endpoints -----------------------------------------------------------------------------------------------


def test_jsonp_wraps_the_answer_in_the_callback_as_javascript(client, directory):
    response = get(client, JSONP, switcher="GetSearchResults", callback="jsonp_1733_42", get_used_formats="")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    text = response.content.decode()
    assert text.startswith("/**/jsonp_1733_42({") and text.endswith("});")


def test_jsonp_calls_the_function_named_callback_by_default(client, directory):
    text = get(client, JSONP, switcher="GetServerInfo").content.decode()

    assert text.startswith("/**/callback([{")


def test_jsonp_streams_a_large_answer_inside_the_callback(client, directory, monkeypatch):
    monkeypatch.setattr("interop.bmlt.BATCH_SIZE", 1)
    response = get(client, JSONP, switcher="GetSearchResults", callback="cb")

    assert response.streaming
    text = b"".join(response.streaming_content).decode()
    assert text.startswith("/**/cb([{") and text.endswith("]);")
    assert text.count('"id_bigint"') == 4


@pytest.mark.parametrize(
    "callback", ["alert(1)", "a b", "1abc", "x;y", "</script>", "a" * 300, "é", "a..b", "a.b.c.d.e.f"]
)
def test_a_callback_that_is_not_a_function_name_is_refused(client, directory, callback):
    response = get(client, JSONP, switcher="GetServerInfo", callback=callback)

    assert response.status_code == 400
    assert "callback must be a JavaScript function name" in response.json()["error"]


def test_the_doubled_slash_of_a_root_url_ending_in_slash_is_served(client, directory):
    for path in ("//client_interface/jsonp/", "///client_interface/json/"):
        # PATH_INFO as the server receives it: the test client would read "//host" as a host.
        response = client.get("/", {"switcher": "GetServerInfo", "callback": "cb"}, PATH_INFO=path)
        assert response.status_code == 200, path


def test_an_unknown_switcher_gets_a_json_error_not_a_500(client, directory):
    for switcher in ("GetNothing", "", "GetSearchResults\x00"):
        response = get(client, JSONP, switcher=switcher)
        assert response.status_code == 400
        assert "Unknown or missing switcher" in response.json()["error"]
        assert response["Access-Control-Allow-Origin"] == "*"


# -- shapes --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["", "1", "0", "yes"])
def test_get_used_formats_counts_by_being_present_with_any_value(client, directory, value):
    payload = search(client, get_used_formats=value)

    assert set(payload) == {"meetings", "formats"}
    assert names(payload["meetings"]) == ["Sunday Hope", "Monday Women", "Ask for the Link", "Shut for Now"]
    assert {entry["key_string"] for entry in payload["formats"]} == {"O", "C", "W", "SD", "TC"}


@pytest.mark.parametrize("value", ["", "1"])
def test_get_formats_only_answers_with_the_formats_alone(client, directory, value):
    payload = search(client, get_formats_only=value, weekdays="2")

    assert list(payload) == ["formats"]
    assert {entry["key_string"] for entry in payload["formats"]} == {"C", "W"}


def test_every_format_carries_the_root_server_uri_the_meetings_carry(client, directory):
    payload = search(client, get_used_formats="")
    formats = get(client, switcher="GetFormats").json()

    assert {item["root_server_uri"] for item in payload["meetings"]} == {ROOT_URI}
    assert {entry["root_server_uri"] for entry in payload["formats"] + formats} == {ROOT_URI}


def test_every_value_is_a_string(client, directory):
    for switcher in ("GetSearchResults", "GetFormats", "GetServiceBodies", "GetFieldKeys", "GetCoverageArea"):
        assert_all_strings(get(client, switcher=switcher).json())
    assert_all_strings(get(client, switcher="GetFieldValues", meeting_key="weekday_tinyint").json())
    assert_all_strings(get(client, switcher="GetChanges").json())
    info = get(client, switcher="GetServerInfo").json()[0]
    assert_all_strings({key: value for key, value in info.items() if key != "aggregator_mode_enabled"})


def test_the_search_matches_bmlts_openapi(client, directory):
    assert_matches_openapi(search(client), "/client_interface/json/?switcher=GetSearchResults")


# -- data as BMLT has it ---------------------------------------------------------------------------------------


def test_a_temporarily_closed_meeting_carries_tc(client, directory):
    closed = search(client, meeting_ids=str(directory["closed"].pk))[0]
    closed_id = MeetingType.objects.get(code="location-temporarily-closed").pk

    assert closed["formats"].split(",") == ["O", "TC"]
    assert str(closed_id) in closed["format_shared_id_list"].split(",")


def test_virtual_meeting_notes_say_each_piece_of_text_once(client, directory):
    item = search(client, meeting_ids=str(directory["on_request"].pk))[0]

    assert item["venue_type"] == "2"
    assert item["virtual_meeting_additional_info"] == "E-mail the group for the link."


def test_speaker_discussion_is_sd_and_not_speaker_only(client, directory):
    item = search(client, meeting_ids=str(directory["sunday"].pk))[0]

    assert item["formats"] == "O,SD"


# -- lists ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,values,expected",
    [
        ("weekdays", ["1"], ["Sunday Hope"]),
        ("weekdays", ["-1", "-2"], ["Shut for Now"]),
        ("venue_types", ["2"], ["Ask for the Link"]),
        ("venue_types", ["-1"], ["Ask for the Link"]),
    ],
)
def test_lists_take_both_the_comma_and_the_array_form_with_negatives_excluding(
    client, directory, name, values, expected
):
    as_commas = search(client, **{name: ",".join(values)})
    as_array = client.get(JSON, [("switcher", "GetSearchResults"), *((f"{name}[]", v) for v in values)]).json()

    assert names(as_commas) == names(as_array) == expected


def test_meeting_ids_formats_and_services_take_both_forms(client, directory, na):
    ids = [directory["sunday"].pk, directory["closed"].pk]
    women = MeetingType.objects.get(code="women").pk
    assert names(search(client, meeting_ids=f"{ids[0]},{ids[1]}")) == ["Sunday Hope", "Shut for Now"]
    assert names(search(client, **{"meeting_ids[]": [str(i) for i in ids]})) == ["Sunday Hope", "Shut for Now"]
    assert names(search(client, meeting_ids=f"-{ids[0]}")) == ["Monday Women", "Ask for the Link", "Shut for Now"]
    assert names(search(client, **{"formats[]": [str(women)]})) == ["Monday Women"]
    assert names(search(client, formats=f"-{women}")) == ["Sunday Hope", "Ask for the Link", "Shut for Now"]
    assert names(search(client, **{"services[]": [str(na.pk)]})) == ["Sunday Hope", "Ask for the Link"]
    assert names(search(client, services=f"-{na.pk}")) == ["Monday Women", "Shut for Now"]


def test_formats_comparison_operator_and_or(client, directory):
    open_id, women = (MeetingType.objects.get(code=code).pk for code in ("open", "women"))

    assert names(search(client, formats=f"{open_id},{women}")) == []
    both = search(client, formats=f"{open_id},{women}", formats_comparison_operator="OR")
    assert names(both) == ["Sunday Hope", "Monday Women", "Shut for Now"]


def test_services_of_a_region_with_recursive(client, directory):
    state, _, west = directory["regions"]
    in_state = search(client, services=str(REGION_ID_OFFSET + state.pk), recursive="1")

    assert names(in_state) == ["Sunday Hope", "Monday Women"]
    assert names(search(client, services=str(REGION_ID_OFFSET + west.pk))) == ["Sunday Hope", "Monday Women"]


# -- times, keys, sorting --------------------------------------------------------------------------------------


def test_weekday_tinyint_is_1_for_sunday_in_output_filter_and_meeting_key(client, directory):
    assert search(client, meeting_ids=str(directory["sunday"].pk))[0]["weekday_tinyint"] == "1"
    assert names(search(client, meeting_key="weekday_tinyint", meeting_key_value="1")) == ["Sunday Hope"]
    values = get(client, switcher="GetFieldValues", meeting_key="weekday_tinyint").json()
    assert {entry["weekday_tinyint"]: entry["ids"] for entry in values}["1"] == str(directory["sunday"].pk)


def test_starts_after_before_and_ends_before(client, directory):
    assert names(search(client, StartsAfterH="12")) == ["Monday Women", "Ask for the Link"]
    assert names(search(client, StartsBeforeH="12", StartsBeforeM="30")) == ["Sunday Hope", "Shut for Now"]
    assert names(search(client, EndsBeforeH="20", EndsBeforeM="45")) == ["Sunday Hope", "Monday Women", "Shut for Now"]


def test_min_and_max_duration(client, directory):
    assert names(search(client, MinDurationH="1", MinDurationM="30")) == ["Sunday Hope", "Ask for the Link"]
    assert names(search(client, MaxDurationH="1")) == ["Monday Women", "Shut for Now"]
    assert names(search(client, MinDurationH="1", MaxDurationM="59")) == []


def test_meeting_key_matches_one_field_exactly(client, directory):
    assert names(search(client, meeting_key="location_municipality", meeting_key_value="Chicago")) == ["Shut for Now"]
    assert names(search(client, meeting_key="start_time", meeting_key_value="19:30")) == ["Monday Women"]
    assert names(search(client, meeting_key="venue_type", meeting_key_value="2")) == ["Ask for the Link"]
    pair = search(client, meeting_key="meeting_name", **{"meeting_key_value[]": ["Sunday Hope", "Shut for Now"]})
    assert names(pair) == ["Sunday Hope", "Shut for Now"]
    # BMLT: a key without a value matches nothing.
    assert search(client, meeting_key="meeting_name") == []


def test_data_field_key_returns_only_those_fields_in_that_order(client, directory):
    items = search(client, data_field_key="meeting_name,weekday_tinyint")

    assert [list(item) for item in items] == [["meeting_name", "weekday_tinyint"]] * 4


def test_sort_keys_and_the_sort_key_aliases(client, directory):
    assert names(search(client, sort_keys="meeting_name")) == [
        "Ask for the Link",
        "Monday Women",
        "Shut for Now",
        "Sunday Hope",
    ]
    by_town = names(search(client, sort_key="town"))
    # Online meetings have no town; then Chicago before Philadelphia.
    assert by_town[-2:] == ["Sunday Hope", "Monday Women"] and "Shut for Now" in by_town[:2]
    assert names(search(client)) == ["Sunday Hope", "Monday Women", "Ask for the Link", "Shut for Now"]
    # weekday, then town: the online meeting (no town) first on Monday.
    by_weekday = ["Sunday Hope", "Ask for the Link", "Monday Women", "Shut for Now"]
    assert (
        names(search(client, sort_key="weekday"))
        == names(search(client, sort_keys="weekday_tinyint,location_municipality"))
        == by_weekday
    )


def test_search_string_as_an_address_is_found_in_our_gazetteer(client, directory):
    near_chicago = search(client, SearchString="Chicago, IL", StringSearchIsAnAddress="1", SearchStringRadius="25")
    assert names(near_chicago) == ["Shut for Now"]
    nearest = search(client, SearchString="19104", StringSearchIsAnAddress="1", data_field_key="meeting_name")
    assert names(nearest)[:2] == ["Sunday Hope", "Monday Women"]


def test_search_string_as_words(client, directory):
    assert names(search(client, SearchString="Women")) == ["Monday Women"]
    assert len(search(client, SearchString="Wo")) == 4  # BMLT ignores fewer than three characters


def test_lang_enum_picks_spanish_format_names_where_we_have_them(client, directory):
    women = MeetingType.objects.get(code="women")
    spanish = {entry["key_string"]: entry for entry in get(client, switcher="GetFormats", lang_enum="es").json()}

    assert spanish["W"]["name_string"] == (women.name_es or women.name)
    assert spanish["W"]["lang"] == ("es" if women.name_es else "en")


# -- switchers -----------------------------------------------------------------------------------------------


def test_get_formats_with_key_strings_in_both_forms(client, directory):
    # crouton asks for TC, VM and HY by key to draw its badges.
    by_array = client.get(JSON, [("switcher", "GetFormats"), ("key_strings[]", "TC"), ("key_strings[]", "W")]).json()

    assert sorted(entry["key_string"] for entry in by_array) == ["TC", "W"]
    assert [entry["key_string"] for entry in get(client, switcher="GetFormats", key_strings="TC").json()] == ["TC"]


def test_get_service_bodies_with_parents_and_recursive(client, directory):
    state, philly, west = directory["regions"]

    def ids(**params):
        return {body["id"] for body in get(client, switcher="GetServiceBodies", **params).json()}

    assert ids(services=str(REGION_ID_OFFSET + philly.pk)) == {str(REGION_ID_OFFSET + philly.pk)}
    assert ids(services=str(REGION_ID_OFFSET + philly.pk), recursive="1") == {
        str(REGION_ID_OFFSET + philly.pk),
        str(REGION_ID_OFFSET + west.pk),
    }
    assert ids(services=str(REGION_ID_OFFSET + west.pk), parents="1") == {
        str(REGION_ID_OFFSET + region.pk) for region in (state, philly, west)
    }


def test_get_server_info_has_the_fields_clients_read(client, directory):
    info = get(client, switcher="GetServerInfo").json()[0]

    assert int(info["versionInt"]) >= 3000000  # crouton and the map check for 3.0 or later
    assert info["langs"].split(",") == ["en", "es"]
    assert info["distanceUnits"] == "mi"
    assert info["semanticAdmin"] == "1"
    assert set(SEMANTIC_KEYS) <= set(info["available_keys"].split(","))
    assert "root_server_uri" in info["available_keys"].split(",")
    assert info["google_api_key"] == ""


def test_get_field_keys_and_values(client, directory):
    keys = [entry["key"] for entry in get(client, switcher="GetFieldKeys").json()]
    values = get(client, switcher="GetFieldValues", meeting_key="location_municipality").json()

    assert "meeting_name" in keys and "weekday_tinyint" in keys
    by_town = {entry["location_municipality"]: entry["ids"].split(",") for entry in values}
    assert sorted(by_town["Philadelphia"]) == sorted(str(directory[k].pk) for k in ("sunday", "monday"))


def test_get_coverage_area_is_the_box_around_the_venues(client, directory):
    box = get(client, switcher="GetCoverageArea").json()[0]

    assert (float(box["nw_corner_latitude"]), float(box["nw_corner_longitude"])) == (41.8781, -87.6298)
    assert (float(box["se_corner_latitude"]), float(box["se_corner_longitude"])) == (39.9566, -75.1899)


def test_get_changes_reads_the_history(client, directory, na):
    sunday = directory["sunday"]
    sunday.name = "Sunday Hope Renamed"
    sunday.save()
    today = timezone.now().date().isoformat()

    changes = get(client, switcher="GetChanges", meeting_id=str(sunday.pk), start_date=today, end_date=today).json()
    kinds = [change["change_type"] for change in changes]
    assert (kinds[0], kinds[-1]) == ("comdef_change_type_change", "comdef_change_type_new")
    assert changes[0]["meeting_name"] == "Sunday Hope Renamed"
    assert {change["user_name"] for change in changes} == {""}  # no volunteer's name leaves the site
    by_body = get(client, switcher="GetChanges", service_body_id=str(na.pk)).json()
    assert {change["meeting_id"] for change in by_body} == {str(sunday.pk), str(directory["on_request"].pk)}
    state = directory["regions"][0]
    by_region = get(client, switcher="GetChanges", service_body_id=str(REGION_ID_OFFSET + state.pk)).json()
    assert {change["meeting_name"] for change in by_region} == {"Sunday Hope", "Sunday Hope Renamed", "Monday Women"}
    assert get(client, switcher="GetChanges", end_date="2000-01-01").json() == []


def test_get_changes_answers_at_most_its_cap(client, directory):
    assert len(get(client, switcher="GetChanges").json()) <= MAX_CHANGES


# -- bad input: BMLT's style of error, a 4xx, never a 500 ----------------------------------------------------------


@pytest.mark.parametrize(
    "params,message",
    [
        ({"switcher": "GetSearchResults", "weekdays": "1,x"}, "weekdays must be"),
        ({"switcher": "GetSearchResults", "weekdays[]": "8"}, "out of range"),
        ({"switcher": "GetSearchResults", "formats": "1,,zz"}, "formats must be"),
        ({"switcher": "GetSearchResults", "meeting_key": "password", "meeting_key_value": "x"}, "meeting_key"),
        ({"switcher": "GetSearchResults", "meeting_key_value": "x"}, "needs meeting_key"),
        ({"switcher": "GetSearchResults", "sort_keys": "drop table"}, "is not a field"),
        ({"switcher": "GetSearchResults", "sort_key": "random"}, "sort_key must be"),
        ({"switcher": "GetSearchResults", "MinDurationH": "25"}, "MinDurationH"),
        ({"switcher": "GetSearchResults", "MaxDurationM": "x"}, "MaxDurationM"),
        ({"switcher": "GetSearchResults", "StartsAfterH": "-1"}, "StartsAfterH"),
        ({"switcher": "GetSearchResults", "formats_comparison_operator": "XOR"}, "AND or OR"),
        ({"switcher": "GetSearchResults", "advanced_published": "2"}, "advanced_published"),
        ({"switcher": "GetSearchResults", "root_server_ids": "a"}, "root_server_ids"),
        ({"switcher": "GetSearchResults", "SearchString": "Nowhereville", "StringSearchIsAnAddress": "1"}, "know"),
        ({"switcher": "GetSearchResults", "SearchString": "x" * 201}, "longer than"),
        ({"switcher": "GetSearchResults", "meeting_key": "meeting_name", "meeting_key_value": "x" * 201}, "at most"),
        ({"switcher": "GetFieldValues"}, "needs meeting_key"),
        ({"switcher": "GetFieldValues", "meeting_key": "contact_email_1"}, "needs meeting_key"),
        ({"switcher": "GetChanges", "start_date": "yesterday"}, "start_date must be a date"),
        ({"switcher": "GetChanges", "end_date": "2026-02-30"}, "end_date must be a date"),
        ({"switcher": "GetChanges", "meeting_id": "1;"}, "meeting_id must be"),
        ({"switcher": "GetFormats", "key_strings[]": ["x"] * 201}, "at most"),
    ],
)
def test_bad_input_gets_a_400_that_says_what_is_wrong(client, directory, params, message):
    for path in (JSON, JSONP):
        response = client.get(path, params)
        assert response.status_code == 400, (path, response.content)
        assert message in response.json()["error"]


def test_an_unknown_meeting_key_costs_no_query(client, directory, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = get(client, switcher="GetSearchResults", meeting_key="nope", meeting_key_value="1")
    assert response.status_code == 400


def test_an_unknown_meeting_key_value_matches_nothing_rather_than_erring(client, directory):
    assert search(client, meeting_key="weekday_tinyint", meeting_key_value="9") == []
    assert search(client, meeting_key="id_bigint", meeting_key_value="x") == []
    assert Meeting.objects.count() == 4


# -- a type that round-trips -----------------------------------------------------------------------------------


@pytest.mark.parametrize("world_id", ["S-D", ""])
def test_a_speaker_discussion_meeting_imported_from_a_bmlt_server_comes_back_as_sd(client, na, world_id):
    from interop.sources import feed_import
    from tests.interop.test_bmlt_import import IN_PERSON

    # A real server's envelope: its own ids; some servers leave a format's world_id empty.
    formats = [
        {"key_string": "SD", "id": "22", "world_id": world_id, "name_string": "Speaker/Discussion"},
        {"key_string": "So", "id": "26", "world_id": "SPK", "name_string": "Speaker Only"},
        {"key_string": "O", "id": "17", "world_id": "OPEN", "name_string": "Open"},
    ]
    item = {**IN_PERSON, "formats": "O,SD", "format_shared_id_list": "17,22"}
    body = json.dumps({"meetings": [item], "formats": formats}).encode()
    report = feed_import(data=body, format="bmlt", source="na-server", program=na)

    assert report.ok and report.rejected == [], report.lines()
    assert search(client)[0]["formats"] == "O,SD"
