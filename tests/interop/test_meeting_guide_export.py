"""The Meeting Guide feed: spec fields, schema-valid, streamed, cacheable, linked from every page."""

import datetime as dt

import pytest
from django.test import override_settings
from django.urls import reverse

from interop.sources import feed_import
from meetings.models import Attendance, MeetingType, Region
from tests.factories import make_location, make_meeting, make_region
from tests.interop.conftest import DATA
from tests.interop.helpers import assert_valid_feed, feed_json

pytestmark = pytest.mark.django_db


def test_it_exports_the_imported_example_feed_field_by_field(client, aa, example_feed):
    california = Region.objects.create(name="California", slug="us-ca", kind="state", timezone="America/Los_Angeles")
    feed_import(
        data=(DATA / "example-feed.json").read_bytes(),
        format="meeting-guide",
        source="example",
        program=aa,
        parent_region=california,
    )

    response = client.get(reverse("interop:feed"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.streaming
    feed = feed_json(response)
    assert_valid_feed(feed)
    by_slug = {item["slug"]: item for item in feed}
    assert sorted(by_slug) == ["hybrid-example-1", "hybrid-example-3", "in-person", "online", "sunday-serenity-14"]
    original = {item["slug"]: item for item in example_feed}
    for slug, item in by_slug.items():
        source = original.get(slug) or original["hybrid-example"]
        for name in ("name", "time", "end_time", "notes", "group", "conference_url", "conference_phone"):
            assert item.get(name) == source.get(name), (slug, name)
        if "location" in source:
            assert item["location"] == source["location"]
        assert set(item["types"]) == set(source["types"]), slug
        if "formatted_address" in source and source.get("approximate") != "yes" and slug != "online":
            assert item["formatted_address"] == source["formatted_address"]
    assert by_slug["sunday-serenity-14"]["updated"] == "2014-05-31 14:32:23"
    assert by_slug["sunday-serenity-14"]["timezone"] == "America/Los_Angeles"
    assert [by_slug["hybrid-example-1"]["day"], by_slug["hybrid-example-3"]["day"]] == [1, 3]
    assert by_slug["hybrid-example-1"]["regions"] == ["California", "Chicago", "Portage Park"]
    assert by_slug["hybrid-example-1"]["latitude"] == pytest.approx(41.94627)
    assert by_slug["in-person"]["approximate"] == "no"
    # A venue without a name is named after its street address.
    assert by_slug["in-person"]["location"] == "123 Test St"
    # Online only: an approximate place named after the zone's city, never "Online".
    assert by_slug["online"]["formatted_address"] == "New York"
    assert by_slug["online"]["approximate"] == "yes"
    assert "location" not in by_slug["online"]
    assert by_slug["online"]["url"] == "http://testserver/meetings/online/"
    assert by_slug["online"]["entity"] == "Many Paths"


def test_it_leaves_out_types_without_a_meeting_guide_code(client, reference_data):
    ours = MeetingType.objects.get(code="medication-friendly")
    make_meeting(slug="mat", types=[ours, MeetingType.objects.get(code="open")])

    feed = feed_json(client.get(reverse("interop:feed")))

    assert feed[0]["types"] == ["O"]
    assert_valid_feed(feed)


def test_it_marks_a_temporarily_closed_meeting_tc(client, reference_data):
    make_meeting(slug="closed-for-now", status="temporarily_closed")

    feed = feed_json(client.get(reverse("interop:feed")))

    assert feed[0]["types"] == ["TC"]


def test_it_leaves_out_inactive_and_deleted_meetings(client, reference_data):
    make_meeting(slug="gone", status="inactive")
    make_meeting(slug="deleted", deleted_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
    make_meeting(slug="here")

    assert [item["slug"] for item in feed_json(client.get(reverse("interop:feed")))] == ["here"]


def test_it_serves_a_feed_per_program_and_per_region(client, aa, na):
    city = make_region(slug="philly")
    area = make_region(slug="west-philly", parent=city)
    make_meeting(slug="aa-west", program=aa, location=make_location(region=area))
    make_meeting(slug="na-online", program=na, attendance=Attendance.ONLINE)

    by_program = feed_json(client.get(reverse("interop:program-feed", args=["na"])))
    by_region = feed_json(client.get(reverse("interop:region-feed", args=["philly"])))

    assert [item["slug"] for item in by_program] == ["na-online"]
    assert [item["slug"] for item in by_region] == ["aa-west"]
    assert client.get(reverse("interop:program-feed", args=["no-such"])).status_code == 404


def test_it_answers_a_repeat_request_with_304(client, reference_data):
    meeting = make_meeting(slug="cached")
    first = client.get(reverse("interop:feed"))
    assert "max-age=300" in first["Cache-Control"] and first["Last-Modified"]

    again = client.get(reverse("interop:feed"), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304

    meeting.name = "Renamed"
    meeting.save()
    assert client.get(reverse("interop:feed"), HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200


def test_it_escapes_markup_in_names_and_notes(client, reference_data):
    make_meeting(slug="xss", name="<script>alert(1)</script>", notes="<b>bold</b> & more")

    response = client.get(reverse("interop:feed"))
    body = b"".join(response.streaming_content)

    assert b"<script>" not in body and b"<b>" not in body
    import json

    assert json.loads(body)[0]["name"] == "<script>alert(1)</script>"


@override_settings(FEED_ENTITY={"entity": "District 9", "entity_url": "https://d9.example"})
def test_it_takes_the_entity_from_settings(client, reference_data):
    make_meeting(slug="e")

    item = feed_json(client.get(reverse("interop:feed")))[0]

    assert (item["entity"], item["entity_url"]) == ("District 9", "https://d9.example")


def test_it_publishes_the_schema(client):
    response = client.get(reverse("interop:feed-schema"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/schema+json"
    assert b'"Meeting Guide meetings feed"' in b"".join(response.streaming_content)


def test_it_links_the_feed_from_public_pages(client, reference_data):
    body = client.get(reverse("about")).content.decode()

    assert '<link rel="alternate" type="application/json" title="Meetings Feed" href="/meetings.json">' in body


def test_it_refuses_to_write(client, reference_data):
    assert client.post(reverse("interop:feed")).status_code == 405


def test_it_reads_the_feed_in_a_fixed_number_of_queries(client, reference_data, django_assert_num_queries):
    open_type = MeetingType.objects.get(code="open")
    for n in range(3):
        make_meeting(slug=f"few-{n}", types=[open_type])
    # The types come with each row (Meeting.type_ids): no query per batch for them.
    with django_assert_num_queries(5) as few:
        feed_json(client.get(reverse("interop:feed")))
    for n in range(30):
        make_meeting(slug=f"many-{n}", types=[open_type], attendance=Attendance.HYBRID)

    with django_assert_num_queries(len(few.captured_queries)):
        assert len(feed_json(client.get(reverse("interop:feed")))) == 33


def test_it_says_in_the_notes_when_the_link_is_given_on_request(client, reference_data):
    make_meeting(slug="ask", attendance=Attendance.ONLINE, join_on_request=True, notes="Women only.")

    item = feed_json(client.get(reverse("interop:feed")))[0]

    assert item["notes"] == "Women only.\n\nOnline: the group gives the link to join on request."
    assert "conference_url" not in item
