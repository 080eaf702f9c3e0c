"""One meeting, listed once: when two sources list the same meeting, only the higher-priority source's is shown.

Two listings are the same meeting when they have the same program and weekday, start within 5 minutes of each
other, are at places within 100 m of each other or share a join link, and have similar names. Of each such set
the listing kept is the one whose source has the highest priority (DataSource.priority; a listing entered here,
with no source, comes first; then the older source, then the older listing), so the decision is the same on
every run. The others get `duplicate_of` set to it, which MeetingQuerySet.listed() leaves out: search, the API,
both feeds and the BMLT interface all read through listed(). A volunteer can override either way in the admin
(Meeting.duplicate_decision); those listings are left as the volunteer set them.
"""

import math
import re
import time
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher

from django.db import transaction

from interop.models import DataSource
from meetings.models import DuplicateDecision, Meeting, Status

START_WITHIN_MINUTES = 5
PLACE_WITHIN_METRES = 100
# Grid cells of 0.002 degrees (222 m of latitude; 111 m of longitude at 60°N): a place within 100 m of another
# is in the same cell or a neighbouring one, up to 60° of latitude.
CELL_DEGREES = 0.002
NAME_NOISE = {"the", "group", "meeting", "aa", "na", "of", "a", "and", "y", "de", "la", "el"}
FIELDS = [
    "pk",
    "program_id",
    "weekday",
    "start_time",
    "source",
    "name",
    "conference_url",
    "location__latitude",
    "location__longitude",
    "duplicate_decision",
    "duplicate_of_id",
]


@dataclass
class DuplicateReport:
    hidden: int = 0
    shown_again: int = 0
    duplicates: int = 0
    seconds: float = 0.0

    def summary(self):
        return (
            f"Duplicates: {self.duplicates} listings are another source's listing of a meeting already shown "
            f"({self.hidden} newly hidden, {self.shown_again} shown again), in {self.seconds:.1f} s."
        )


@dataclass
class _Listing:
    pk: int
    program: int
    weekday: int
    minute: int
    source: str
    words: frozenset
    folded: str
    url: str
    latitude: float | None
    longitude: float | None
    decision: str
    duplicate_of: int | None


def name_key(name):
    """A name's comparable form: accents, case, punctuation and filler words ("group", "the") left out."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().casefold()
    words = [word for word in re.split(r"[^a-z0-9]+", text) if word and word not in NAME_NOISE]
    return frozenset(words), " ".join(words)


def similar_names(a, b):
    """Whether two names plausibly name one meeting ("Hope Group" and "Hope", "Step by Step" and "Step x Step")."""
    if a.folded == b.folded:
        return True
    numbers_a, numbers_b = {w for w in a.words if w.isdigit()}, {w for w in b.words if w.isdigit()}
    if numbers_a and numbers_b and numbers_a != numbers_b:
        return False  # "Group 12" and "Group 13" at one church and hour are two groups, however alike the rest
    if a.words and b.words and (a.words <= b.words or b.words <= a.words):
        return True
    shared = len(a.words & b.words) / max(len(a.words | b.words), 1)
    return shared >= 0.5 or SequenceMatcher(None, a.folded, b.folded).ratio() >= 0.8


def metres_between(a, b):
    """Distance between two listings' places (equirectangular: exact enough within a few hundred metres)."""
    mean = math.radians((a.latitude + b.latitude) / 2)
    dx = math.radians(b.longitude - a.longitude) * math.cos(mean)
    dy = math.radians(b.latitude - a.latitude)
    return 6_371_000 * math.hypot(dx, dy)


def same_meeting(a, b):
    if a.source == b.source or abs(a.minute - b.minute) > START_WITHIN_MINUTES:
        return False
    same_link = bool(a.url) and a.url == b.url
    near = a.latitude is not None and b.latitude is not None and metres_between(a, b) <= PLACE_WITHIN_METRES
    return (same_link or near) and similar_names(a, b)


def _listing(row):
    pk, program, weekday, start, source, name, url, latitude, longitude, decision, duplicate_of = row
    words, folded = name_key(name)
    return _Listing(
        pk, program, weekday, start.hour * 60 + start.minute, source, words, folded,
        url.strip().rstrip("/").casefold(), latitude, longitude, decision, duplicate_of,
    )  # fmt: skip


