"""The volunteer admin for regions, locations, meeting types and meetings."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from groups.models import Group
from meetings.models import Attendance, Meeting, MeetingType, Region, Weekday
from tests.factories import make_location, make_meeting, make_program, make_region, make_type

pytestmark = pytest.mark.django_db

ADD_URL = "admin:meetings_meeting_add"


def meeting_form_data(program, **overrides):
    """What a volunteer submits on the add form for a valid in-person meeting."""
    data = {
        "program": program.pk,
        "name": "Thursday Serenity",
        "slug": "thursday-serenity",
        "status": "active",
        "weekday": Weekday.THURSDAY,
        "start_time": "19:30",
        "end_time": "20:30",
        "timezone": "America/New_York",
        "attendance": Attendance.IN_PERSON,
        "location": make_location().pk,
    }
    data.update(overrides)
    return data


def form_errors(response):
    return response.context["adminform"].form.errors


@pytest.mark.parametrize("model", ["region", "location", "meetingtype", "meeting"])
def test_it_shows_changelist_and_add_page(admin_client, model):
    program = make_program()
    philadelphia = make_region()
    make_region(name="Pennsylvania", slug="us-pa", kind=Region.Kind.STATE)
    make_type(code="open", name="Open", category=MeetingType.Category.ATTENDANCE)
    make_type(code="online", name="Online", category=MeetingType.Category.FEATURE)
    make_meeting(program=program, location=make_location(region=philadelphia))
    make_meeting(program=program, attendance=Attendance.ONLINE)

    changelist = admin_client.get(reverse(f"admin:meetings_{model}_changelist"))
    add = admin_client.get(reverse(f"admin:meetings_{model}_add"))

    assert changelist.status_code == 200
    assert add.status_code == 200
    assert "Many Paths volunteer admin" in changelist.content.decode()


def test_it_shows_the_meeting_change_page_with_type_checkboxes(admin_client):
    open_type = make_type(code="open", name="Open", category=MeetingType.Category.ATTENDANCE)
    meeting = make_meeting(types=[open_type])

    response = admin_client.get(reverse("admin:meetings_meeting_change", args=[meeting.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<input type="checkbox" name="types" value="{open_type.pk}"' in html
    assert 'id="id_types_0" checked>' in html


def test_it_creates_a_meeting_with_its_types(admin_client):
    program = make_program()
    open_type = make_type(code="open", name="Open", category=MeetingType.Category.ATTENDANCE)
    make_type(code="closed", name="Closed", category=MeetingType.Category.ATTENDANCE)
    speaker = make_type(code="speaker", name="Speaker", category=MeetingType.Category.FORMAT)

    response = admin_client.post(reverse(ADD_URL), meeting_form_data(program, types=[open_type.pk, speaker.pk]))

    assert response.status_code == 302
    meeting = Meeting.objects.get(slug="thursday-serenity")
    assert meeting.program == program
    assert meeting.start_time == datetime.time(19, 30)
    assert set(meeting.types.values_list("code", flat=True)) == {"open", "speaker"}
    assert meeting.created is not None


def test_it_creates_an_online_meeting_without_a_location(admin_client):
    program = make_program()

    response = admin_client.post(
        reverse(ADD_URL),
        meeting_form_data(program, attendance=Attendance.ONLINE, location="", conference_phone="+1 555 0100"),
    )

    assert response.status_code == 302
    assert Meeting.objects.get().location is None


BAD_INPUTS = {
    "invalid time zone": (
        {"timezone": "America/Atlantis"},
        "timezone",
        "America/Atlantis is not a time zone.",
    ),
    "end equals start": (
        {"start_time": "19:00", "end_time": "19:00"},
        "end_time",
        "The end time must differ from the start time",
    ),
    "online without a way to join": (
        {"attendance": Attendance.ONLINE, "location": ""},
        "conference_url",
        "An online or hybrid meeting needs a way to join",
    ),
    "hybrid without a way to join": (
        {"attendance": Attendance.HYBRID},
        "conference_url",
        "An online or hybrid meeting needs a way to join",
    ),
    "in person without a location": (
        {"location": ""},
        "location",
        "An in-person or hybrid meeting needs a location people can go to.",
    ),
    "in person at a location without an address": (
        {"location": lambda: make_location(address="", city="", state="", postal_code="", country="").pk},
        "location",
        "needs a location with a street address",
    ),
    "in person at an approximate location": (
        {"location": lambda: make_location(approximate=True).pk},
        "location",
        "needs a location with a street address, not an approximate one",
    ),
}


@pytest.mark.parametrize("overrides, field, message", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_it_shows_a_bad_meeting_error_beside_its_field(admin_client, overrides, field, message):
    program = make_program()
    overrides = {key: value() if callable(value) else value for key, value in overrides.items()}

    response = admin_client.post(reverse(ADD_URL), meeting_form_data(program, **overrides))

    assert response.status_code == 200
    errors = form_errors(response)
    assert list(errors) == [field]
    assert len(errors[field]) == 1
    assert message in errors[field][0]
    # Rendered inside the field's own error list, not only at the top of the form.
    html = response.content.decode()
    field_errors = html.split(f'id="id_{field}_error"')[1].split("</ul>")[0]
    assert message.replace("'", "&#x27;") in field_errors
    assert not Meeting.objects.exists()


def test_it_shows_every_problem_of_a_bad_meeting_at_once(admin_client):
    program = make_program()
    approximate = make_location(approximate=True)

    response = admin_client.post(
        reverse(ADD_URL),
        meeting_form_data(
            program,
            timezone="Nowhere",
            start_time="19:00",
            end_time="19:00",
            attendance=Attendance.HYBRID,
            location=approximate.pk,
        ),
    )

    assert response.status_code == 200
    assert set(form_errors(response)) == {"timezone", "end_time", "location", "conference_url"}
    assert not Meeting.objects.exists()


def test_it_reports_a_repeated_source_key_instead_of_failing(admin_client):
    program = make_program()
    make_meeting(program=program, source="aa-philly", external_key="123")

    response = admin_client.post(reverse(ADD_URL), meeting_form_data(program, source="aa-philly", external_key="123"))

    assert response.status_code == 200
    assert form_errors(response)
    assert Meeting.objects.count() == 1


def changelist_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:meetings_meeting_changelist"))
    assert response.status_code == 200
    return len(queries), response


def test_it_lists_meetings_in_a_fixed_number_of_queries(admin_client):
    region = make_region()
    programs = [make_program() for _ in range(4)]

    def add_meetings(numbers):
        for n in numbers:
            make_meeting(program=programs[n % 4], name=f"Row {n}", location=make_location(region=region))

    add_meetings(range(2))
    changelist_queries(admin_client)  # Warm the session and site-wide caches.
    few, _ = changelist_queries(admin_client)
    add_meetings(range(2, 20))
    many, response = changelist_queries(admin_client)

    assert "Row 19" in response.content.decode()
    assert many == few


def test_it_filters_meetings_by_region_or_no_region(admin_client):
    philadelphia = make_region(name="Philadelphia")
    pittsburgh = make_region(name="Pittsburgh")
    make_meeting(name="Philly Meeting", location=make_location(region=philadelphia))
    make_meeting(name="Pittsburgh Meeting", location=make_location(region=pittsburgh))
    make_meeting(name="Unplaced Meeting", location=make_location(region=None))
    make_meeting(name="Online Meeting", attendance=Attendance.ONLINE, join_on_request=True)
    url = reverse("admin:meetings_meeting_changelist")

    in_philadelphia = admin_client.get(url, {"region": philadelphia.pk})
    no_region = admin_client.get(url, {"region": "none"})

    assert [m.name for m in in_philadelphia.context["cl"].result_list] == ["Philly Meeting"]
    assert {m.name for m in no_region.context["cl"].result_list} == {"Unplaced Meeting", "Online Meeting"}
    assert "No region" in no_region.content.decode()


def test_it_searches_meetings_by_group_and_location(admin_client):
    program = make_program()
    group = Group.objects.create(program=program, name="Serenity Seekers", slug="serenity-seekers")
    make_meeting(program=program, name="Monday Night", group=group)
    make_meeting(program=program, name="Friday Noon", location=make_location(city="Camden"))
    url = reverse("admin:meetings_meeting_changelist")

    by_group = admin_client.get(url, {"q": "serenity"})
    by_city = admin_client.get(url, {"q": "camden"})

    assert [m.name for m in by_group.context["cl"].result_list] == ["Monday Night"]
    assert [m.name for m in by_city.context["cl"].result_list] == ["Friday Noon"]


def test_it_shows_the_meetings_at_a_location(admin_client):
    program = make_program()
    hall = make_location()
    tuesday = make_meeting(program=program, name="Tuesday Hope", location=hall)
    make_meeting(program=program, name="Saturday Step", location=hall, weekday=Weekday.SATURDAY)
    make_meeting(program=program, name="Elsewhere")

    response = admin_client.get(reverse("admin:meetings_location_change", args=[hall.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Meetings at this location" in html
    assert "Tuesday Hope" in html and "Saturday Step" in html
    assert "Elsewhere" not in html
    assert reverse("admin:meetings_meeting_change", args=[tuesday.pk]) in html
    (inline,) = response.context["inline_admin_formsets"]
    assert len(inline.formset.forms) == 2
    assert not inline.has_add_permission
    assert not inline.has_delete_permission


def test_it_saves_a_location_that_has_meetings(admin_client):
    program = make_program()
    hall = make_location()
    meeting = make_meeting(program=program, location=hall)
    data = {
        "name": "St. Mark's Church Hall",
        "address": hall.address,
        "city": hall.city,
        "timezone": hall.timezone,
        "meetings-TOTAL_FORMS": "1",
        "meetings-INITIAL_FORMS": "1",
        "meetings-MIN_NUM_FORMS": "0",
        "meetings-MAX_NUM_FORMS": "0",
        "meetings-0-id": meeting.pk,
        "meetings-0-location": hall.pk,
    }

    response = admin_client.post(reverse("admin:meetings_location_change", args=[hall.pk]), data)

    assert response.status_code == 302
    hall.refresh_from_db()
    assert hall.name == "St. Mark's Church Hall"
    assert Meeting.objects.get().location == hall


@pytest.mark.parametrize("locations", [3, 60])
@pytest.mark.parametrize("params", ["", "?q=walnut", "?o=1"], ids=["first page", "search", "sorted"])
def test_it_lists_locations_in_a_fixed_number_of_queries(admin_client, django_assert_num_queries, locations, params):
    for n in range(locations):
        make_location(name=f"Hall {n:02}", region=make_region())
    url = reverse("admin:meetings_location_changelist") + params
    admin_client.get(url)

    # The session, the user, the page's count, its rows and their regions (one query).
    with django_assert_num_queries(5):
        response = admin_client.get(url)

    rows = response.context["cl"].result_list
    html = response.content.decode()
    assert len(rows) == min(locations, 50)
    assert all(f'<td class="field-region nowrap">{location.region.name}</td>' in html for location in rows)
