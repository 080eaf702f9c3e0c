"""The admin's meeting list: in day-and-time order, 50 to a page, in a fixed number of queries."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from groups.models import Group
from meetings.models import Attendance, Location, Meeting, Region
from tests.factories import make_meeting, make_program, make_region
from tests.volunteers.conftest import make_volunteer

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:meetings_meeting_changelist"


def add_meetings(count, *, programs, regions):
    """Meetings with a group each, over the programs, regions and days; every third online, then deleted.

    Written in bulk, as an import writes them (the list reads no history): saved one by one, 160 meetings
    took two seconds a test.
    """
    groups = Group.objects.bulk_create(
        Group(program=programs[n % len(programs)], name=f"Hope Group {n}", slug=f"hope-{n}") for n in range(count)
    )
    venues = {
        n: Location(
            name=f"Hall {n}",
            address=f"{n} Walnut St",
            city="Philadelphia",
            state="PA",
            formatted_address=f"{n} Walnut St, Philadelphia, PA",
            timezone="America/New_York",
            region=regions[n % len(regions)],
        )
        for n in range(count)
        if n % 3 != 1
    }
    Location.objects.bulk_create(venues.values())
    meetings = [
        Meeting(
            program=groups[n].program,
            group=groups[n],
            name=f"Row {n:03}",
            slug=f"row-{n:03}",
            weekday=n % 7,
            start_time=datetime.time(6 + n % 12, 30),
            timezone="America/New_York",
            attendance=Attendance.IN_PERSON if n in venues else Attendance.ONLINE,
            location=venues.get(n),
            conference_url="" if n in venues else f"https://zoom.us/j/{1000000000 + n}",
            last_verified=datetime.date.today() if n in venues else None,
            deleted_at=timezone.now() if n % 3 == 2 else None,
        )
        for n in range(count)
    ]
    Meeting.objects.set_clocks(meetings)
    Meeting.objects.bulk_create(meetings)


@pytest.fixture
def state(db):
    """A state with two metro areas, for the region filter."""
    state = make_region(name="Pennsylvania", slug="us-pa", kind=Region.Kind.STATE)
    make_region(name="Philadelphia", slug="us-pa-philadelphia", parent=state)
    make_region(name="Pittsburgh", slug="us-pa-pittsburgh", parent=state)
    return state


def changelist(client, params=""):
    response = client.get(reverse(CHANGELIST) + params)
    assert response.status_code == 200
    return response


# Each page's queries, whatever the number of meetings: the session, the user, the program and region
# filters' choices, the page's count, its rows and their programs; a search adds one query a word and a
# region two, for the places inside it. Every page here has rows, whose programs are read (one query).
PAGES = {
    "the first page": ("", 8),
    "the second page": ("?p=2", 8),
    "the last page": ("?p=3", 8),
    "sorted by name": ("?o=1", 8),
    "sorted by last updated": ("?o=-9", 8),
    "sorted by program": ("?o=2", 8),
    "not confirmed": ("?stale=yes", 8),
    "a program": ("?program__id__exact={program}", 8),
    "a state": ("?region={state}", 10),
    "no region": ("?region=none", 8),
    "a weekday": ("?weekday__exact=0", 8),
    "online": ("?attendance__exact=online", 8),
    "deleted": ("?deleted=yes", 8),
    "a search": ("?q=hope", 9),
    "a search of two words": ("?q=hope+row", 10),
}


@pytest.mark.parametrize("params, queries", PAGES.values(), ids=PAGES.keys())
@pytest.mark.parametrize("meetings", [3, 160])
def test_it_lists_meetings_in_a_fixed_number_of_queries(
    admin_client, django_assert_num_queries, state, meetings, params, queries
):
    programs = [make_program() for _ in range(3)]
    add_meetings(meetings, programs=programs, regions=list(state.children.all()))
    params = params.format(program=programs[0].pk, state=state.pk)
    changelist(admin_client)  # Warm the session and the site's caches.

    with django_assert_num_queries(queries):
        response = changelist(admin_client, params)

    assert response.context["cl"].result_list  # Rows, whose programs are read.


def test_it_lists_a_volunteers_meetings_in_a_fixed_number_of_queries(client, django_assert_num_queries, state):
    program = make_program()
    add_meetings(160, programs=[program], regions=list(state.children.all()))
    client.force_login(make_volunteer("pa", regions=[state]))
    changelist(client)

    # Also their scope (the grant, its regions and programs, the regions inside theirs: one query a level)
    # and their Django permissions (two queries, for the list's actions).
    with django_assert_num_queries(15):
        response = changelist(client)

    cl = response.context["cl"]
    in_person = Meeting.objects.filter(location__region__parent=state, deleted_at__isnull=True)
    assert len(cl.result_list) == 50 and cl.result_count == in_person.count() == 54


def test_it_lists_meetings_by_day_and_time_fifty_to_a_page(admin_client):
    program = make_program()
    for n, (weekday, hour) in enumerate([(3, 19), (1, 20), (1, 7), (0, 12)] * 30):
        make_meeting(
            program=program, name=f"Row {n:03}", weekday=weekday, start_time=datetime.time(hour), end_time=None
        )

    pages = [changelist(admin_client, f"?p={n}").context["cl"] for n in (1, 2, 3)]

    # The third page is read backwards from the end of the list (FromEitherEndPaginator).
    assert [len(cl.result_list) for cl in pages] == [50, 50, 20]
    assert [m for cl in pages for m in cl.result_list] == list(
        Meeting.objects.order_by("weekday", "start_time", "name")
    )
    assert pages[0].result_count == 120


def test_it_pages_through_a_sorted_column_with_ties_in_order(admin_client):
    program = make_program()
    for n in range(120):
        make_meeting(program=program, name=f"Row {n % 7}", weekday=n % 2)

    pages = [changelist(admin_client, f"?o=1&p={n}").context["cl"] for n in (1, 2, 3)]

    # The last page, read backwards, ends the list exactly where the pages before it left off.
    assert [m for cl in pages for m in cl.result_list] == list(pages[0].queryset)
    assert [m.name for m in pages[2].result_list][-1] == "Row 6"


def test_it_does_not_count_every_meeting_again_on_a_filtered_page(admin_client):
    make_meeting(name="Online", attendance=Attendance.ONLINE)
    make_meeting(name="In person")

    response = changelist(admin_client, "?attendance__exact=online")

    html = response.content.decode()
    assert [m.name for m in response.context["cl"].result_list] == ["Online"]
    assert "2 total" not in html  # Django's "1 result (2 total)" counts the whole table again.
    assert "_facets" not in html  # No "Show counts": one count per choice of each filter.


def test_it_shows_the_program_of_each_meeting(admin_client):
    aa = make_program(name="Alcoholics Anonymous")
    na = make_program(name="Narcotics Anonymous")
    make_meeting(program=aa, name="Tuesday AA")
    make_meeting(program=na, name="Friday NA")

    response = changelist(admin_client)

    html = response.content.decode()
    assert '<td class="field-program nowrap">Alcoholics Anonymous</td>' in html
    assert '<td class="field-program nowrap">Narcotics Anonymous</td>' in html
