"""One meeting, listed once: two sources' listings of one meeting show as one everywhere, from the higher priority."""

import json

import pytest
from django.urls import reverse

from interop import tsml_csv
from interop.duplicates import mark_duplicates
from interop.models import DataSource
from interop.sources import feed_import
from meetings.models import DuplicateDecision, Meeting
from tests.interop.helpers import feed_json

pytestmark = pytest.mark.django_db

HOPE = {
    "name": "Hope Group",
    "slug": "hope",
    "day": 1,
    "time": "19:00",
    "timezone": "America/Chicago",
    "location": "St. Mark's",
    "formatted_address": "4953 W Addison St, Chicago, IL 60641, USA",
    "latitude": 41.9466,
    "longitude": -87.7470,
}


@pytest.fixture
def two_sources(aa):
    DataSource.objects.create(
        name="Intergroup", slug="intergroup", url="https://a.example/f", program=aa, priority=200
    )
    DataSource.objects.create(name="District 9", slug="district", url="https://b.example/f", program=aa, priority=100)


def listing(aa, source, **changes):
    feed_import(data=json.dumps([dict(HOPE, **changes)]).encode(), format="meeting-guide", source=source, program=aa)
    return Meeting.objects.get(source=source)


def test_the_same_meeting_from_two_sources_is_listed_once_from_the_higher_priority(aa, two_sources):
    district = listing(aa, "district", name="Hope", time="19:05", latitude=41.9470, longitude=-87.7475)
    intergroup = listing(aa, "intergroup")

    report = mark_duplicates()

    assert report.hidden == 1
    assert list(Meeting.objects.listed()) == [intergroup]
    district.refresh_from_db()
    assert district.duplicate_of == intergroup


def test_it_is_listed_once_in_search_the_api_both_feeds_and_the_bmlt_interface(client, aa, two_sources):
    listing(aa, "district")
    intergroup = listing(aa, "intergroup")
    mark_duplicates()

    page = client.get(reverse("search:page"), {"q": "hope"}).content.decode()
    api = client.get(reverse("search:api"), {"q": "hope"}).json()
    feed = feed_json(client.get(reverse("interop:feed")))
    bmlt = client.get(reverse("interop:bmlt"), {"switcher": "GetSearchResults"})
    rows = list(tsml_csv.meeting_rows(Meeting.objects.all()))

    assert page.count(intergroup.get_absolute_url()) == 1
    assert "district" not in page
    assert [item["slug"] for item in feed] == [intergroup.slug]
    assert [item["id_bigint"] for item in (feed_json(bmlt) if bmlt.streaming else bmlt.json())] == [str(intergroup.pk)]
    assert [item["slug"] for item in api["results"]] == [intergroup.slug]
    assert len(rows) == 1


def test_the_shown_meetings_page_names_both_sources_and_the_hidden_ones_address_leads_to_it(client, aa, two_sources):
    district = listing(aa, "district")
    intergroup = listing(aa, "intergroup")
    mark_duplicates()

    page = client.get(intergroup.get_absolute_url()).content.decode()
    hidden = client.get(district.get_absolute_url())

    assert "Intergroup, District 9" in page
    assert hidden.status_code == 302 and hidden["Location"] == intergroup.get_absolute_url()


@pytest.mark.parametrize(
    "changes",
    [
        {"time": "19:10"},  # more than 5 minutes apart
        {"day": 2},
        {"latitude": 41.9500, "longitude": -87.7470},  # 380 m away
        {"name": "Women's Big Book Study"},
        {"name": "Hope Group 12", "slug": "twelve"},  # numbers that differ name different groups
    ],
)
def test_different_meetings_are_both_listed(aa, two_sources, changes):
    listing(aa, "district", **changes)
    listing(aa, "intergroup", **({"name": "Hope Group 13"} if "slug" in changes else {}))

    mark_duplicates()

    assert Meeting.objects.listed().count() == 2


def test_online_listings_with_the_same_join_link_are_one_meeting(aa, two_sources):
    online = {"formatted_address": "", "latitude": None, "longitude": None, "conference_url": "https://zoom.us/j/123"}
    listing(aa, "district", **online)
    listing(aa, "intergroup", **dict(online, conference_url="https://zoom.us/j/123/"))

    mark_duplicates()

    assert list(Meeting.objects.listed().values_list("source", flat=True)) == ["intergroup"]


def test_the_decision_is_deterministic_and_survives_a_resync(aa, two_sources):
    listing(aa, "district")
    listing(aa, "intergroup")
    mark_duplicates()
    first = dict(Meeting.objects.values_list("source", "duplicate_of__source"))

    listing(aa, "district")  # re-imported unchanged
    again = mark_duplicates()

    assert dict(Meeting.objects.values_list("source", "duplicate_of__source")) == first
    assert (again.hidden, again.shown_again) == (0, 0)


def test_a_meeting_is_shown_again_when_its_twin_leaves_the_feed(aa, two_sources):
    listing(aa, "district")
    intergroup = listing(aa, "intergroup")
    mark_duplicates()

    intergroup.status = "inactive"
    intergroup.save()
    report = mark_duplicates()

    assert report.shown_again == 1
    assert list(Meeting.objects.listed().values_list("source", flat=True)) == ["district"]


def test_a_volunteer_can_override_it_either_way(aa, two_sources):
    district = listing(aa, "district")
    intergroup = listing(aa, "intergroup")
    mark_duplicates()

    Meeting.objects.filter(pk=district.pk).update(duplicate_decision=DuplicateDecision.LISTED, duplicate_of=None)
    mark_duplicates()
    assert Meeting.objects.listed().count() == 2

    # And the other way: a listing nothing matches, hidden by hand as a duplicate of the intergroup's.
    Meeting.objects.filter(pk=district.pk).update(
        duplicate_decision=DuplicateDecision.DUPLICATE, duplicate_of=intergroup, name="Completely Different"
    )
    mark_duplicates()
    assert list(Meeting.objects.listed()) == [intergroup]


def test_the_admin_shows_the_decision_and_saves_an_override(admin_client, aa, two_sources):
    district = listing(aa, "district")
    intergroup = listing(aa, "intergroup")
    mark_duplicates()

    page = admin_client.get(reverse("admin:meetings_meeting_change", args=[intergroup.pk])).content.decode()

    assert "Listings hidden behind this one" in page
    assert "Hope Group (from district)" in page
    changelist = admin_client.get(reverse("admin:meetings_meeting_changelist"), {"duplicate_of__isempty": "0"})
    assert district.name in changelist.content.decode()
