import datetime as dt
import io
import math
import re

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from demo import data as demo_data
from demo.samples import DEMO_SOURCE, demo_data_loaded
from groups.models import Group
from meetings.models import Attendance, Location, Meeting, Region

COUNT = 150  # small, for speed; the default run builds 2,000


def seed(**options):
    out = io.StringIO()
    call_command("seed_demo", count=options.pop("count", COUNT), stdout=out, **options)
    return out.getvalue()


def demo_meetings():
    return Meeting.objects.filter(source=DEMO_SOURCE)


def miles_between(lat1, lon1, lat2, lon2):
    lat1, lon1, lat2, lon2 = map(math.radians, (lat1, lon1, lat2, lon2))
    a = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 3958.8 * 2 * math.asin(math.sqrt(a))


def snapshot():
    """Every row the command could touch, with `updated`, plus the size of every table."""
    return {
        "meetings": sorted(demo_meetings().values_list(), key=repr),
        "types": sorted(Meeting.types.through.objects.values_list("meeting_id", "meetingtype_id")),
        "locations": sorted(Location.objects.values_list(), key=repr),
        "groups": sorted(Group.objects.values_list(), key=repr),
        "regions": sorted(Region.objects.values_list(), key=repr),
        "counts": {model._meta.label: model._default_manager.count() for model in apps.get_models()},
    }


def natural_snapshot():
    """The demo meetings without database ids or timestamps, so two builds can be compared."""
    rows = {}
    for meeting in demo_meetings().select_related("program", "group", "location__region"):
        rows[meeting.external_key] = (
            meeting.program.slug,
            meeting.group.slug if meeting.group else None,
            meeting.name,
            meeting.slug,
            meeting.attendance,
            meeting.weekday,
            meeting.start_time,
            meeting.end_time,
            meeting.timezone,
            (
                meeting.location.name,
                meeting.location.formatted_address,
                meeting.location.latitude,
                meeting.location.longitude,
                meeting.location.region.slug,
            )
            if meeting.location
            else None,
            meeting.conference_url,
            meeting.conference_phone,
            meeting.join_on_request,
            meeting.notes,
            meeting.status,
            meeting.last_verified,
            tuple(sorted(meeting.types.values_list("code", flat=True))),
        )
    return rows


@pytest.mark.django_db
def test_it_builds_meetings_of_many_programs_in_several_time_zones():
    output = seed()

    meetings = demo_meetings()
    assert meetings.count() == COUNT
    assert len(set(meetings.values_list("program__slug", flat=True))) >= 12
    zones = set(meetings.values_list("timezone", flat=True))
    assert len(zones) >= 4
    assert {"America/New_York", "Australia/Melbourne"} <= zones
    assert meetings.filter(location__state="PA").exists()
    assert meetings.filter(location__region__slug="au-vic-melbourne").exists()
    assert "created" in output and output.count("\n") == 1


@pytest.mark.django_db
def test_it_builds_a_region_tree_with_a_time_zone_on_every_node():
    seed()

    university_city = Region.objects.get(slug="us-pa-philadelphia-university-city")
    assert [r.slug for r in university_city.ancestors()] == ["us", "us-pa", "us-pa-philadelphia"]
    assert university_city.kind == Region.Kind.NEIGHBOURHOOD
    assert Region.objects.get(slug="au-vic-melbourne").parent.parent.slug == "au"
    assert Region.objects.get(slug="gb-eng-london").timezone == "Europe/London"
    zones = set(Region.objects.values_list("timezone", flat=True))
    assert {
        "America/New_York",
        "America/Chicago",
        "America/Denver",
        "America/Los_Angeles",
        "Australia/Melbourne",
        "Australia/Sydney",
        "Europe/London",
    } <= zones


@pytest.mark.django_db
def test_it_makes_every_meeting_pass_full_clean():
    seed()

    for meeting in demo_meetings().select_related("location"):
        meeting.full_clean()
        assert meeting.source == DEMO_SOURCE
        assert re.fullmatch(r"demo-\d{5}", meeting.external_key)
        assert meeting.end_time is not None
        if meeting.location:
            assert meeting.timezone == meeting.location.timezone
            assert not meeting.location.approximate
    for location in Location.objects.all():
        location.full_clean()
    for group in Group.objects.all():
        group.full_clean()
    assert len(set(demo_meetings().values_list("slug", flat=True))) == COUNT


