"""Weekly wall-clock times in IANA zones: next occurrences and labels, correct across DST changes."""

import zoneinfo
from datetime import UTC, datetime, timedelta
from functools import lru_cache


def sunday_weekday(moment):
    """The Meeting Guide weekday (0 = Sunday) of a datetime."""
    return (moment.weekday() + 1) % 7


def local_datetime(day, time, zone):
    """A wall-clock time on a day in a zone; a time skipped by a DST change moves forward past the gap."""
    naive = datetime.combine(day, time)
    aware = naive.replace(tzinfo=zone)
    # Round-tripping through UTC normalises a non-existent local time (e.g. 02:30 on a spring-forward night).
    return aware.astimezone(UTC).astimezone(zone)


def next_start(weekday, start_time, zone, now):
    """The next start at or after `now` of a meeting held every `weekday` at `start_time` in `zone`."""
    local_now = now.astimezone(zone)
    days_ahead = (weekday - sunday_weekday(local_now)) % 7
    candidate = local_datetime(local_now.date() + timedelta(days=days_ahead), start_time, zone)
    if candidate < now:
        candidate = local_datetime(local_now.date() + timedelta(days=days_ahead + 7), start_time, zone)
    return candidate


def offset_minutes(moment, zone):
    """A zone's offset from UTC at a moment, in whole minutes (east positive)."""
    return int(moment.astimezone(zone).utcoffset().total_seconds() // 60)


def zone_city(name):
    """A readable place for an IANA zone name: America/Los_Angeles -> Los Angeles."""
    return name.rsplit("/", 1)[-1].replace("_", " ")


@lru_cache(maxsize=1024)
def get_zone(name):
    # ZoneInfo keeps only the last 8 zones it built; a search looks at a few hundred, so keep them all here.
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
