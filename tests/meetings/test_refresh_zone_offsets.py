"""refresh_zone_offsets follows daylight saving: it records new offsets and recomputes those zones' meetings."""

from datetime import UTC, datetime, time

import pytest
from django.core.management import CommandError, call_command

from meetings.models import Meeting, ZoneOffset
from tests.factories import make_meeting

pytestmark = pytest.mark.django_db

MONDAY = 1
JANUARY = datetime(2027, 1, 11, 12, 0, tzinfo=UTC)  # New York on EST (UTC-5), London on GMT


@pytest.fixture
def in_january(monkeypatch):
    monkeypatch.setattr("meetings.management.commands.refresh_zone_offsets.timezone.now", lambda: JANUARY)


def run(*args):
    from io import StringIO

    out = StringIO()
    call_command("refresh_zone_offsets", *args, stdout=out)
    return out.getvalue()


def test_a_zone_whose_offset_changed_gets_it_recorded_and_its_meetings_recomputed(in_january):
    ZoneOffset.objects.create(timezone="America/New_York", minutes=-240)  # recorded in summer (EDT)
    ZoneOffset.objects.create(timezone="Europe/London", minutes=0)
    ny = make_meeting(weekday=MONDAY, start_time=time(19, 0))
    london = make_meeting(timezone="Europe/London", weekday=MONDAY, start_time=time(19, 0))
    assert ny.utc_start == 1440 + 19 * 60 + 240

    output = run()

    assert "America/New_York: UTC-240 -> UTC-300 min, 1 meetings" in output
    assert "1 zones recomputed" in output
    assert ZoneOffset.objects.get(timezone="America/New_York").minutes == -300
    ny.refresh_from_db()
    london.refresh_from_db()
    assert ny.utc_start == 2 * 1440  # Monday 19:00 EST is Tuesday 00:00 UTC
    assert london.utc_start == 1440 + 19 * 60


def test_a_second_run_changes_nothing(in_january):
    ZoneOffset.objects.create(timezone="America/New_York", minutes=-240)
    make_meeting()
    run()
    assert "0 zones recomputed" in run()


def test_all_repairs_clocks_written_outside_django(in_january):
    ZoneOffset.objects.create(timezone="America/New_York", minutes=-300)
    meeting = make_meeting(weekday=MONDAY, start_time=time(19, 0))
    Meeting.objects.filter(pk=meeting.pk).update(utc_start=7)
    assert "0 zones recomputed" in run()
    run("--all")
    meeting.refresh_from_db()
    assert meeting.utc_start == 2 * 1440


def test_a_meeting_in_a_zone_the_database_does_not_know_fails_the_run_and_names_the_zone(in_january):
    meeting = make_meeting()
    Meeting.objects.filter(pk=meeting.pk).update(timezone="Mars/Olympus_Mons")
    with pytest.raises(CommandError, match="Mars/Olympus_Mons"):
        run()
    assert not ZoneOffset.objects.filter(timezone="Mars/Olympus_Mons").exists()
