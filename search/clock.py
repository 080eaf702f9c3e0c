"""'Now' for searches: in progress, starting soon, today and soonest first, each in the meeting's own zone.

Meetings repeat at a local wall-clock time. Each meeting also stores its start as a minute of the week in
UTC (`Meeting.utc_start`, computed with its zone's offset recorded in `ZoneOffset`), so "in progress",
"starting within N hours" and "soonest first" are one or two ranges of one indexed column whatever the
zones. A zone whose offset at a moment that matters differs from the recorded one (a daylight-saving change
in the window, or one `refresh_zone_offsets` has not recorded yet) is "stale": its meetings are matched by
their wall clock instead, so every condition here is exact.

A Clock is those conditions at one moment; `MeetingQuerySet.in_progress()`, `.starting_within()`,
`.current_or_starting_within()` and `.meeting_today()` are how the rest of the code uses it.
"""

import operator
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from functools import lru_cache, reduce
from uuid import uuid4

from django.core.cache import cache
from django.db.models import Case, ExpressionWrapper, F, IntegerField, Q, Value, When
from django.db.models.functions import Mod

from core.time import (
    DEFAULT_DURATION_MINUTES,
    MINUTES_PER_DAY,
    MINUTES_PER_WEEK,
    get_zone,
    offset_minutes,
    sunday_weekday,
    week_minute,
)

# The longest a meeting "in progress" is looked back for; longer gatherings are rare enough to ignore.
MAX_DURATION_MINUTES = 4 * 60
# "Today" reads the index a day either side of now, with room to spare for the zones' offsets.
TODAY_MARGIN_MINUTES = 180
# A token naming the current copy of the recorded offsets (see _recorded).
OFFSETS_CACHE_KEY = "zone-offsets-token"

# Meeting Guide clients' (TSML UI) parts of the day; they overlap on purpose, and night wraps past midnight.
TIME_OF_DAY = {
    "morning": (time(4, 0), time(11, 59)),
    "midday": (time(11, 0), time(16, 59)),
    "evening": (time(16, 0), time(20, 59)),
    "night": (time(20, 0), time(4, 59)),
}


@dataclass(frozen=True)
class _Recorded:
    token: str | None
    offsets: dict  # {zone: minutes east of UTC}
    zones: tuple  # sorted
    in_order: tuple  # the offsets in the order of `zones`


_recorded_copy = None


def _recorded():
    """The process's copy of the recorded offsets, read again when the token in the shared cache changes.

    Every search asks several times a request; reading a few hundred zones from the cache each time cost
    more than a millisecond a search. `ZoneOffset.forget_cached()` drops the token after a change.
    """
    from meetings.models import ZoneOffset

    global _recorded_copy
    token, known = cache.get(OFFSETS_CACHE_KEY), _recorded_copy
    if token is not None and known is not None and known.token == token:
        return known
    offsets = dict(ZoneOffset.objects.values_list("timezone", "minutes"))
    if token is None:
        token = uuid4().hex
        if not cache.add(OFFSETS_CACHE_KEY, token, 60):
            token = None  # another process read them meanwhile, maybe after a change: read them again
    zones = tuple(sorted(offsets))
    _recorded_copy = _Recorded(token, offsets, zones, tuple(offsets[zone] for zone in zones))
    return _recorded_copy


def recorded_offsets():
    """{zone: offset in minutes} that meetings' utc_start were computed with. Shared: never change it."""
    return _recorded().offsets


def meeting_zones():
    """The time zones meetings use (every zone a meeting is saved with gets its ZoneOffset row), sorted."""
    return _recorded().zones


