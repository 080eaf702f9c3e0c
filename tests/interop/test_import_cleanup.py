"""A rejected record leaves nothing behind: no region, venue or group that no accepted meeting uses."""

import json

import pytest

from groups.models import Group
from interop.sources import feed_import
from meetings.models import Location, Meeting, Region

pytestmark = pytest.mark.django_db

GOOD = {
    "name": "Good",
    "slug": "good",
    "day": 1,
    "time": "19:00",
    "timezone": "America/Chicago",
    "formatted_address": "4953 W Addison St, Chicago, IL 60641, USA",
    "region": "Chicago",
    "sub_region": "Portage Park",
    "group": "Good Group",
}
# Rejected only when its meeting is checked, after its regions, venue and group were made.
LATE_REJECT = dict(
    GOOD,
    slug="ghost",
    name="x" * 300,
    formatted_address="1 Ghost Rd, Nowhere, IL 60000, USA",
    region="Ghost Town",
    sub_region="Ghost Ward",
    group="Ghost Group",
)
# Rejected when its venue is checked, after its regions were made.
VENUE_REJECT = dict(LATE_REJECT, name="Ghost", postal_code="6" * 30)


def run(aa, items):
    return feed_import(data=json.dumps(items).encode(), format="meeting-guide", source="s", program=aa)


@pytest.mark.parametrize("ghost", [LATE_REJECT, VENUE_REJECT], ids=["meeting rejected", "venue rejected"])
def test_it_keeps_no_region_venue_or_group_made_for_a_rejected_record(aa, client, ghost):
    report = run(aa, [GOOD, ghost])

    assert report.created == ["good"]
    assert [rejection.key for rejection in report.rejected] == ["ghost"]
    assert sorted(Region.objects.values_list("name", flat=True)) == ["Chicago", "Portage Park"]
    assert list(Location.objects.values_list("formatted_address", flat=True)) == [GOOD["formatted_address"]]
    assert list(Group.objects.values_list("name", flat=True)) == ["Good Group"]
    bodies = client.get("/client_interface/json/?switcher=GetServiceBodies").json()
    assert "Ghost Town" not in {body["name"] for body in bodies}
    # Not even in the admin's history: as far as anyone can tell, they never existed.
    assert not Location.history.filter(formatted_address__startswith="1 Ghost Rd").exists()
    assert not Group.history.filter(name="Ghost Group").exists()


def test_it_keeps_a_new_region_that_an_accepted_meeting_uses(aa):
    shared = dict(LATE_REJECT, formatted_address="2 Live Rd, Somewhere, IL 60000, USA")
    alive = dict(GOOD, slug="alive", formatted_address="3 Live Rd, Somewhere, IL 60000, USA", region="Ghost Town")
    del alive["sub_region"]

    report = run(aa, [shared, alive])

    assert report.created == ["alive"]
    assert sorted(Region.objects.values_list("name", flat=True)) == ["Ghost Town"]
    assert Location.objects.get().region.name == "Ghost Town"


def test_it_does_not_change_a_venue_for_a_record_that_was_rejected(aa):
    run(aa, [dict(GOOD, location_notes="Side door")])
    venue = Location.objects.get()

    other = dict(GOOD, slug="other", formatted_address="3 Live Rd, Somewhere, IL 60000, USA")

    report = run(aa, [dict(GOOD, name="x" * 300, location_notes="Back door", sub_region="Elsewhere"), other])

    assert report.created == ["other"]
    assert [rejection.key for rejection in report.rejected] == ["good"]
    venue.refresh_from_db()
    assert (venue.notes, venue.region.name) == ("Side door", "Portage Park")
    assert not Region.objects.filter(name="Elsewhere").exists()
    assert Meeting.objects.get(external_key="good").name == "Good"