@pytest.mark.django_db
def test_it_changes_nothing_the_second_time():
    seed()
    before = snapshot()

    output = seed()

    assert snapshot() == before
    assert "0 created, 0 updated" in output
    assert f"{COUNT} unchanged" in output


@pytest.mark.django_db
def test_it_builds_the_same_data_for_the_same_seed():
    assert demo_data.build_plan(seed=7, count=COUNT) == demo_data.build_plan(seed=7, count=COUNT)
    assert demo_data.build_plan(seed=7, count=COUNT) != demo_data.build_plan(seed=8, count=COUNT)

    seed(seed=7)
    first = natural_snapshot()
    demo_meetings().delete()
    seed(seed=7)

    assert natural_snapshot() == first


@pytest.mark.django_db
def test_it_brings_existing_demo_meetings_in_line_with_the_plan():
    seed()
    meeting = demo_meetings().get(external_key="demo-00001")
    original_name = meeting.name
    Meeting.objects.filter(pk=meeting.pk).update(name="Edited by hand")
    meeting.types.clear()

    output = seed()

    meeting.refresh_from_db()
    assert meeting.name == original_name
    assert meeting.types.exists()
    assert "1 updated" in output

    seed(count=100)
    assert demo_meetings().count() == 100


@pytest.mark.django_db
def test_every_listing_gets_its_first_version_with_the_meetings_types():
    from groups.models import Program
    from tests.demo.test_generator import current_types, versions_types

    seed()

    for model in (Meeting, Location, Group, Program):
        versions = model.history.filter(history_type="+")
        assert sorted(versions.values_list("id", flat=True)) == sorted(model.objects.values_list("pk", flat=True))
    assert versions_types() == current_types()
    tracked = [field.attname for field in Meeting.history.model.tracked_fields]
    for meeting in demo_meetings():
        version = meeting.history.get()
        assert [getattr(version, name) for name in tracked] == [getattr(meeting, name) for name in tracked]
        assert version.history_change_reason == "Demo data (seed 2026)"


@pytest.mark.django_db
def test_bringing_a_meeting_back_in_line_with_the_plan_is_a_version_with_its_types():
    seed()
    meeting = demo_meetings().get(external_key="demo-00001")
    name, types = meeting.name, set(meeting.types.values_list("pk", flat=True))
    Meeting.objects.filter(pk=meeting.pk).update(name="Edited by hand")
    meeting.types.clear()

    seed()

    latest = meeting.history.latest()
    assert (latest.history_type, latest.name) == ("~", name)
    assert set(latest.types.values_list("meetingtype_id", flat=True)) == types


@pytest.mark.django_db
def test_it_gives_every_online_meeting_a_way_to_join():
    seed()

    online = demo_meetings().exclude(attendance=Attendance.IN_PERSON)
    assert online.filter(attendance=Attendance.ONLINE).exists()
    assert online.filter(attendance=Attendance.HYBRID).exists()
    for meeting in online:
        assert meeting.conference_url or meeting.conference_phone or meeting.join_on_request
        if meeting.conference_url:
            assert re.fullmatch(r"https://zoom\.us/j/\d{10}", meeting.conference_url)
    assert not demo_meetings().filter(attendance=Attendance.ONLINE, location__isnull=False).exists()
    assert not demo_meetings().filter(attendance=Attendance.HYBRID, location__isnull=True).exists()


@pytest.mark.django_db
def test_it_lists_online_medication_friendly_meetings():
    seed()

    online = demo_meetings().filter(attendance=Attendance.ONLINE, status="active")
    medication_friendly = online.filter(types__code="medication-friendly")
    assert medication_friendly.count() >= 7
    assert set(medication_friendly.values_list("weekday", flat=True)) == set(range(7))
    # Every MARA and SMART Recovery meeting is marked medication-friendly.
    for slug in ("mara", "smart-recovery"):
        program_meetings = demo_meetings().filter(program__slug=slug)
        assert program_meetings.exists()
        assert program_meetings.exclude(types__code="medication-friendly").count() == 0


