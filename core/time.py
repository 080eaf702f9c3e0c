"""Weekly wall-clock times in IANA zones: zones, minutes of the week, next occurrences, and how a time is written.

A meeting repeats at a local wall-clock time in a zone. Everything here is exact across daylight-saving
changes; the search keeps a UTC minute of the week per meeting (search.clock) built from these.
"""

import zoneinfo
from datetime import UTC, datetime, time, timedelta
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils import dateformat
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

MINUTES_PER_DAY = 24 * 60
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY
# Meeting Guide clients assume an hour when a meeting gives no end time.
DEFAULT_DURATION_MINUTES = 60

# How times are written: for people (in the page's language) and for the interchange standards.
CLOCK_12H = "g:i A"  # "7:05 PM": pages, printed lists, the 12 Step Meeting List spreadsheet
CLOCK_24H = "H:i"  # "19:05": Meeting Guide, the search API, change requests
CLOCK_24H_SECONDS = "H:i:s"  # "19:05:00": BMLT

# The shape of an IANA zone name ("UTC", "America/Argentina/Buenos_Aires"). The database checks the
# shape; validate_timezone checks the name against the zone database, whose list changes with tzdata
# releases and so cannot be frozen into a migration.
TIMEZONE_SHAPE = r"^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$"


@lru_cache(maxsize=1)
def available_timezones():
    return frozenset(zoneinfo.available_timezones())


def validate_timezone(value):
    if value not in available_timezones():
        raise ValidationError(
            _("%(value)s is not a time zone. Use an IANA name such as America/New_York or Australia/Sydney."),
            params={"value": value},
            code="invalid_timezone",
        )


@lru_cache(maxsize=1024)
def get_zone(name):
    """The zone of that name, or None; kept, since ZoneInfo() keeps only the last eight it built."""
    try:
        return zoneinfo.ZoneInfo(name)
    # OSError: a folder of the zone data ("America", "Etc") is opened as a file and fails.
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError, OSError):
        return None


def zone_city(name):
    """A readable place for an IANA zone name: America/Los_Angeles -> Los Angeles."""
    return name.rsplit("/", 1)[-1].replace("_", " ") if name else ""


def sunday_weekday(moment):
    """The Meeting Guide weekday (0 = Sunday) of a date or datetime."""
    return (moment.weekday() + 1) % 7


def offset_minutes(moment, zone):
    """A zone's offset from UTC at a moment, in whole minutes (east positive)."""
    return int(moment.astimezone(zone).utcoffset().total_seconds() // 60)


def week_minute(moment):
    """Minutes since Sunday 00:00 UTC of an aware datetime."""
    utc = moment.astimezone(UTC)
    return sunday_weekday(utc) * MINUTES_PER_DAY + utc.hour * 60 + utc.minute


def utc_week_minute(weekday, start_time, offset):
    """A local weekday and start as minutes since Sunday 00:00 UTC, in a zone `offset` minutes east of UTC."""
    return (weekday * MINUTES_PER_DAY + start_time.hour * 60 + start_time.minute - offset) % MINUTES_PER_WEEK


def duration_minutes(start_time, end_time):
    """How long a meeting lasts: to its end (past midnight if the end is earlier), else an hour."""
    if end_time is None:
        return DEFAULT_DURATION_MINUTES
    minutes = (end_time.hour * 60 + end_time.minute) - (start_time.hour * 60 + start_time.minute)
    return minutes if minutes > 0 else minutes + MINUTES_PER_DAY


def local_datetime(day, wall_clock, zone):
    """A wall-clock time on a day in a zone; a time skipped by a DST change moves forward past the gap."""
    aware = datetime.combine(day, wall_clock).replace(tzinfo=zone)
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


def clock(value, pattern=CLOCK_12H):
    """A time of day as text in one of the patterns above ("" for none): the one way times are written.

    Feeds write hundreds of thousands of times, and a day has only 1,440 minutes: each (minute, pattern,
    language) is worked out once.
    """
    if value is None:
        return ""
    return _clock(value.hour, value.minute, value.second, pattern, get_language())


@lru_cache(maxsize=8192)
def _clock(hour, minute, second, pattern, language):
    return dateformat.time_format(time(hour, minute, second), pattern)
