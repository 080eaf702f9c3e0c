"""A page of a search's results, in its order, without sorting every match.

Sorting every matching meeting to show the first 25 is the slow part of a large directory, and so is
counting them. So the count is kept for a minute, and a page of "soonest first" is read one of two ways:

- read in the order of the clock index (`read_in_start_order`), which stops after the page: the way for
  every search whose conditions the index itself holds (time, day, types, program, attendance);
- sorted whole by their next start (`sorted_by_next_start`) when another index finds the matches: the
  venues of a place, or what a rare keyword's words name as text. Reading the clock index in order would
  test thousands of its entries against a condition it does not hold. When the matches are many (a large
  place, "near or online"), only a window of the next hours is sorted if it holds the page.
"""

import hashlib
import math

from django.core.cache import cache
from django.db.models import Q

from core.time import MINUTES_PER_WEEK
from search.clock import MAX_DURATION_MINUTES, Clock, intersect_pieces
from search.keywords import matched_as_text
from search.rows import load_rows

HOURS_PER_WEEK = 7 * 24
# A keyword matching fewer meetings than this is found by its own indexes and sorted whole; a commoner one is
# checked while the clock index is read in order, where a page of matches comes early.
SORT_IN_FULL_BELOW = 5000
# A count a minute old is good enough; only "now" and "today" change with the clock.
COUNT_SECONDS = 60
# Parameters that change how results are shown, not which meetings match.
DISPLAY_PARAMETERS = {"page", "tz", "sort", "unit", "list", "lang", "limit"}


class SearchResults:
    """The matches of a valid search as a Paginator reads them: a count, and the meetings of a slice."""

    def __init__(self, filterset, scope=""):
        self.filterset = filterset
        # Names the base queryset in the count's cache key: the map's (Meeting.objects.on_map()) is not the page's.
        self.scope = scope
        self.queryset = filterset.qs
        self.clock = Clock.at(filterset.now)

    def count(self):
        key = count_key(self.filterset.data, self.filterset.now, self.scope)
        return cache.get_or_set(key, self.queryset.count, COUNT_SECONDS)

    def __len__(self):
        return self.count()

    def __getitem__(self, page):
        offset, limit = page.start or 0, page.stop - (page.start or 0)
        return load_rows(self.page_ids(offset, limit), self.filterset.place)

    def page_ids(self, offset, limit):
        order = self.filterset.order
        if order == "distance" and self.filterset.place is not None:
            # Online meetings of "near or online" have no distance: after the nearest, on either database.
            ordered = self.queryset.nearest_first(self.filterset.place)
        elif order == "day":
            ordered = self.queryset.in_day_order()
        elif self.found_by_another_index() or not self.clock.order_is_exact:
            return sorted_by_next_start(self.queryset, self.filterset.now, offset, limit, self.count())
        else:
            limit = max(0, min(limit, self.count() - offset))
            return read_in_start_order(self.queryset, self.clock, offset, limit, self.filterset.window)
        return list(ordered.values_list("pk", flat=True)[offset : offset + limit])

    def found_by_another_index(self):
        """Whether the matches are found through an index of their own: a place's venues, or a keyword
        that names few enough meetings to be found by its ids and trigram indexes (search.keywords)."""
        keyword = self.filterset.form.cleaned_data.get("q")
        if self.filterset.includes_online:
            # "Near or online" holds every online meeting: found by their own index only when few, else read
            # in the clock index's order, where a page of them comes early.
            return self.count() < SORT_IN_FULL_BELOW
        if self.filterset.place is not None:
            return True
        # A keyword whose every word names a kind of room ("methadone") is read as that room's filter is: no
        # index of its own finds its types, and sorting every match whole took 78-130 ms at 250,000 meetings.
        return bool(keyword) and matched_as_text(keyword) and self.count() < SORT_IN_FULL_BELOW


def count_key(query, now, scope=""):
    """The cache key of a search's count: the same filters give the same count (display parameters aside);
    "now" and "today" only within the same minute."""
    params = sorted((name, values) for name, values in query.lists() if name not in DISPLAY_PARAMETERS)
    depends_on_time = query.get("now") or "today" in query.getlist("day")
    minute = now.strftime("%Y%m%d%H%M") if depends_on_time else ""
    return f"search-count{scope}:" + hashlib.sha256(repr((params, minute)).encode()).hexdigest()


