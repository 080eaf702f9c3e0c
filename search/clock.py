"""Time-aware search conditions: "today", "now" and "soonest first", computed in each meeting's own zone.

Meetings repeat at a local wall-clock time. Each meeting also stores its start as a minute of the week in
UTC (`utc_start`, computed with its zone's offset recorded in ZoneOffset), so "in progress", "starting
within N hours" and "soonest first" are one or two ranges of one indexed column whatever the zones.

A zone whose offset at the moments that matter differs from the recorded one (a daylight-saving change
inside the window, or one cron's `refresh_zone_offsets` has not caught up with yet) is "stale": its
meetings are matched with exact wall-clock conditions instead. Zones that share the same local wall clock
are grouped, so that fallback stays small too.
"""

import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from functools import lru_cache
from uuid import uuid4

from django.core.cache import cache
from django.db.models import Case, ExpressionWrapper, F, IntegerField, Q, Value, When
from django.db.models.functions import Mod

from core.time import get_zone, offset_minutes, sunday_weekday

MINUTES_PER_WEEK = 7 * 24 * 60
DEFAULT_DURATION = timedelta(minutes=60)  # as Meeting Guide clients assume when end_time is missing
# The longest meeting "in progress" looks back for; longer gatherings are rare enough to ignore.
MAX_DURATION = timedelta(hours=4)
# A token naming the current copy of the recorded offsets (see _offsets_state).
OFFSETS_CACHE_KEY = "zone-offsets-token"

# Meeting Guide clients' (TSML UI) parts of the day; they overlap on purpose, and night wraps past midnight.
TIME_OF_DAY = {
    "morning": (time(4, 0), time(11, 59)),
    "midday": (time(11, 0), time(16, 59)),
    "evening": (time(16, 0), time(20, 59)),
    "night": (time(20, 0), time(4, 59)),
}


@dataclass(frozen=True)
class _Offsets:
    token: str | None
    offsets: dict  # {zone: minutes}
    zones: tuple  # sorted
    recorded: tuple  # the offsets in the order of `zones`


_offsets = None


def _offsets_state():
    """The process's copy of the recorded offsets, read again when the token in the shared cache changes.

    Every search asks several times a request; unpickling a few hundred zones from the cache each time,
    and sorting them, cost more than a millisecond a search.
    """
    from meetings.models import ZoneOffset

    global _offsets
    token, known = cache.get(OFFSETS_CACHE_KEY), _offsets
    if token is not None and known is not None and known.token == token:
        return known
    offsets = dict(ZoneOffset.objects.values_list("timezone", "minutes"))
    if token is None:
        token = uuid4().hex
        if not cache.add(OFFSETS_CACHE_KEY, token, 60):
            token = None  # another process read them meanwhile, maybe after a change: read them again
    zones = tuple(sorted(offsets))
    _offsets = _Offsets(token, offsets, zones, tuple(offsets[zone] for zone in zones))
    return _offsets


def recorded_offsets():
    """{zone: offset in minutes} that meetings' utc_start were computed with, for every zone meetings use.

    Read again within a minute; ZoneOffset.forget_cached (after recording a zone, and after
    refresh_zone_offsets) makes every process read them again at once. Shared: never change it.
    """
    return _offsets_state().offsets


def meeting_zones():
    """The time zones meetings use (every zone a meeting is saved with gets its ZoneOffset row), sorted."""
    return _offsets_state().zones


def week_minute(moment):
    """Minutes since Sunday 00:00 UTC of an aware datetime."""
    utc = moment.astimezone(UTC)
    return sunday_weekday(utc) * 1440 + utc.hour * 60 + utc.minute


def _utc_range(low, high):
    """Meetings whose utc_start lies in (low, high] on the weekly circle (high - low < a week)."""
    if high - low >= MINUTES_PER_WEEK:
        return Q()
    low, high = low % MINUTES_PER_WEEK, high % MINUTES_PER_WEEK
    if low <= high:
        return Q(utc_start__gt=low, utc_start__lte=high)
    return Q(utc_start__gt=low) | Q(utc_start__lte=high)