def _candidates(listings):
    """Pairs that may be one meeting: sharing a join link, or in the same or neighbouring grid cells."""
    by_cell, by_url = {}, {}
    for listing in listings:
        if listing.url:
            by_url.setdefault(listing.url, []).append(listing)
        if listing.latitude is not None:
            cell = (int(listing.latitude // CELL_DEGREES), int(listing.longitude // CELL_DEGREES))
            by_cell.setdefault(cell, []).append(listing)
    for group in by_url.values():
        yield from _pairs_within(group)
    for (row, column), group in by_cell.items():
        yield from _pairs_within(group)
        for d_row, d_column in ((0, 1), (1, -1), (1, 0), (1, 1)):  # each pair of neighbouring cells once
            for a in group:
                for b in by_cell.get((row + d_row, column + d_column), ()):
                    yield a, b


def _pairs_within(group):
    for i, a in enumerate(group):
        for b in group[i + 1 :]:
            yield a, b


def _rank(priorities):
    """The sort key of the listing kept: a listing of our own, then the source's priority, older source, older pk."""
    order = {slug: (-priority, pk) for slug, priority, pk in priorities}

    def key(listing):
        if not listing.source:
            return (0, 0, 0, listing.pk)
        priority, source_pk = order.get(listing.source, (0, math.inf))
        return (1, priority, source_pk, listing.pk)

    return key


def decide(listings, rank):
    """{pk: the pk of the listing kept, or None} for the automatic listings of one program and weekday."""
    parent = {listing.pk: listing.pk for listing in listings}

    def root(pk):
        while parent[pk] != pk:
            parent[pk] = parent[parent[pk]]
            pk = parent[pk]
        return pk

    for a, b in _candidates(listings):
        if same_meeting(a, b):
            parent[root(a.pk)] = root(b.pk)
    clusters = {}
    for listing in listings:
        clusters.setdefault(root(listing.pk), []).append(listing)
    wanted = {}
    for members in clusters.values():
        # A listing a volunteer hid stays hidden and is never kept for the others.
        visible = sorted((m for m in members if m.decision != DuplicateDecision.DUPLICATE), key=rank)
        keeper = visible[0] if visible else None
        for member in members:
            if member.decision == DuplicateDecision.AUTOMATIC:
                wanted[member.pk] = keeper.pk if keeper is not None and member is not keeper else None
    return wanted


def mark_duplicates():
    """Work out the duplicates over the whole directory and write what changed; returns a DuplicateReport."""
    started = time.monotonic()
    report = DuplicateReport()
    rank = _rank(DataSource.objects.values_list("slug", "priority", "pk"))
    candidates = Meeting.objects.filter(deleted_at__isnull=True).exclude(status=Status.INACTIVE)
    groups = candidates.order_by().values_list("program_id", "weekday").distinct()
    changes = {}
    # One program and weekday at a time: memory holds a seventh of one program's meetings, not the directory.
    for program, weekday in sorted(groups):
        rows = candidates.filter(program_id=program, weekday=weekday).values_list(*FIELDS)
        listings = [_listing(row) for row in rows.iterator(chunk_size=5000)]
        wanted = decide(listings, rank)
        current = {listing.pk: listing.duplicate_of for listing in listings}
        for pk, keeper in wanted.items():
            if current[pk] != keeper:
                changes[pk] = keeper
                report.hidden += keeper is not None and current[pk] is None
                report.shown_again += keeper is None
        report.duplicates += sum(1 for keeper in wanted.values() if keeper is not None)
    _write(changes)
    # Listings a volunteer hid count too.
    report.duplicates += Meeting.objects.filter(duplicate_decision=DuplicateDecision.DUPLICATE).count()
    report.seconds = time.monotonic() - started
    return report


def _write(changes):
    by_keeper = {}
    for pk, keeper in changes.items():
        by_keeper.setdefault(keeper, []).append(pk)
    with transaction.atomic():
        for keeper, pks in by_keeper.items():
            for start in range(0, len(pks), 2000):
                Meeting.objects.filter(pk__in=pks[start : start + 2000]).update(duplicate_of=keeper)