@dataclass(frozen=True)
class Clock:
    """The search conditions at one moment: `minute` of the week in UTC, and the zones that need wall clocks."""

    now: datetime
    minute: int
    # Zones whose offset somewhere in [now - MAX_DURATION, now + hours] is not the recorded one.
    stale: tuple
    # Zones whose offset now is not the recorded one: their utc_start does not give their order.
    misrecorded: tuple

    @classmethod
    def at(cls, now, hours=0):
        recorded = _recorded()
        epoch_minute = int(now.timestamp() // 60)
        return cls(
            now=now,
            minute=week_minute(now),
            stale=_stale_zones(epoch_minute, float(hours), recorded.zones, recorded.in_order),
            misrecorded=_stale_zones(epoch_minute, None, recorded.zones, recorded.in_order),
        )

    @property
    def order_is_exact(self):
        """Whether ordering by utc_start is soonest first: every zone's offset now is the recorded one."""
        return not self.misrecorded

    def in_progress(self):
        """Started within MAX_DURATION and not yet over (its end, or start + an hour)."""
        return reduce(operator.or_, self.in_progress_parts())

    def in_progress_parts(self):
        """in_progress() as disjoint conditions, each reading one range of utc_start: two from Sunday 00:00
        to 04:00 UTC, when the look back reaches into the end of the previous week.

        Given one condition with the two ranges, PostgreSQL reads both from the table (a bitmap scan: 13 ms
        for the first page of soonest first at 250,000 meetings); a UNION ALL of the parts reads each from
        the covering index alone (5 ms). See search.paging.in_progress_by_name.
        """
        now, lookback = self.minute, MAX_DURATION_MINUTES
        if now >= lookback:
            ranges = [Q(utc_start__gt=now - lookback, utc_start__lte=now) & _running(now, 0)]
        else:
            ranges = [
                Q(utc_start__lte=now) & _running(now, 0),
                Q(utc_start__gt=now - lookback + MINUTES_PER_WEEK) & _running(now, -MINUTES_PER_WEEK),
            ]
        # The zones matched by their wall clocks join the first part; the others hold fresh zones only.
        first = self._with_wall_clocks(ranges[0], lambda local_now, _later: in_progress_at(local_now))
        return [first, *(self._fresh_only(condition) for condition in ranges[1:])]

    def current_or_upcoming(self, hours):
        """In progress now or starting within `hours`: one range of utc_start, the rest checked per row.

        One range (rather than "in progress" OR "starting soon", two ranges) lets the database answer from
        the covering index alone (meeting_listed_clock_idx) instead of visiting the table for every meeting
        of the last four hours. Only a window across Sunday 00:00 UTC splits in two.
        """
        now, high = self.minute, self.minute + int(hours * 60)
        low = now - MAX_DURATION_MINUTES
        if high - low >= MINUTES_PER_WEEK:
            return self.in_progress() | self.starting_within(hours)
        if low < 0:
            # Meetings late in the previous week (their start a week earlier) may still be running.
            condition = Q(utc_start__gt=low + MINUTES_PER_WEEK) & _not_over(now, -MINUTES_PER_WEEK) | Q(
                utc_start__lte=high
            ) & _not_over(now, 0)
        elif high >= MINUTES_PER_WEEK:
            condition = Q(utc_start__gt=low) & _not_over(now, 0) | Q(utc_start__lte=high - MINUTES_PER_WEEK)
        else:
            condition = Q(utc_start__gt=low, utc_start__lte=high) & _not_over(now, 0)
        return self._with_wall_clocks(
            condition,
            lambda local_now, local_later: in_progress_at(local_now) | starts_between(local_now, local_later),
            self.now + timedelta(hours=hours),
        )

    def starting_within(self, hours):
        """Starting after now and within `hours`."""
        condition = _utc_range(self.minute, self.minute + int(hours * 60))
        return self._with_wall_clocks(condition, starts_between, self.now + timedelta(hours=hours))

    def today(self):
        """Meetings whose day is today where they meet.

        For a zone whose offset now is the recorded one (nearly all), the meeting's local weekday now is
        arithmetic on its row, ((minute of the week now + utc_offset) mod week) div day, read from the
        covering index with no list of zones; a stale zone is matched by its wall clock's weekday.
        """
        # The % operator, not Mod(): SQLite's MOD() is Django's Python function returning a float, and the
        # division below must stay integer division on both databases.
        local_minute = (Value(self.minute + MINUTES_PER_WEEK) + F("utc_offset")) % MINUTES_PER_WEEK
        local_today = Q(weekday=ExpressionWrapper(local_minute / MINUTES_PER_DAY, output_field=IntegerField()))
        # Today's starts lie within a day of now: only that range of the index is read.
        condition = self._fresh_only(local_today & _utc_range(*self._today_bounds()))
        for weekday, names in _zones_by(self.stale, lambda zone: sunday_weekday(self.now.astimezone(zone))).items():
            condition |= Q(timezone__in=names, weekday=weekday)
        return condition

    def today_window(self):
        """The pieces of the week (week_pieces) where every meeting today() matches starts, or None when a
        zone is stale (its meetings are matched by their wall clock, wherever they lie in the week)."""
        return None if self.stale else week_pieces(*self._today_bounds())

    def current_or_upcoming_window(self, hours):
        """As today_window, for current_or_upcoming(hours)."""
        if self.stale:
            return None
        return week_pieces(self.minute - MAX_DURATION_MINUTES, self.minute + int(hours * 60))

    def soonest_key(self):
        """An expression ordering soonest first: meetings in progress (-1), then minutes until the next start."""
        return Case(
            When(self.in_progress(), then=Value(-1)), default=self.minutes_until(), output_field=IntegerField()
        )

    def minutes_until(self):
        """Minutes from now to each meeting's next start, exact for misrecorded zones too."""
        fresh = Mod(F("utc_start") - self.minute + MINUTES_PER_WEEK, MINUTES_PER_WEEK)
        if not self.misrecorded:
            return fresh
        recorded = recorded_offsets()
        whens = []
        for name in self.misrecorded:
            # Shift by the difference between the zone's offset now and the recorded one.
            shift = offset_minutes(self.now, get_zone(name)) - recorded.get(name, 0)
            shifted = Mod(F("utc_start") - shift - self.minute + 2 * MINUTES_PER_WEEK, MINUTES_PER_WEEK)
            whens.append(When(timezone=name, then=shifted))
        return Case(*whens, default=fresh, output_field=IntegerField())

    def _today_bounds(self):
        margin = MINUTES_PER_DAY + TODAY_MARGIN_MINUTES
        return self.minute - margin, self.minute + margin

    def _fresh_only(self, condition):
        return condition & ~Q(timezone__in=self.stale) if self.stale else condition

    def _with_wall_clocks(self, condition, local_condition, later=None):
        """`condition` for fresh zones, or `local_condition(local now, local later)` per group of stale zones
        sharing their local time at now (and at `later`)."""
        result = self._fresh_only(condition)
        later = later or self.now
        groups = _zones_by(self.stale, lambda zone: (_local(self.now, zone), _local(later, zone)))
        for (local_now, local_later), names in groups.items():
            result |= Q(timezone__in=names) & local_condition(local_now, local_later)
        return result


def _running(now, shift):
    """Not over yet, for a meeting that has begun: its end within a day of now (always true: a meeting lasts at
    most a day, core.time.duration_minutes).

    The bound changes no answer; it tells PostgreSQL how few meetings are in progress. Given only "begun and
    not over", it took the two conditions as independent and expected 9,642 meetings in progress at 250,000
    for 1,726 (the bound: 1,458), and for a common keyword it then preferred the keyword's trigram index: the
    29,658 meetings whose name holds "hope" read from the table (35 ms) instead of those in progress (5 ms).
    """
    return _not_over(now, shift) & Q(utc_end__lte=now - shift + MINUTES_PER_DAY)


def _not_over(now, shift):
    """Not over yet (or not begun), where utc_start + shift is the start in the same week as now: a constant
    the clock index compares with its own column (Meeting.utc_end)."""
    return Q(utc_end__gt=now - shift)


@lru_cache(maxsize=256)
def _stale_zones(epoch_minute, hours, zones, recorded):
    """The zones whose offset differs from the recorded one at now - MAX_DURATION, now and now + hours (or
    at now alone when hours is None). A few hundred zone conversions: cached, since a page asks several
    times a request and offsets change on whole minutes."""
    now = datetime.fromtimestamp(epoch_minute * 60, UTC)
    if hours is None:
        moments = [now]
    else:
        moments = [now - timedelta(minutes=MAX_DURATION_MINUTES), now, now + timedelta(hours=hours)]
    stale = []
    for name, offset in zip(zones, recorded, strict=True):
        zone = get_zone(name)
        if zone is not None and any(offset_minutes(moment, zone) != offset for moment in moments):
            stale.append(name)
    return tuple(stale)


def _zones_by(zones, key):
    groups = defaultdict(list)
    for name in zones:
        zone = get_zone(name)
        if zone is not None:
            groups[key(zone)].append(name)
    return groups


def _local(moment, zone):
    return moment.astimezone(zone).replace(tzinfo=None)


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
    week's minutes, in order: one piece, or two when the range wraps past Sunday 00:00."""
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
    """Meetings in progress at a naive local datetime: started and not yet ended (end, or start + an hour).

    Only starts within the last MAX_DURATION are considered, so the database reads a narrow weekday/time
    range of its index instead of every meeting earlier today.
    """
    today, now_time = sunday_weekday(local_now), local_now.time()
    yesterday = (today - 1) % 7
    ends_same_day = Q(end_time__gt=F("start_time"))
    ends_next_day = Q(end_time__lt=F("start_time"))
    default = timedelta(minutes=DEFAULT_DURATION_MINUTES)
    still_running = (
        Q(weekday=today) & (ends_same_day & Q(end_time__gt=now_time) | ends_next_day)
        | Q(weekday=yesterday) & ends_next_day & Q(end_time__gt=now_time)
        | Q(end_time__isnull=True) & starts_between(local_now - default, local_now)
    )
    lookback = timedelta(minutes=MAX_DURATION_MINUTES)
    started = starts_between(local_now - lookback, local_now) | Q(weekday=today, start_time=now_time)
    return started & still_running


def time_of_day_q(part):
    start, end = TIME_OF_DAY[part]
    if start <= end:
        return Q(start_time__gte=start, start_time__lte=end)
    return Q(start_time__gte=start) | Q(start_time__lte=end)