def test_it_spreads_online_medication_friendly_starts_over_the_whole_week_at_full_size():
    plan = demo_data.build_plan(count=demo_data.DEFAULT_COUNT)
    monday = dt.date(2026, 1, 5)  # a Monday; weekday 0 in the plan is Sunday
    starts = []
    for row in plan.meetings:
        if row["attendance"] == "online" and "medication-friendly" in row["types"] and row["status"] == "active":
            day = monday + dt.timedelta(days=(row["weekday"] - 1) % 7)
            local = dt.datetime.combine(day, row["start_time"], tzinfo=demo_data.zoneinfo.ZoneInfo(row["timezone"]))
            utc = local.astimezone(dt.UTC)
            starts.append((utc.weekday() * 24 * 60 + utc.hour * 60 + utc.minute) % (7 * 24 * 60))
    starts.sort()
    gaps = [(starts[(i + 1) % len(starts)] - starts[i]) % (7 * 24 * 60) for i in range(len(starts))]
    assert max(gaps) < 120  # "online, medication-friendly, starting in the next 2 hours" always finds one


@pytest.mark.django_db
def test_it_lists_womens_meetings_on_tuesday_evening_near_19104():
    seed()

    found = [
        meeting
        for meeting in demo_meetings()
        .filter(
            weekday=2,
            types__code="women",
            attendance__in=[Attendance.IN_PERSON, Attendance.HYBRID],
            start_time__gte=dt.time(17),
            start_time__lt=dt.time(21),
            status="active",
        )
        .select_related("location")
        if miles_between(39.9566, -75.1899, meeting.location.latitude, meeting.location.longitude) <= 10
    ]
    assert len(found) >= 3


@pytest.mark.django_db
def test_it_keeps_group_contacts_to_roles():
    seed()

    roles = set(Group.objects.values_list("contact_role", flat=True))
    assert roles
    assert roles <= {
        "Secretary",
        "Chair",
        "Group service representative",
        "Treasurer",
        "Facilitator",
        "Host",
        "Convenor",
    }
    for email in Group.objects.exclude(contact_email="").values_list("contact_email", flat=True):
        assert email.endswith("@example.org")


@pytest.mark.django_db
def test_it_places_venues_at_real_coordinates_near_their_neighbourhood():
    seed()

    for location in Location.objects.filter(region__slug="us-pa-philadelphia-university-city"):
        assert location.postal_code == "19104"
        assert miles_between(39.9566, -75.1899, location.latitude, location.longitude) < 2
    for location in Location.objects.all():
        assert location.formatted_address.startswith(location.address)
        assert location.country in {"US", "AU", "GB"}


@pytest.mark.django_db
def test_it_lets_every_page_know_sample_data_is_loaded():
    assert demo_data_loaded() is False  # now cached

    seed()

    assert demo_data_loaded() is True


@pytest.mark.django_db
def test_it_refuses_a_count_too_small_to_be_believable():
    with pytest.raises(CommandError):
        seed(count=5)
    assert not demo_meetings().exists()


def test_it_dates_last_confirmed_within_the_18_months_before_the_day_it_is_seeded():
    day = dt.date(2027, 3, 1)
    plan = demo_data.build_plan(seed=7, count=COUNT, today=day)
    dates = [meeting["last_verified"] for meeting in plan.meetings if meeting["last_verified"]]
    assert max(dates) <= day and min(dates) >= day - dt.timedelta(days=demo_data.CONFIRMED_SPAN_DAYS)
    assert max(dates) > day - dt.timedelta(days=60)  # recent confirmations, not a year stale
    assert plan == demo_data.build_plan(seed=7, count=COUNT, today=day)  # the same seed and day: the same data
    later = demo_data.build_plan(seed=7, count=COUNT, today=day + dt.timedelta(days=30))
    assert [m["start_time"] for m in later.meetings] == [m["start_time"] for m in plan.meetings]