def week_pieces(low, high):
    """(low, high] on the weekly circle, as _utc_range matches it, in half-open pieces [start, end) of the
    week's minutes 0..MINUTES_PER_WEEK, in order: one piece, or two when the range wraps past Sunday 00:00."""
    if high - low >= MINUTES_PER_WEEK:
        return ((0, MINUTES_PER_WEEK),)
    start, end = (low + 1) % MINUTES_PER_WEEK, (high + 1) % MINUTES_PER_WEEK
    if start < end:
        return ((start, end),)
    return tuple(piece for piece in ((0, end), (start, MINUTES_PER_WEEK)) if piece[0] < piece[1])


def intersect_pieces(first, second):
    """The minutes in both lists of pieces (None: every minute), as pieces in order, none of them empty."""
    if first is None and second is None:
        return None
    if first is None or second is None:
        found = second if first is None else first
    else:
        found = [(max(a, c), min(b, d)) for a, b in first for c, d in second]
    return tuple(sorted(piece for piece in found if piece[0] < piece[1]))


@dataclass
class Clock:
    """'Now' for the indexed column: the UTC minute of the week, and which zones must use wall clocks."""

    now: datetime
    minute: int
    stale: list

    @classmethod
    def at(cls, now, zones, hours=0):
        """Zones are fresh when their offset over [now - MAX_DURATION, now + hours] is the recorded one."""
        state = _offsets_state()
        zones = tuple(zones)
        if zones == state.zones:
            recorded = state.recorded  # nearly always: meeting_zones()
        else:
            recorded = tuple(state.offsets.get(name) for name in zones)
        stale = _stale_zones(int(now.timestamp() // 60), float(hours), zones, recorded)
        return cls(now=now, minute=week_minute(now), stale=list(stale))

    def fresh_only(self, condition):
        return condition & ~Q(timezone__in=self.stale) if self.stale else condition

    def in_progress(self):
        """Started within MAX_DURATION and not yet over (its end, or start + 60 minutes)."""
        lookback = int(MAX_DURATION.total_seconds() // 60)
        now = self.minute
        if now >= lookback:
            condition = Q(utc_start__gt=now - lookback, utc_start__lte=now) & Q(
                utc_start__gt=now - F("duration_minutes")
            )
        else:
            # The window reaches back past Sunday 00:00 UTC into the end of the previous week.
            condition = Q(utc_start__lte=now) & Q(utc_start__gt=now - F("duration_minutes")) | Q(
                utc_start__gt=now - lookback + MINUTES_PER_WEEK
            ) & Q(utc_start__gt=now + MINUTES_PER_WEEK - F("duration_minutes"))
        fast = self.fresh_only(condition)
        if not self.stale:
            return fast
        return fast | _wall_clock(self.now, self.stale, lambda local_now, local_later: in_progress_at(local_now))

    def current_or_upcoming(self, hours):
        """In progress now or starting within `hours`: one range of utc_start, the rest checked per row.

        One range (rather than "in progress" OR "starting soon", two ranges) lets the database answer from
        the covering index alone (meeting_listed_clock_idx: start, duration and the columns filters read)
        instead of visiting the table for every meeting of the last four hours. Only a window across
        Sunday 00:00 UTC splits in two.
        """
        lookback = int(MAX_DURATION.total_seconds() // 60)
        now, high = self.minute, self.minute + int(hours * 60)
        if high - (now - lookback) >= MINUTES_PER_WEEK:
            return self.in_progress() | self.starting_within(hours)

        def not_over(shift):
            # Not over yet (or not begun), where utc_start + shift is the start in the same week as now.
            return Q(utc_start__gt=now - shift - F("duration_minutes"))

        low = now - lookback
        if low < 0:
            # Meetings late in the previous week (their start a week earlier) may still be running.
            condition = Q(utc_start__gt=low + MINUTES_PER_WEEK) & not_over(-MINUTES_PER_WEEK) | Q(
                utc_start__lte=high
            ) & not_over(0)
        elif high >= MINUTES_PER_WEEK:
            condition = Q(utc_start__gt=low) & not_over(0) | Q(utc_start__lte=high - MINUTES_PER_WEEK)
        else:
            condition = Q(utc_start__gt=low, utc_start__lte=high) & not_over(0)
        fast = self.fresh_only(condition)
        if not self.stale:
            return fast
        later = self.now + timedelta(hours=hours)
        return fast | _wall_clock(
            self.now,
            self.stale,
            lambda local_now, local_later: in_progress_at(local_now) | starts_between(local_now, local_later),
            later,
        )

    def starting_within(self, hours):
        minutes = int(hours * 60)
        fast = self.fresh_only(_utc_range(self.minute, self.minute + minutes))
        if not self.stale:
            return fast
        later = self.now + timedelta(hours=hours)
        return fast | _wall_clock(
            self.now, self.stale, lambda local_now, local_later: starts_between(local_now, local_later), later
        )

    def minutes_until(self):
        """Minutes from now to each meeting's next start, as an SQL expression."""
        fresh = Mod(F("utc_start") - self.minute + MINUTES_PER_WEEK, MINUTES_PER_WEEK)
        if not self.stale:
            return fresh
        # Stale zones: shift by the difference between the offset now and the recorded one.
        recorded = recorded_offsets()
        whens = []
        for name in self.stale:
            shift = offset_minutes(self.now, get_zone(name)) - recorded.get(name, 0)
            whens.append(
                When(
                    timezone=name,
                    then=Mod(F("utc_start") + (-shift) - self.minute + 2 * MINUTES_PER_WEEK, MINUTES_PER_WEEK),
                )
            )
        return Case(*whens, default=fresh, output_field=IntegerField())


@lru_cache(maxsize=256)
def _stale_zones(epoch_minute, hours, zones, recorded):
    """The zones whose offset somewhere in the window differs from the recorded one (a few hundred zone
    conversions: cached, since a page asks several times a request and nothing changes within a minute;
    offsets change on whole minutes, so the minute is as exact as the second)."""
    now = datetime.fromtimestamp(epoch_minute * 60, UTC)
    moments = [now - MAX_DURATION, now, now + timedelta(hours=hours)]
    stale = []
    for name, offset in zip(zones, recorded, strict=True):
        zone = get_zone(name)
        if zone is None:
            continue
        if any(offset_minutes(moment, zone) != offset for moment in moments):
            stale.append(name)
    return tuple(stale)


def _wall_clock(now, zones, condition, later=None):
    """A wall-clock condition per group of zones sharing their local time at now (and at `later`)."""
    later = later or now
    result = Q(pk__in=[])
    for (local_now, local_later), names in _group_zones(
        zones, lambda zone: (_local(now, zone), _local(later, zone))
    ).items():
        result |= Q(timezone__in=names) & condition(local_now, local_later)
    return result


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


TODAY_MARGIN = 180  # minutes


def today_q(now, zones):
    """Meetings whose day is today where they meet.

    Zones whose offset now is the recorded one (nearly all): the meeting's local weekday now is arithmetic
    on its row, ((minute of the week now + utc_offset) mod week) div day, read from the covering index with
    no list of zones. A zone whose offset changed since (daylight saving, until refresh_zone_offsets runs)
    is matched by its wall clock, as every zone was before.
    """
    clock = Clock.at(now, zones)
    low, high = _today_bounds(clock)
    # The % operator, not Mod(): SQLite's MOD() is Django's Python function returning a float, and the
    # division below must stay integer division on both databases.
    local_minute = (Value(clock.minute + MINUTES_PER_WEEK) + F("utc_offset")) % MINUTES_PER_WEEK
    local_today = Q(weekday=ExpressionWrapper(local_minute / 1440, output_field=IntegerField()))
    # For a current zone utc_start and now are on the same offset, so today's starts lie within a day of
    # now: only that range of the index is read (the margin is room to spare, not a correction).
    near_now = _utc_range(low, high)
    fresh = clock.fresh_only(local_today & near_now)
    if not clock.stale:
        return fresh
    condition = fresh
    for weekday, names in _group_zones(clock.stale, lambda zone: sunday_weekday(now.astimezone(zone))).items():
        condition |= Q(timezone__in=names, weekday=weekday)
    return condition


def _today_bounds(clock):
    return clock.minute - 1440 - TODAY_MARGIN, clock.minute + 1440 + TODAY_MARGIN


def today_window(now, zones):
    """The pieces of the week (week_pieces) holding the utc_start of every meeting today_q matches, or None
    when a zone is stale (its meetings are matched by their wall clock, wherever they lie in the week)."""
    clock = Clock.at(now, zones)
    return None if clock.stale else week_pieces(*_today_bounds(clock))


def now_q(now, hours, zones):
    """Meetings in progress now or starting within the next `hours`, exact across DST changes."""
    return Clock.at(now, zones, hours).current_or_upcoming(hours)


def now_window(now, hours, zones):
    """As today_window, for now_q: from MAX_DURATION ago (meetings in progress) to `hours` ahead."""
    clock = Clock.at(now, zones, hours)
    if clock.stale:
        return None
    lookback = int(MAX_DURATION.total_seconds() // 60)
    return week_pieces(clock.minute - lookback, clock.minute + int(hours * 60))


def soonest_order(queryset, now, zones):
    """Order by minutes until the next start; meetings in progress first."""
    clock = Clock.at(now, zones)
    key = Case(When(clock.in_progress(), then=Value(-1)), default=clock.minutes_until(), output_field=IntegerField())
    return queryset.annotate(minutes_until=key).order_by("minutes_until", "name", "pk")


def window_hours(total, needed):
    """Hours ahead that should hold `needed` of `total` meetings spread over a week, with room to spare.

    None means "the whole week": the window with its look back for meetings in progress would cover it.
    (A window read from the covering index costs its share of the week, so even a long one pays.)
    """
    if total <= 0:
        return None
    hours = max(2, math.ceil(3 * needed * 168 / total))
    return hours if hours + MAX_DURATION.total_seconds() / 3600 < 168 else None


def soonest_page_ids(
    queryset, *, now, zones, offset, limit, total, late=None, window=True, start_order=True, within=None
):
    """The ids of a page of a soonest-first queryset (soonest_order), without sorting every match.

    Sorting every matching meeting to show the first few is the slow part of a large directory. When every
    zone's recorded offset holds now (nearly always), soonest first is three runs, each in an order the
    database can read from an index and stop after the page (see in_start_order). Otherwise a window of
    the next hours is read (window_page_ids).

    `late`: a condition to check last (see page_ids). `window=False` when something else already narrows
    the search to a few thousand meetings read by another index (a place): those are sorted whole.
    `start_order=False` when a condition the clock index does not hold (a rare keyword, found by its own
    indexes) selects few meetings: reading the index in order would test it on thousands of entries.
    `within`: pieces of the week (week_pieces) outside which no match starts (a "today" or "now" filter):
    the runs are read only where they overlap them.
    """
    if not window:
        return page_ids(queryset, offset, limit, late=late)
    clock = Clock.at(now, zones)
    if start_order and not clock.stale:
        return in_start_order(queryset, clock, offset, max(0, min(limit, total - offset)), late=late, within=within)
    return window_page_ids(queryset, now=now, zones=zones, offset=offset, limit=limit, total=total, late=late)


def in_start_order(queryset, clock, offset, limit, late=None, within=None):
    """A page of soonest first, read as its three runs: in progress (by name), then the meetings starting
    from now to the end of the week in UTC, then those from the start of the week to now (next week's).

    The last two are in the order of the clock index (utc_start, name, id): the database reads a page
    from the index and stops, instead of sorting every meeting of a window. Identical to the order of
    soonest_order when no zone is stale (the CASE there is this, written as one expression).
    A run is counted only when the page starts past it, and only the small first run is counted before
    reading: the page of a later run is read first, and the run counted only if it ended before the page.
    `limit`: what is left of the matches from `offset` (the count's share), so a short last page stops at
    the run that completes it.

    `within` (see soonest_page_ids) splits the later runs into the pieces where they overlap it, each read
    as a range of its own: a window wrapping past Sunday 00:00 is two ranges, and the database, given their
    union as a condition beside a run's own range, scanned the whole table instead (38 ms against 1 ms for
    "today, evening, women" on Sunday mornings, UTC, at 250,000 meetings).
    """
    in_progress = clock.in_progress()
    runs = [(in_progress, ("name", "pk"))]  # (condition, order); querysets are made only for the runs reached
    for this_run in ((clock.minute, MINUTES_PER_WEEK), (0, clock.minute)):
        for start, end in intersect_pieces((this_run,), within):
            runs.append((Q(utc_start__gte=start, utc_start__lt=end) & ~in_progress, ("utc_start", "name", "pk")))
    ids, skip, needed = [], offset, limit
    for index, (condition, order) in enumerate(runs):
        if not needed:
            break
        run = queryset.filter(condition).order_by(*order)
        matches = run if late is None else run.filter(late)
        if skip and index == 0:  # the run in progress is small: counting it is cheaper than reading past it
            size = matches.count()
            if size <= skip:
                skip -= size
                continue
        found = page_ids(run, skip, needed, late=late)
        ids += found
        needed -= len(found)
        if needed and index < len(runs) - 1:
            # A page short of its end starts the next run at its beginning, or past it by the run's size.
            skip = skip - matches.count() if skip and not found else 0
    return ids


def window_page_ids(queryset, *, now, zones, offset, limit, total, late=None):
    """A page read from a window of the next hours when that suffices (when a zone is stale).

    Every meeting outside "in progress or starting within H hours" sorts after every meeting inside it, so
    when the window holds the whole page, the page read from the window is exact; otherwise read it all.
    """
    wanted = max(0, min(limit, total - offset))
    hours = window_hours(total, offset + limit)
    if hours is not None:
        ids = page_ids(queryset.filter(now_q(now, hours, zones)), offset, limit, late=late)
        if len(ids) == wanted:
            return ids
    return page_ids(queryset, offset, limit, late=late)


# A "late" condition is checked on the first LATE_BATCH candidates in order, then on twice as many, up to
# LATE_ROUNDS times; a rarer match than that is read with one query over every candidate instead.
LATE_BATCH = 500
LATE_ROUNDS = 2
# Fewer matches than this in the whole directory: the first candidates would seldom hold a page of them.
LATE_MIN_MATCHES = 5000


def page_ids(queryset, offset, limit, late=None):
    """The ids of a page of an ordered queryset: a narrow sort; the rows are read by id afterwards.

    Sorting thousands of full rows already joined to their program, place and group costs far more than
    sorting ids (from the covering clock index, often) and then reading only the page's rows
    (presenters.load_rows).

    `late` is a condition the queryset does not have yet and that is costly per row (the keyword, which
    joins places, groups and programs): the first candidates in order are checked against it, a batch at a
    time, until the page is full. For a common word that is a few hundred rows instead of the whole window.
    """
    if late is not None and offset + limit <= LATE_BATCH:
        for rounds in range(1, LATE_ROUNDS + 1):
            # The first candidates in order, as a subquery (no list of ids through Python), then the
            # keyword on those rows only, in the same order.
            candidates = queryset.values("pk")[: LATE_BATCH * rounds]
            found = list(
                queryset.filter(pk__in=candidates).filter(late).values_list("pk", flat=True)[: offset + limit]
            )
            if len(found) >= offset + limit:
                return found[offset:]
    if late is not None:
        queryset = queryset.filter(late)
    return list(queryset.values_list("pk", flat=True)[offset : offset + limit])


def time_of_day_q(part):
    start, end = TIME_OF_DAY[part]
    if start <= end:
        return Q(start_time__gte=start, start_time__lte=end)
    return Q(start_time__gte=start) | Q(start_time__lte=end)


def occurrence_state(meeting, now):
    """For a result row: whether it is in progress, and minutes until it starts (None when far off)."""
    from core.time import local_datetime, next_start

    zone = meeting.zone  # from timeutil.get_zone's cache of every zone
    start = next_start(meeting.weekday, meeting.start_time, zone, now)
    duration = timedelta(minutes=meeting.duration_minutes)
    in_progress = start <= now < start + duration
    # The previous occurrence (a week earlier, give or take a daylight-saving hour) can only still be running
    # when the next one is nearly a week away: worked out for those rows only, as it costs a row's time again.
    if not in_progress and start - now > timedelta(days=7) - duration - timedelta(hours=2):
        previous = start - timedelta(days=7)
        previous = local_datetime(previous.astimezone(zone).date(), meeting.start_time, zone)
        in_progress = previous <= now < previous + duration
    minutes = int((start - now).total_seconds() // 60)
    return {"start": start, "in_progress": in_progress, "minutes_until": minutes}