def sorted_by_next_start(queryset, now, offset, limit, total):
    """The ids of a page of the matches sorted by their next start, meetings in progress first.

    Every meeting outside "in progress or starting within H hours" sorts after every meeting inside it, so
    when a window of the next hours holds the whole page, the page sorted from the window is exact, and
    only the window's share of the matches is sorted; otherwise every match is.
    """
    wanted = max(0, min(limit, total - offset))
    hours = window_hours(total, offset + limit)
    if hours is not None:
        soonest = queryset.current_or_starting_within(hours, now).soonest_first(now)
        ids = list(soonest.values_list("pk", flat=True)[offset : offset + limit])
        if len(ids) == wanted:
            return ids
    return list(queryset.soonest_first(now).values_list("pk", flat=True)[offset : offset + limit])


def window_hours(total, needed):
    """Hours ahead that should hold `needed` of `total` meetings spread over a week, three times over; None
    when the matches are few or the window, with its look back for meetings in progress, would be the week.

    Few matches (under SORT_IN_FULL_BELOW) are sorted whole: reading them is most of the work, so a window
    saved little and, at night when the next hours hold less than the page, read them twice (docs/performance.md).
    """
    if total < SORT_IN_FULL_BELOW:
        return None
    hours = max(2, math.ceil(3 * needed * HOURS_PER_WEEK / total))
    return hours if hours + MAX_DURATION_MINUTES / 60 < HOURS_PER_WEEK else None


def read_in_start_order(queryset, clock, offset, limit, window=None):
    """The ids of a page of soonest first, read as three runs in index order.

    The runs: in progress (by name), then the meetings starting from now to the end of the week in UTC,
    then those from the start of the week to now (next week's), the last two in the order of the clock
    index (utc_start, name, id): the database reads a page from the index and stops. Only the small first
    run is counted before reading; a later run is counted only when the page starts past its end.
    `limit` is what is left of the matches from `offset`, so a short last page stops at the run that
    completes it. The order is exact while every zone's offset is the recorded one (Clock.order_is_exact).

    `window`: pieces of the week outside which no match starts (a "today" or "now" filter). The later runs
    are read only where they overlap it, each piece as a range of its own: a window wrapping past Sunday
    00:00 is two ranges, and PostgreSQL, given their union beside a run's own range, scanned the whole table.
    """
    in_progress = clock.in_progress()
    pieces = [
        piece
        for this_run in ((clock.minute, MINUTES_PER_WEEK), (0, clock.minute))
        for piece in intersect_pieces((this_run,), window)
    ]

    def run(index):
        # Built only when reached: most pages end in the first run they read, and each queryset costs.
        if index == 0:
            return in_progress_by_name(queryset, clock)
        start, end = pieces[index - 1]
        later = queryset.filter(Q(utc_start__gte=start, utc_start__lt=end) & ~in_progress)
        return later.order_by("utc_start", "name", "pk").values_list("pk", "name")

    ids, skip, needed = [], offset, limit
    last = len(pieces)
    for index in range(last + 1):
        if not needed:
            break
        this_run = run(index)
        if skip and index == 0:
            size = this_run.count()
            if size <= skip:
                skip -= size
                continue
        found = [pk for pk, _name in this_run[skip : skip + needed]]
        ids += found
        needed -= len(found)
        if needed and index < last:
            # A page short of its end starts the next run at its beginning, or past it by the run's size.
            skip = skip - this_run.count() if skip and not found else 0
    return ids


def in_progress_by_name(queryset, clock):
    """The meetings in progress as (id, name), by name: a UNION ALL of one query per range of utc_start
    (Clock.in_progress_parts), each read from the covering index."""
    first, *rest = (queryset.filter(part).order_by().values_list("pk", "name") for part in clock.in_progress_parts())
    return (first.union(*rest, all=True) if rest else first).order_by("name", "pk")
