"""Time-aware search conditions: "today", "now" and "soonest first", computed in each meeting's own zone.

Meetings repeat at a local wall-clock time. Zones that share the same local wall clock at the moments that
matter are grouped, so one condition serves each group and the SQL stays small however many meetings exist.
"""

import math
from collections import defaultdict
from datetime import datetime, time, timedelta

from django.core.cache import cache
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.db.models.functions import ExtractHour, ExtractMinute, Mod

from meetings.timeutil import get_zone, sunday_weekday

MINUTES_PER_WEEK = 7 * 24 * 60
DEFAULT_DURATION = timedelta(minutes=60)  # as Meeting Guide clients assume when end_time is missing
# The longest meeting "in progress" looks back for; longer gatherings are rare enough to ignore.
MAX_DURATION = timedelta(hours=4)
ZONES_CACHE_KEY = "meeting-zones"

# Meeting Guide clients' (TSML UI) parts of the day; they overlap on purpose, and night wraps past midnight.
TIME_OF_DAY = {
    "morning": (time(4, 0), time(11, 59)),
    "midday": (time(11, 0), time(16, 59)),
    "evening": (time(16, 0), time(20, 59)),
    "night": (time(20, 0), time(4, 59)),
}


def meeting_zones():
    """The distinct time zones meetings use (cached: it changes only when a new zone appears)."""
    from meetings.models import Meeting

    zones = cache.get(ZONES_CACHE_KEY)
    if zones is None:
        zones = sorted(set(Meeting.objects.order_by().values_list("timezone", flat=True).distinct()))
        cache.set(ZONES_CACHE_KEY, zones, 300)
    return zones


def _group_zones(zones, key):
    groups = defaultdict(list)
    for name in zones:
        zone = get_zone(name)
        if zone is not None:
            groups[key(zone)].append(name)
    return groups


def _local(now, zone):
    return now.astimezone(zone).replace(tzinfo=None)


def starts_between(start, end):
    """Meetings whose local start lies in (start, end], both naive local datetimes less than a week apart."""
    condition = Q(pk__in=[])
    day = start.date()
    while day <= end.date():
        q = Q(weekday=sunday_weekday(day))
        if day == start.date():
            q &= Q(start_time__gt=start.time())
        if day == end.date():
            q &= Q(start_time__lte=end.time())
        condition |= q
        day += timedelta(days=1)
    return condition


def in_progress_at(local_now):
    """Meetings in progress at a naive local datetime: started and not yet ended (end or start + 60 min).

    Only starts within the last MAX_DURATION are considered, so the database reads a narrow
    weekday/time range of its index instead of every meeting earlier today.
    """
    today, now_time = sunday_weekday(local_now), local_now.time()
    yesterday = (today - 1) % 7
    ends_same_day = Q(end_time__gt=F("start_time"))
    ends_next_day = Q(end_time__lt=F("start_time"))
    still_running = (
        Q(weekday=today) & (ends_same_day & Q(end_time__gt=now_time) | ends_next_day)
        | Q(weekday=yesterday) & ends_next_day & Q(end_time__gt=now_time)
        | Q(end_time__isnull=True) & starts_between(local_now - DEFAULT_DURATION, local_now)
    )
    started = starts_between(local_now - MAX_DURATION, local_now) | Q(weekday=today, start_time=now_time)
    return started & still_running


def today_q(now, zones):
    """Meetings whose day is today where they meet."""
    condition = Q(pk__in=[])
    for weekday, names in _group_zones(zones, lambda zone: sunday_weekday(now.astimezone(zone))).items():
        condition |= Q(timezone__in=names, weekday=weekday)
    return condition


def now_q(now, hours, zones):
    """Meetings in progress now or starting within the next `hours`, exact across DST changes."""
    later = now + timedelta(hours=hours)
    condition = Q(pk__in=[])
    # The window's end is the local wall time `hours` from now, which differs from local now + hours
    # when a DST change falls in between; so zones are grouped by both ends.
    groups = _group_zones(zones, lambda zone: (_local(now, zone), _local(later, zone)))
    for (local_now, local_later), names in groups.items():
        condition |= Q(timezone__in=names) & (in_progress_at(local_now) | starts_between(local_now, local_later))
    return condition


def in_progress_q(now, zones):
    condition = Q(pk__in=[])
    for local_now, names in _group_zones(zones, lambda zone: _local(now, zone)).items():
        condition |= Q(timezone__in=names) & in_progress_at(local_now)
    return condition


def minute_of_week(local):
    return sunday_weekday(local) * 1440 + local.hour * 60 + local.minute


def soonest_order(queryset, now, zones):
    """Order by minutes until the next start; meetings in progress first."""
    now_minute = Case(
        *[
            When(timezone__in=names, then=Value(minute))
            for minute, names in _group_zones(zones, lambda zone: minute_of_week(_local(now, zone))).items()
        ],
        default=Value(0),
        output_field=IntegerField(),
    )
    start_minute = F("weekday") * 1440 + ExtractHour("start_time") * 60 + ExtractMinute("start_time")
    until = Mod(start_minute - now_minute + MINUTES_PER_WEEK, MINUTES_PER_WEEK)
    key = Case(When(in_progress_q(now, zones), then=Value(-1)), default=until, output_field=IntegerField())
    return queryset.annotate(minutes_until=key).order_by("minutes_until", "name", "pk")


def window_hours(total, needed):
    """Hours ahead that should hold `needed` of `total` meetings spread over a week, with room to spare.

    None means "the whole week": for sparse results a full sort is as cheap as a window.
    """
    if total <= 0:
        return None
    hours = max(2, math.ceil(3 * needed * 168 / total))
    return hours if hours <= 48 else None


def soonest_slice(queryset, *, now, zones, offset, limit, total):
    """A page of a soonest-first queryset, read from a window of the next hours when that suffices.

    Sorting every matching meeting to show the first few is the slow part of a large directory. Every
    meeting outside "in progress or starting within H hours" sorts after every meeting inside it, so when
    the window holds the whole page, the page read from the window is exact; otherwise read it all.
    """
    wanted = max(0, min(limit, total - offset))
    hours = window_hours(total, offset + limit)
    if hours is not None:
        rows = list(queryset.filter(now_q(now, hours, zones))[offset : offset + limit])
        if len(rows) == wanted:
            return rows
    return list(queryset[offset : offset + limit])


def time_of_day_q(part):
    start, end = TIME_OF_DAY[part]
    if start <= end:
        return Q(start_time__gte=start, start_time__lte=end)
    return Q(start_time__gte=start) | Q(start_time__lte=end)


def occurrence_state(meeting, now):
    """For a result row: whether it is in progress, and minutes until it starts (None when far off)."""
    from meetings.timeutil import local_datetime, next_start

    zone = meeting.zone
    start = next_start(meeting.weekday, meeting.start_time, zone, now)
    previous = start - timedelta(days=7)
    previous = local_datetime(previous.astimezone(zone).date(), meeting.start_time, zone)
    if meeting.end_time:
        day = datetime.min.date()
        duration = datetime.combine(day, meeting.end_time) - datetime.combine(day, meeting.start_time)
        if duration <= timedelta(0):
            duration += timedelta(days=1)
    else:
        duration = DEFAULT_DURATION
    in_progress = previous <= now < previous + duration or start <= now < start + duration
    minutes = int((start - now).total_seconds() // 60)
    return {"start": start, "in_progress": in_progress, "minutes_until": minutes}
