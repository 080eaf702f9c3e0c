"""Searching the admin's meeting list: each word in a meeting's name or notes, its group or its venue."""

import pytest
from django.urls import reverse

from groups.models import Group
from meetings import admin as meetings_admin
from meetings.models import Attendance, Region
from tests.factories import make_location, make_meeting, make_program, make_region
from tests.volunteers.conftest import make_volunteer

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:meetings_meeting_changelist"


@pytest.fixture
def meetings(db):
    program = make_program()
    serenity = Group.objects.create(program=program, name="Serenity Seekers", slug="serenity-seekers")
    make_meeting(program=program, name="Tuesday Night Hope", slug="tuesday-night-hope-camden-7")
    make_meeting(program=program, name="Monday Noon", group=serenity)
    make_meeting(program=program, name="Friday Step", location=make_location(name="St. Mark's Hall"))
    make_meeting(program=program, name="Saturday Big Book", location=make_location(city="Camden"))
    make_meeting(program=program, name="Sunday Online", attendance=Attendance.ONLINE, notes="Ask for the hope code.")
    make_meeting(program=program, name="Night Owls Tuesday")


def found(client, q):
    response = client.get(reverse(CHANGELIST), {"q": q})
    assert response.status_code == 200
    return {meeting.name for meeting in response.context["cl"].result_list}


SEARCHES = {
    "a word of the name": ("hope", {"Tuesday Night Hope", "Sunday Online"}),
    "in the notes": ("code", {"Sunday Online"}),
    "the group's name": ("seekers", {"Monday Noon"}),
    "the venue's name": ("mark's", {"Friday Step"}),
    "the venue's city": ("camden", {"Saturday Big Book"}),
    "the start of the slug": ("tuesday-night-hope-camden", {"Tuesday Night Hope"}),
    "every word": ("tuesday night", {"Tuesday Night Hope", "Night Owls Tuesday"}),
    "every word, in different places": ("hope code", {"Sunday Online"}),
    "a quoted phrase": ('"tuesday night"', {"Tuesday Night Hope"}),
    "nothing": ("zebra", set()),
}


@pytest.mark.parametrize("q, names", SEARCHES.values(), ids=SEARCHES.keys())
@pytest.mark.parametrize("max_ids", [1000, 1], ids=["by ids", "by conditions"])
def test_it_finds_meetings_by_each_word(admin_client, meetings, monkeypatch, max_ids, q, names):
    # A word matching more rows than SEARCH_MAX_IDS is searched by its conditions instead of a list of ids.
    monkeypatch.setattr(meetings_admin, "SEARCH_MAX_IDS", max_ids)

    assert found(admin_client, q) == names


def test_it_does_not_search_inside_a_slug(admin_client, meetings):
    # Only the start of a slug, which its index finds; the words of the name find the meeting anyway.
    assert found(admin_client, "night-hope") == set()


def test_it_searches_only_a_volunteers_meetings(client):
    pa = make_region(name="Pennsylvania", slug="us-pa", kind=Region.Kind.STATE)
    make_meeting(name="Hope in Philly", location=make_location(region=pa))
    make_meeting(name="Hope in Melbourne", location=make_location(region=make_region(), city="Melbourne"))
    client.force_login(make_volunteer("pa", regions=[pa]))

    assert found(client, "hope") == {"Hope in Philly"}
    assert found(client, "melbourne") == set()


def test_it_searches_in_a_fixed_number_of_queries(admin_client, django_assert_num_queries, meetings):
    found(admin_client, "hope")

    # The session, the user, the filters' choices, the page's count, rows and their programs, and one query
    # a word, for the ids of its matches.
    with django_assert_num_queries(9):
        assert found(admin_client, "tuesday night") == {"Tuesday Night Hope", "Night Owls Tuesday"}
