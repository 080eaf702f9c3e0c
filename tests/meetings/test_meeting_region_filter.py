"""The meeting list's region filter: one level of the region tree at a time, a region holding its places."""

import pytest
from django.urls import reverse

from meetings.admin import RegionListFilter
from meetings.models import Attendance, Meeting, Region
from tests.factories import make_location, make_meeting, make_region
from tests.volunteers.conftest import make_volunteer

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:meetings_meeting_changelist"


@pytest.fixture
def tree(db):
    """Two countries; Pennsylvania's two cities have meetings, and so do Victoria and a place with no region."""
    us = make_region(name="United States", slug="us", kind=Region.Kind.COUNTRY)
    pa = make_region(name="Pennsylvania", slug="us-pa", kind=Region.Kind.STATE, parent=us)
    ny = make_region(name="New York", slug="us-ny", kind=Region.Kind.STATE, parent=us)
    philly = make_region(name="Philadelphia", slug="us-pa-philadelphia", parent=pa)
    pittsburgh = make_region(name="Pittsburgh", slug="us-pa-pittsburgh", parent=pa)
    au = make_region(name="Australia", slug="au", kind=Region.Kind.COUNTRY, timezone="Australia/Sydney")
    vic = make_region(name="Victoria", slug="au-vic", kind=Region.Kind.STATE, parent=au, timezone="Australia/Sydney")
    make_meeting(name="Philly Meeting", location=make_location(region=philly))
    make_meeting(name="Pittsburgh Meeting", location=make_location(region=pittsburgh))
    make_meeting(name="Victoria Meeting", location=make_location(region=vic), timezone="Australia/Sydney")
    make_meeting(name="Unplaced Meeting", location=make_location(region=None))
    make_meeting(name="Online Meeting", attendance=Attendance.ONLINE)
    return {r.slug: r for r in (us, pa, ny, philly, pittsburgh, au, vic)}


def region_choices(client, **params):
    """The filter's choices as shown, and the meetings listed."""
    response = client.get(reverse(CHANGELIST), params)
    assert response.status_code == 200
    (spec,) = [spec for spec in response.context["cl"].filter_specs if isinstance(spec, RegionListFilter)]
    choices = [choice["display"] for choice in spec.choices(response.context["cl"])]
    return choices, {meeting.name for meeting in response.context["cl"].result_list}


def test_it_offers_the_top_regions_first(admin_client, tree):
    choices, _ = region_choices(admin_client)

    assert choices == ["All", "Australia", "United States", "No region"]


def test_it_offers_a_regions_parents_and_the_regions_inside_it(admin_client, tree):
    choices, _ = region_choices(admin_client, region=tree["us-pa"].pk)

    assert choices == ["All", "United States", "Pennsylvania", "Philadelphia", "Pittsburgh", "No region"]


def test_it_lists_the_meetings_of_a_region_and_the_places_inside_it(admin_client, tree):
    _, in_us = region_choices(admin_client, region=tree["us"].pk)
    _, in_philly = region_choices(admin_client, region=tree["us-pa-philadelphia"].pk)
    _, in_ny = region_choices(admin_client, region=tree["us-ny"].pk)
    _, nowhere = region_choices(admin_client, region="none")

    assert in_us == {"Philly Meeting", "Pittsburgh Meeting"}
    assert in_philly == {"Philly Meeting"}
    assert in_ny == set()
    assert nowhere == {"Unplaced Meeting", "Online Meeting"}


def test_it_opens_a_volunteers_one_region_at_once(client, tree):
    client.force_login(make_volunteer("pa", regions=[tree["us-pa"]]))

    choices, listed = region_choices(client)
    _, in_pittsburgh = region_choices(client, region=tree["us-pa-pittsburgh"].pk)
    outside, in_victoria = region_choices(client, region=tree["au-vic"].pk)

    # No "No region": with regions and no program, they see no meeting without one.
    assert choices == ["All", "Pennsylvania", "Philadelphia", "Pittsburgh"]
    assert listed == {"Philly Meeting", "Pittsburgh Meeting"}
    assert in_pittsburgh == {"Pittsburgh Meeting"}
    assert outside == ["All"] and in_victoria == set()


def test_it_offers_no_region_to_a_volunteer_of_a_program(client, tree):
    program = Meeting.objects.get(name="Online Meeting").program
    client.force_login(make_volunteer("online", regions=[tree["us-pa"]], programs=[program]))

    choices, listed = region_choices(client, region="none")

    assert choices[-1] == "No region"
    assert listed == {"Online Meeting"}


def test_it_lists_nothing_for_a_region_that_no_longer_exists(admin_client, tree):
    _, listed = region_choices(admin_client, region=999999)

    assert listed == set()


def test_it_refuses_a_region_that_is_not_a_number(admin_client, tree):
    response = admin_client.get(reverse(CHANGELIST), {"region": "philly"})

    assert response.status_code == 302
    assert response.url.endswith("?e=1")  # The admin's "invalid filter" page, not a server error.


def test_it_reads_the_filter_in_a_fixed_number_of_queries(admin_client, django_assert_num_queries, tree):
    for n in range(30):
        make_region(name=f"City {n}", slug=f"us-pa-city-{n}", parent=tree["us-pa"])
        make_region(name=f"State {n}", slug=f"us-state-{n}", kind=Region.Kind.STATE, parent=tree["us"])
    url = reverse(CHANGELIST) + f"?region={tree['us'].pk}"
    admin_client.get(url)

    # The session, the user, the program filter's choices, the page's count, rows and their programs; the
    # region with its parents, the regions shown, and the places inside it: one query a level of the tree
    # below it (three here), whatever the number of regions.
    with django_assert_num_queries(11):
        response = admin_client.get(url)

    assert "State 29" in response.content.decode()
