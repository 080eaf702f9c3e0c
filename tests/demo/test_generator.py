import subprocess
import sys
import zoneinfo
from collections import Counter
from datetime import date

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.test import TestCase

from demo.generator import GENERATED_SOURCE, meetings_generate, parse_count
from meetings.models import Attendance, Location, Meeting, Region

N = 300


def snapshot():
    """Everything a seed decides about the generated meetings, in a comparable form."""
    meetings = Meeting.objects.filter(source=GENERATED_SOURCE).select_related("program", "location")
    return [
        (
            m.external_key,
            m.name,
            m.slug,
            m.program.slug,
            m.attendance,
            m.weekday,
            m.start_time,
            m.end_time,
            m.timezone,
            m.status,
            m.conference_url,
            m.location and (m.location.address, m.location.city, m.location.latitude, m.location.longitude),
            tuple(sorted(t.code for t in m.types.all())),
        )
        for m in meetings.prefetch_related("types").order_by("external_key")
    ]


def current_types():
    """{meeting id: its type ids} from the link table."""
    types = {}
    for meeting_id, type_id in Meeting.types.through.objects.values_list("meeting_id", "meetingtype_id"):
        types.setdefault(meeting_id, set()).add(type_id)
    return types


def versions_types():
    """{meeting id: type ids} as the meetings' first versions hold them."""
    types = {}
    links = Meeting.history.model.types.model.objects.filter(history__history_type="+")
    for meeting_id, type_id in links.values_list("history__id", "meetingtype_id"):
        types.setdefault(meeting_id, set()).add(type_id)
    return types


class GenerateMeetingsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("generate_meetings", str(N), "--seed", "7", stdout=open("/dev/null", "w"))

    def test_it_creates_n_meetings_marked_generated(self):
        self.assertEqual(Meeting.objects.count(), N)
        self.assertEqual(Meeting.objects.filter(source=GENERATED_SOURCE).count(), N)

    def test_it_loads_programs_and_types_from_the_fixtures(self):
        programs = set(Meeting.objects.values_list("program__slug", flat=True))
        self.assertIn("aa", programs)
        self.assertGreaterEqual(len(programs), 3)
        self.assertTrue(Meeting.objects.filter(types__code="medication-friendly").exists())

    def test_it_mixes_attendance_like_real_lists(self):
        mix = Counter(Meeting.objects.values_list("attendance", flat=True))
        # 60 / 15 / 25 per cent, with room for chance at N=300.
        self.assertAlmostEqual(mix[Attendance.IN_PERSON] / N, 0.60, delta=0.08)
        self.assertAlmostEqual(mix[Attendance.HYBRID] / N, 0.15, delta=0.06)
        self.assertAlmostEqual(mix[Attendance.ONLINE] / N, 0.25, delta=0.07)

    def test_it_spreads_meetings_over_many_countries_weighted_toward_the_us(self):
        countries = Counter(Location.objects.values_list("country", flat=True))
        self.assertGreaterEqual(len(countries), 10)
        us_share = countries["US"] / sum(countries.values())
        self.assertGreater(us_share, 0.35)
        self.assertLess(us_share, 0.65)

    def test_it_spreads_meetings_over_every_weekday_and_the_day(self):
        self.assertEqual(set(Meeting.objects.values_list("weekday", flat=True)), set(range(7)))
        hours = Counter(t.hour for t in Meeting.objects.values_list("start_time", flat=True))
        evening = sum(count for hour, count in hours.items() if 17 <= hour < 21)
        morning = sum(count for hour, count in hours.items() if hour < 11)
        self.assertGreater(evening, morning)
        self.assertGreater(morning, 0)

    def test_it_uses_real_iana_zones_and_a_region_tree(self):
        zones = set(Meeting.objects.values_list("timezone", flat=True))
        self.assertGreater(len(zones), 5)
        self.assertTrue(zones <= zoneinfo.available_timezones())
        location = Location.objects.filter(country="US").select_related("region__parent__parent").first()
        self.assertEqual(location.region.kind, Region.Kind.METRO)
        self.assertEqual(location.region.parent.kind, Region.Kind.STATE)
        self.assertEqual(location.region.parent.parent.slug, "us")

    def test_it_puts_locations_near_their_city(self):
        for location in Location.objects.filter(country="US")[:20]:
            # Continental US, Alaska and Hawaii all fall in this box.
            self.assertTrue(18 < location.latitude < 72, location)
            self.assertTrue(-180 <= location.longitude < -65, location)

    def test_it_generates_meetings_that_pass_full_clean(self):
        # Every seventh meeting: a spread of cities, programs and kinds, the same on every run.
        for meeting in Meeting.objects.select_related("location").order_by("pk")[::7]:
            meeting.full_clean()
            if meeting.location:
                meeting.location.full_clean()

    def test_every_meeting_and_venue_has_its_first_version_with_the_meetings_types(self):
        for model in (Meeting, Location):
            versions = model.history.filter(history_type="+")
            self.assertEqual(
                sorted(versions.values_list("id", flat=True)), sorted(model.objects.values_list("pk", flat=True))
            )
        self.assertEqual(versions_types(), current_types())
        tracked = [field.attname for field in Meeting.history.model.tracked_fields]
        for meeting in Meeting.objects.order_by("pk")[::11]:
            version = meeting.history.get()
            self.assertEqual(
                [getattr(version, name) for name in tracked], [getattr(meeting, name) for name in tracked]
            )
            self.assertEqual(version.history_change_reason, "Generated (seed 7)")

    def test_it_refuses_a_seed_already_generated(self):
        with self.assertRaisesMessage(CommandError, "seed 7 are already in the database"):
            call_command("generate_meetings", "5", "--seed", "7")
        self.assertEqual(Meeting.objects.count(), N)


def generate_and_undo(seed):
    """Generate N meetings, note them, and roll the database back, so the next run starts from the same state."""
    with transaction.atomic():
        meetings_generate(count=N, seed=seed, today=date(2026, 6, 1), chunk_size=120)
        rows = snapshot()
        transaction.set_rollback(True)
    return rows


class ReproducibilityTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        call_command("loaddata", settings.BASE_DIR / "fixtures" / "programs.json", verbosity=0)
        call_command("loaddata", settings.BASE_DIR / "fixtures" / "meeting_types.json", verbosity=0)

    def test_it_gives_the_same_meetings_for_the_same_seed(self):
        first = generate_and_undo(99)
        self.assertEqual(len(first), N)
        self.assertEqual(Meeting.objects.count(), 0)
        self.assertEqual(generate_and_undo(99), first)

    def test_it_gives_other_meetings_for_another_seed(self):
        first, other = generate_and_undo(99), generate_and_undo(100)
        self.assertNotEqual([row[1:] for row in other], [row[1:] for row in first])


@pytest.mark.parametrize("value", ["0", "-3", "abc", "2.5", "2000001"])
def test_it_refuses_a_bad_count(value):
    with pytest.raises(ValueError):
        parse_count(value)


@pytest.mark.parametrize("value", ["0", "abc", "2000001"])
def test_it_stops_the_command_on_a_bad_count(value):
    with pytest.raises(CommandError, match="N must be"):
        call_command("generate_meetings", value)


def test_it_exits_non_zero_from_the_command_line():
    result = subprocess.run(
        [sys.executable, "manage.py", "generate_meetings", "0", "--skip-checks"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "N must be between 1 and 2,000,000" in result.stderr
