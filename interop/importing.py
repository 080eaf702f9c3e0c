"""The shared import pipeline: every format turns its records into `Record`s, and this writes them.

An import is atomic (a feed that fails as a whole changes nothing) and idempotent (keyed on the source and
the record's external key; a row is saved only when one of its values changed, so `updated` stays put).
"""

import datetime as dt
import hashlib
import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, fields

from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from simple_history.utils import bulk_create_with_history

from core import places
from core.time import available_timezones
from groups.models import Group
from meetings.history import meetings_history_bulk_create
from meetings.models import Attendance, Location, Meeting, MeetingType, Region, Status, is_web_link
from meetings.querysets import type_ids_text

TEMPORARILY_CLOSED_CODE = "location-temporarily-closed"
# full_clean() runs clean_fields() and clean() (whose readable messages become rejection reasons) on every
# row written. Left out, because the pipeline already guarantees them and the database enforces them:
# re-checking foreign keys it just loaded or created, uniqueness (slugs are reserved from a preloaded set,
# keys are de-duplicated per feed), and check constraints (each mirrored in clean()). Each would be a query
# per row, and a 10,000-meeting import would spend most of its time on them.
CLEAN_OPTIONS = {"validate_unique": False, "validate_constraints": False}
# Text no database here can store: PostgreSQL refuses NUL (SQLite takes it, so the rule is the same on both),
# and a lone UTF-16 surrogate (JSON's "\ud800") is not a character, so no driver can encode it.
UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")
# Part of every feed item's digest: raise it when the same item should now give different meetings (a new
# rule in a reader or here), so the next import reads every item again instead of passing over known ones.
DIGEST_VERSION = 1


class FeedError(Exception):
    """The feed as a whole cannot be read (not JSON, not CSV, wrong shape); nothing is changed."""


class RecordError(Exception):
    """One record is wrong; it is skipped and reported with this reason."""


# The same Meeting Guide code means different things in different programs' directories: in the 12 Step
# Meeting List plugin, Al-Anon's type Y is Alateen, where AA's Meeting Guide (and so the Meeting Guide and
# TSML CSV readers, which map Y to Young People) reads Young People. Both readers' records go through here.
PROGRAM_TYPE_MEANINGS = {"al-anon": {"young-people": "alateen"}}


def program_type_codes(codes, program_slug):
    """Our type codes of an imported meeting as its program means them (an Al-Anon meeting's Y is Alateen)."""
    meanings = PROGRAM_TYPE_MEANINGS.get(program_slug)
    return [meanings.get(code, code) for code in codes] if meanings else list(codes)


@dataclass
class Place:
    """An address as a feed gives it; `approximate` is None when the feed does not say."""

    name: str = ""
    address: str = ""
    city: str = ""
    state: str = ""
    postal_code: str = ""
    country: str = ""
    formatted_address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    approximate: bool | None = None
    notes: str = ""
    placed_offline: bool = False  # the coordinates are its ZIP code's or city's centre (place_offline)

    def full_address(self):
        if self.formatted_address:
            return self.formatted_address
        state_zip = " ".join(part for part in (self.state, self.postal_code) if part)
        return ", ".join(part for part in (self.address, self.city, state_zip, self.country) if part)

    def is_specific(self):
        """Whether people can go there: a street address, not just a city."""
        if self.approximate is not None:
            return not self.approximate and bool(self.full_address())
        if self.address:
            return True
        # TSML UI's rule: fewer than four comma-separated parts is a city or area. We also accept three
        # parts when the first holds a house number ("123 Main St, Anytown, CA 98765").
        parts = [part for part in self.formatted_address.split(",") if part.strip()]
        return len(parts) >= 4 or (len(parts) == 3 and bool(re.search(r"\d", parts[0])))


@dataclass
class Record:
    """One weekly meeting in our own terms, whatever format it came from."""

    position: int
    external_key: str
    name: str
    weekday: int
    start_time: dt.time
    end_time: dt.time | None = None
    timezone: str = ""
    place: Place | None = None
    attendance: str = ""  # explicit (BMLT venue_type); otherwise derived from the place and join details
    conference_url: str = ""
    conference_url_notes: str = ""
    conference_phone: str = ""
    conference_phone_notes: str = ""
    join_on_request: bool = False  # the group gives the link on request (our own feed's note says so)
    type_codes: list = field(default_factory=list)  # our MeetingType codes
    notes: str = ""
    group: str = ""
    regions: list = field(default_factory=list)
    updated: dt.datetime | None = None
    slug_hint: str = ""
    digest: str = ""  # "<item digest>/<records the item gave>" when its item was read without a warning


@dataclass
class Known:
    """A feed item whose meetings the last import wrote from these very bytes, without a warning or rejection.

    The import passes over it without reading it; `expand()` reads it after all (its Records or a Rejection)
    when the import needs them: one of its meetings changed since, or a record read now shares its key or venue.
    """

    position: int
    digest: str
    count: int  # the records (meetings) it gave
    expand: Callable


class KnownItems:
    """The digests a source's meetings were written from: which items of its feed need not be read again."""

    def __init__(self, stored, *, salt):
        self.salt = salt
        # Only an item all of whose meetings still hold its digest is known (each of them as the import left it).
        self.complete = {}
        for value, count in Counter(stored).items():
            digest, _, total = value.partition("/")
            if total.isdecimal() and int(total) == count:
                self.complete[digest] = count
        self.claimed = set()

    @classmethod
    def of_source(cls, source, *, format, program, parent_region):
        """The known items of a source, for a feed in this format imported into this program and region."""
        type_map = sorted(MeetingType.objects.values_list("code", "pk"))
        region = parent_region.pk if parent_region else None
        salt = json.dumps([DIGEST_VERSION, format, program.pk, region, type_map, places.version()])
        stored = Meeting.objects.filter(source=source).exclude(source_digest="")
        stored = stored.values_list("source_digest", flat=True)
        return cls(stored, salt=salt)

    def digest(self, item):
        """The digest of one item as parsed (a JSON object or a CSV row) with what else decides its meetings."""
        try:
            text = json.dumps(item, sort_keys=True, default=str)  # ASCII: lone surrogates are escaped, not lost
        except (TypeError, ValueError, RecursionError):
            return ""
        return hashlib.sha256(f"{self.salt}\n{text}".encode()).hexdigest()

    def claim(self, digest):
        """Whether an item with this digest is known and is its first in this feed (a repeat is read, and refused)."""
        if digest not in self.complete or digest in self.claimed:
            return False
        self.claimed.add(digest)
        return True


def _stamped(items, digest, warnings, warned_before):
    """Records of one item with the item's digest, when it gave no Rejection and no warning."""
    if digest and len(warnings) == warned_before and all(isinstance(item, Record) for item in items):
        for record in items:
            record.digest = f"{digest}/{len(items)}"
    return items


def read_items(items, *, read, known, warnings):
    """Records and Rejections of (position, item) pairs, read by `read(item, position)` into a list of them.

    With `known` (KnownItems), an item the last import wrote from the same bytes is not read: a Known stands for it.
    """
    for position, item in items:
        digest = known.digest(item) if known is not None else ""
        if digest and known.claim(digest):

            def expand(item=item, position=position, digest=digest):
                warned_before = len(warnings)
                return _stamped(read(item, position), digest, warnings, warned_before)

            yield Known(position, digest, known.complete[digest], expand)
            continue
        warned_before = len(warnings)
        yield from _stamped(read(item, position), digest, warnings, warned_before)


COUNTRY_CODES = {
    **dict.fromkeys(("US", "USA", "U.S.", "U.S.A.", "UNITED STATES", "UNITED STATES OF AMERICA"), "US"),
    **dict.fromkeys(("CA", "CAN", "CANADA"), "CA"),
    **dict.fromkeys(("MX", "MEX", "MEXICO", "MÉXICO"), "MX"),
    **dict.fromkeys(("GB", "UK", "UNITED KINGDOM", "GREAT BRITAIN", "ENGLAND", "SCOTLAND", "WALES"), "GB"),
    **dict.fromkeys(("AU", "AUS", "AUSTRALIA"), "AU"),
    **dict.fromkeys(("NZ", "NEW ZEALAND"), "NZ"),
    **dict.fromkeys(("IE", "IRELAND"), "IE"),
}


def country_code(text):
    """A country as its two-letter code ("USA" and "United States" are "US"), or "" when it is not one we know."""
    folded = " ".join((text or "").upper().split())
    if folded in COUNTRY_CODES:
        return COUNTRY_CODES[folded]
    return folded if re.fullmatch(r"[A-Z]{2}", folded) else ""


def padded_postal_code(code, country):
    """A US ZIP code that lost its leading zeros in a spreadsheet ("2138") padded to five digits, as TSML does."""
    code = (code or "").strip()
    if code.isdecimal() and 3 <= len(code) < 5 and country_code(country) in ("US", ""):
        return code.zfill(5)
    return code


def usable_point(latitude, longitude):
    """(latitude, longitude), or (None, None) with the reason when they mean "unknown": 0,0 or out of range."""
    if latitude is None or longitude is None:
        return None, None, ""
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None, None, f"coordinates {latitude}, {longitude} are out of range and were left out"
    if latitude == 0 and longitude == 0:
        # Spreadsheets and BMLT write 0,0 for "not known"; stored, it put meetings in the Gulf of Guinea.
        return None, None, "coordinates 0, 0 mean unknown and were left out"
    return latitude, longitude, ""


def printable(text):
    """Text with anything that cannot be stored or printed (NUL, lone surrogates) shown as U+FFFD."""
    return UNSTORABLE.sub("\ufffd", text)


def unstorable_field(record):
    """The first field of a Record (or its Place) holding text that cannot be stored, with why; or None."""
    for owner, prefix in ((record, ""), (record.place, "location ")):
        if owner is None:
            continue
        for spec in fields(owner):
            value = getattr(owner, spec.name)
            for text in value if isinstance(value, list) else [value]:
                found = UNSTORABLE.search(text) if isinstance(text, str) else None
                if found:
                    what = (
                        "a NUL character (\\x00)"
                        if found.group() == "\x00"
                        else f"a lone UTF-16 surrogate (\\u{ord(found.group()):04x}), which is not a character"
                    )
                    return f"{prefix}{spec.name.replace('_', ' ')} contains {what} and cannot be stored."
    return None


@dataclass
class Rejection:
    position: int
    key: str
    reason: str

    def __str__(self):
        key = f" ({self.key})" if self.key else ""
        return f"record {self.position}{key}: {self.reason}"


@dataclass
class ImportReport:
    source: str
    dry_run: bool = False
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: int = 0
    deactivated: list = field(default_factory=list)
    rejected: list = field(default_factory=list)
    warnings: list = field(default_factory=list)
    error: str = ""
    not_modified: bool = False  # the feed was as last time (a 304 or the same bytes): not read again

    @property
    def ok(self):
        return not self.error

    def counts(self):
        return {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": self.unchanged,
            "deactivated": len(self.deactivated),
            "rejected": len(self.rejected),
        }

    def summary(self):
        verb = "would be" if self.dry_run else "were"
        if self.error:
            head = f"Nothing was changed: {printable(self.error)}"
        elif self.not_modified:
            head = f"The feed is as it was at the last run, so it was not read again ({self.unchanged} meetings)."
        else:
            counts = self.counts()
            head = (
                f"{counts['created']} meetings {verb} created, {counts['updated']} updated, "
                f"{counts['unchanged']} unchanged, {counts['deactivated']} marked inactive, "
                f"{counts['rejected']} rejected."
            )
        return f"{'Dry run. ' if self.dry_run else ''}{head}"

    def lines(self, *, limit=None):
        """The report record by record, for a volunteer."""
        lines = [self.summary()]
        verb = "would be " if self.dry_run else ""
        for title, keys in (
            ("created", self.created),
            ("updated", self.updated),
            ("marked inactive", self.deactivated),
        ):
            shown = keys if limit is None else keys[:limit]
            lines.extend(f"  {verb}{title}: {key}" for key in shown)
            if len(shown) < len(keys):
                lines.append(f"  ... and {len(keys) - len(shown)} more {title}")
        lines.extend(f"  rejected {rejection}" for rejection in self.rejected)
        lines.extend(f"  warning {warning}" for warning in self.warnings)
        # Keys and reasons quote the feed, which may hold text no page, terminal or database can take.
        return [printable(line) for line in lines]

    def undo(self, error):
        """Say that nothing was changed, and list nothing as created, updated or marked inactive."""
        self.error = error
        self.created, self.updated, self.deactivated, self.unchanged = [], [], [], 0


def _reasons(error):
    """A ValidationError's messages as one readable line, field by field."""
    if hasattr(error, "message_dict"):
        return "; ".join(
            f"{name}: {' '.join(messages)}" if name != "__all__" else " ".join(messages)
            for name, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


def _attendance(record, *, specific, closed):
    """How people attend a record that does not say: from its street address and its ways to join."""
    has_join = bool(record.conference_url or record.conference_phone or record.join_on_request)
    if specific and has_join:
        # A closed building plus a link is an online meeting (TSML: TC + ONL = online).
        return Attendance.ONLINE if closed else Attendance.HYBRID
    if specific:
        return Attendance.IN_PERSON
    if has_join:
        return Attendance.ONLINE
    raise RecordError(
        "Neither a street address (to attend in person) nor a conference link or phone (to join "
        "online): nobody could attend this meeting as listed."
    )


def _gazetteer_place(place):
    """The centre of a place's ZIP code (given, or read from its address line), else of its city; or None."""
    code = place.postal_code or places.postal_code_in(place.formatted_address)
    found = places.by_postal_code(code) if code else None
    if found is None and place.city:
        found = places.by_city(place.city, place.state, place.country)
    return found


def place_offline(place):
    """Give a place without coordinates its ZIP code's or city's centre; True when it was placed so."""
    if place is None or place.latitude is not None or not place.is_specific():
        return False
    found = _gazetteer_place(place)
    if found is None:
        return False
    place.latitude, place.longitude = round(found.latitude, 5), round(found.longitude, 5)
    place.placed_offline = True
    return True


def _zone_of(place):
    """A place's time zone: from its coordinates (zone boundaries), else its ZIP code's, else its city's."""
    if place.latitude is not None and place.longitude is not None:
        zone = places.zone_at(place.latitude, place.longitude)
        if zone:
            return zone
    code = place.postal_code or places.postal_code_in(place.formatted_address)
    found = places.by_postal_code(code) if code else None
    if found and found.timezone:
        return found.timezone
    found = places.by_city(place.city, place.state, place.country) if place.city else None
    return found.timezone if found else ""


def _norm_address(text):
    return " ".join(text.casefold().replace(",", " ").split())


def _venue_key(address, name):
    return (_norm_address(address), " ".join(name.casefold().split()))


def _venue_name(place, address):
    return (place.name or address.split(",")[0]).strip()[:200]


def _record_venue_key(record):
    """The venue key a record's place would have (whether or not it needs a venue), or None."""
    if record.place is None:
        return None
    address = record.place.full_address()
    return _venue_key(address, _venue_name(record.place, address))


class _Writer:
    """State of one import run: what the source has, caches, and the writes deferred to finish().

    Records are checked one by one (apply); new venues, groups and meetings are then written in bulk
    (finish), because one INSERT per row (plus its history row) made a 10,000-meeting import take minutes.
    """

    def __init__(self, *, source, program, parent_region, report):
        self.source, self.program, self.parent_region, self.report = source, program, parent_region, report
        # What the source has, in a few columns: whole rows are read only for the records read again (load).
        self.rows = {}  # external key -> (pk, status, source digest, location id)
        self.keys_by_digest = defaultdict(list)
        for pk, key, status, digest, location_id in Meeting.objects.filter(source=source).values_list(
            "pk", "external_key", "status", "source_digest", "location_id"
        ):
            self.rows[key] = (pk, status, digest, location_id)
            if digest:
                self.keys_by_digest[digest.partition("/")[0]].append(key)
        self.existing, self.existing_types = {}, {}
        self.type_ids = dict(MeetingType.objects.values_list("code", "pk"))
        self.location_by_pk = Location.objects.in_bulk({row[3] for row in self.rows.values() if row[3] is not None})
        self.locations, self.venue_of = {}, {}  # venue key -> Location; location id -> venue key
        for _, _, _, location_id in self.rows.values():
            if location_id is not None:
                location = self.location_by_pk[location_id]
                key = _venue_key(location.formatted_address, location.name)
                self.locations.setdefault(key, location)
                self.venue_of[location_id] = key
        self.location_values = {}  # address -> the values the first record at it gave (first one wins)
        # Slugs in use and the program's groups are read for what this feed needs (preload), not whole: with
        # hundreds of sources, reading every slug and group of the directory for each one made a sync quadratic.
        self.taken_slugs = set()
        self.groups = {}
        self.regions = {}
        self.new_regions = []  # in the order they were written: a parent before its children
        self.seen = set()
        self.new_locations, self.changed_locations, self.new_groups = [], [], []
        self.pending = []  # (record, meeting, type ids, created) checked in finish()
        self.unchanged_meetings = []  # (record, meeting) read again and found as they are, for their digests
        self.changed_fields = {}  # meeting id -> names of the fields apply() changed
        self.change_reason = f"Import from {source}"

    def settle_known(self, items):
        """The items with each Known item that must be read after all replaced, in place, by its records.

        A known item is read when one of its meetings changed since (fewer of them hold its digest), when an
        item before it claims one of its keys (it is then refused as a repeat, as it would have been), or when
        a record read now uses one of its venues (the first record at a venue decides the venue's details).
        """
        while True:
            touched = {_record_venue_key(item) for item in items if isinstance(item, Record)}
            claimed, settled, expanded = set(), [], False
            for item in items:
                if isinstance(item, Known):
                    keys = self.keys_by_digest.get(item.digest, [])
                    venues = {self.venue_of.get(self.rows[key][3]) for key in keys} - {None}
                    if len(keys) != item.count or claimed.intersection(keys) or venues & touched:
                        settled.extend(item.expand())
                        expanded = True
                        continue
                    claimed.update(keys)
                else:
                    claimed.add(item.external_key if isinstance(item, Record) else item.key)
                settled.append(item)
            items = settled
            if not expanded:
                return items

    def load(self, records):
        """Read whole the meetings (and their types) of the records that are read again, in a few queries."""
        pks = [self.rows[r.external_key][0] for r in records if r.external_key in self.rows]
        for chunk in _chunks(pks, 2000):
            for meeting in Meeting.objects.filter(pk__in=chunk):
                if meeting.location_id is not None:
                    meeting.location = self.location_by_pk[meeting.location_id]
                self.existing[meeting.external_key] = meeting
            through = Meeting.types.through
            for meeting_id, type_id in through.objects.filter(meeting_id__in=chunk).values_list(
                "meeting_id", "meetingtype_id"
            ):
                self.existing_types.setdefault(meeting_id, set()).add(type_id)

    # -- lookups -------------------------------------------------------------------------------------------

    def resolve_timezone(self, record):
        """The feed's zone when valid, else the one at the meeting's place, else its source region's."""
        if record.timezone:
            if record.timezone not in available_timezones():
                raise RecordError(
                    f"timezone {record.timezone[:40]!r} is not a time zone: use an IANA name such as America/Chicago."
                )
            return record.timezone
        zone = _zone_of(record.place) if record.place is not None else ""
        if zone:
            return zone
        if self.parent_region is not None:
            return self.parent_region.timezone
        raise RecordError(
            "No time zone: the record has no timezone, and none could be found from its coordinates, postal "
            "code or city. Add a timezone (such as America/Chicago), or set the source's region."
        )

    def region_for(self, names, zone):
        # Regions are few (a feed names tens, not thousands), so they are written as they are met.
        parent = self.parent_region
        for name in names:
            name = name.strip()[:120]
            if not name:
                continue
            key = (parent.pk if parent else None, name.casefold())
            region = self.regions.get(key)
            if region is None:
                region = Region.objects.filter(parent=parent, name__iexact=name).first()
                if region is None:
                    base = slugify(f"{parent.slug if parent else ''} {name}")[:110] or "region"
                    slug, n = base, 1
                    while Region.objects.filter(slug=slug).exists():
                        n += 1
                        slug = f"{base}-{n}"
                    region = Region(
                        name=name,
                        slug=slug,
                        parent=parent,
                        timezone=zone,
                        kind=Region.Kind.METRO if parent is None else Region.Kind.NEIGHBOURHOOD,
                    )
                    region.full_clean(exclude=["parent"], **CLEAN_OPTIONS)
                    region.save()
                    self.new_regions.append(region)
                self.regions[key] = region
            parent = region
        return parent

    def group_for(self, name):
        name = name.strip()
        if not name:
            return None
        slug = slugify(name)[:220] or "group"
        group = self.groups.get(slug)
        if group is None:
            group = Group(program=self.program, name=name[:200], slug=slug)
            try:
                group.full_clean(exclude=["program", "region"], **CLEAN_OPTIONS)
            except ValidationError as error:
                raise RecordError(f"group: {_reasons(error)}") from None
            self.groups[slug] = group
            self.new_groups.append(group)
        return group

    def location_for(self, record, zone):
        place = record.place
        address = place.full_address()
        name = _venue_name(place, address)
        # A venue is its address and its name: two records at one address naming different venues (a church
        # and its school) are two venues, so one record's name (or typo) never renames the other's venue.
        key = _venue_key(address, name)
        if key in self.location_values:
            # Several meetings share a venue; the first record at it decides the venue's details, so the
            # result does not depend on which record came last (and a re-import changes nothing).
            return self.locations[key]
        location = self.locations.get(key)
        if location is not None and location.source != self.source:
            # A volunteer (or another source) owns this venue now: it is used as they left it, never renamed
            # or moved by an import.
            self.location_values[key] = {}
            return location
        region = self.region_for(record.regions, zone) if record.regions else self.parent_region
        values = {
            "name": name,
            "address": place.address,
            "city": place.city,
            "state": place.state,
            "postal_code": place.postal_code,
            "country": country_code(place.country),
            "formatted_address": address,
            "latitude": place.latitude,
            "longitude": place.longitude,
            "approximate": False,
            "position_approximate": place.placed_offline,
            "timezone": zone,
            "region_id": region.pk if region else None,
            "notes": place.notes,
            "source": self.source,
        }
        if location is not None and all(getattr(location, name) == value for name, value in values.items()):
            self.location_values[key] = values
            return location
        candidate = location or Location()
        snapshot = {name: getattr(candidate, name) for name in values}
        for name, value in values.items():
            setattr(candidate, name, value)
        try:
            candidate.full_clean(exclude=["region"], **CLEAN_OPTIONS)
        except ValidationError as error:
            for name, value in snapshot.items():
                setattr(candidate, name, value)
            raise RecordError(f"location: {_reasons(error)}") from None
        (self.changed_locations if location is not None else self.new_locations).append(candidate)
        self.locations[key] = candidate
        self.location_values[key] = values
        return candidate

    def preload(self, records):
        """Read the slugs and groups these records may need, in a few queries instead of the whole directory."""
        hints = {
            slugify(r.slug_hint or r.external_key)[:200] or "meeting"
            for r in records
            if r.external_key not in self.rows
        }
        for chunk in _chunks(sorted(hints), 2000):
            taken = set(Meeting.objects.filter(slug__in=chunk).values_list("slug", flat=True))
            self.taken_slugs |= taken
            for base in taken:  # the numbered forms too, for the rare slug another source already has
                self.taken_slugs.update(
                    Meeting.objects.filter(slug__startswith=f"{base}-").values_list("slug", flat=True)
                )
        names = {slugify(r.group.strip())[:220] or "group" for r in records if r.group.strip()}
        for chunk in _chunks(sorted(names), 2000):
            self.groups.update({g.slug: g for g in Group.objects.filter(program=self.program, slug__in=chunk)})

    def unique_slug(self, hint):
        base = slugify(hint)[:200] or "meeting"
        slug, n = base, 1
        while slug in self.taken_slugs:
            n += 1
            slug = f"{base}-{n}"
        self.taken_slugs.add(slug)
        return slug

    # -- one record ----------------------------------------------------------------------------------------

    def web_link_only(self, record):
        """Leave out a conference link that is not a web link, with a warning; RecordError if it was the way in."""
        if not record.conference_url or is_web_link(record.conference_url):
            return
        problem = f"conference_url {record.conference_url[:80]!r} is not a web link (https:// or http://)"
        record.conference_url = ""
        # Kept without its link when people can still come (an address) or join (a phone): the listing is still
        # of use. An online meeting whose only way in was that link is of no use to anyone, so it is refused.
        can_attend = record.place is not None and record.place.is_specific() and record.attendance != Attendance.ONLINE
        if not (can_attend or record.conference_phone):
            raise RecordError(f"{problem}, and nothing else lets people join.")
        self.report.warnings.append(
            Rejection(record.position, record.external_key, f"{problem}; the meeting is listed without it.")
        )

    def apply(self, record):
        """Check a record and work out its meeting; writes happen in finish()."""
        unstorable = unstorable_field(record)
        if unstorable:
            raise RecordError(unstorable)
        self.web_link_only(record)
        place_offline(record.place)
        zone = self.resolve_timezone(record)
        codes = list(dict.fromkeys(program_type_codes(record.type_codes, self.program.slug)))
        closed = TEMPORARILY_CLOSED_CODE in codes
        specific = record.place is not None and record.place.is_specific()
        attendance = record.attendance or _attendance(record, specific=specific, closed=closed)
        status = Status.TEMPORARILY_CLOSED if closed and attendance == Attendance.IN_PERSON else Status.ACTIVE
        location = None
        if record.place is not None and (specific or attendance != Attendance.ONLINE):
            if not specific:
                raise RecordError(
                    "An in-person or hybrid meeting needs a street address, but the address given is approximate "
                    f"({record.place.full_address() or 'empty'})."
                )
            location = self.location_for(record, zone)
        group = self.group_for(record.group)
        values = {
            "program_id": self.program.pk,
            "name": record.name,
            "attendance": attendance,
            "weekday": record.weekday,
            "start_time": record.start_time,
            "end_time": record.end_time,
            "timezone": zone,
            "conference_url": record.conference_url,
            "conference_url_notes": record.conference_url_notes,
            "conference_phone": record.conference_phone,
            "conference_phone_notes": record.conference_phone_notes,
            "notes": record.notes,
            "status": status,
            "join_on_request": record.join_on_request,
        }
        type_ids = {self.type_ids[code] for code in codes if code in self.type_ids}
        meeting = self.existing.get(record.external_key)
        if meeting is not None:
            changes = _changed_fields(meeting, values, location, group)
            if not changes and self.existing_types.get(meeting.pk, set()) == type_ids:
                self.report.unchanged += 1
                self.unchanged_meetings.append((record, meeting))
                return
            self.changed_fields[meeting.pk] = changes
            created = False
        else:
            meeting = Meeting(source=self.source, external_key=record.external_key)
            meeting.slug = self.unique_slug(record.slug_hint or record.external_key)
            created = True
        for name, value in values.items():
            setattr(meeting, name, value)
        meeting.location, meeting.group = location, group
        self.pending.append((record, meeting, type_ids, created))

    # -- writing -------------------------------------------------------------------------------------------

    def finish(self):
        """Write new venues and groups, check each meeting with full_clean(), write meetings; returns accepted."""
        bulk_create_with_history(self.new_groups, Group, batch_size=500, default_change_reason=self.change_reason)
        bulk_create_with_history(
            self.new_locations, Location, batch_size=500, default_change_reason=self.change_reason
        )
        checked = []
        for record, meeting, type_ids, created in self.pending:
            # Venues and groups now have ids: assigning again copies them into location_id and group_id.
            meeting.location, meeting.group = meeting.location, meeting.group
            try:
                meeting.full_clean(exclude=["program", "group", "location"], **CLEAN_OPTIONS)
            except ValidationError as error:
                self.reject(record, _reasons(error))
                if not created:
                    meeting.refresh_from_db()
                continue
            checked.append((record, meeting, type_ids, created))
        # An item with a warning or a rejected record keeps no digest, so it is read (and reported) every time.
        warned = {item.position for item in (*self.report.rejected, *self.report.warnings)}
        self.write_digests(warned)
        new, changed, stamps, used_groups = [], [], [], set()
        # A venue the feed changed is saved when a meeting kept uses it, changed or not (a moved venue whose
        # meetings are as they were was left unsaved before, and would now never be read again).
        used_locations = {meeting.location_id for _, meeting in self.unchanged_meetings}
        for record, meeting, type_ids, created in checked:
            meeting.source_digest = "" if record.position in warned else record.digest
            used_locations.add(meeting.location_id)
            used_groups.add(meeting.group_id)
            if created:
                if record.updated is not None:
                    stamps.append((meeting, record.updated))
                new.append((meeting, type_ids))
                self.report.created.append(record.external_key)
                continue
            changed.append((meeting, type_ids, record.updated))
            self.report.updated.append(record.external_key)
        self.drop_unused(used_locations, used_groups)
        self.write_changed(changed)
        # One INSERT per batch instead of one per meeting; the history rows are written in bulk as well.
        Meeting.objects.set_clocks([meeting for meeting, _ in new])
        for meeting, type_ids in new:
            meeting.type_ids = type_ids_text(type_ids)  # the row's copy of the links written below
        Meeting.objects.bulk_create([meeting for meeting, _ in new], batch_size=500)
        through = Meeting.types.through
        links = [through(meeting_id=m.pk, meetingtype_id=type_id) for m, ids in new for type_id in ids]
        through.objects.bulk_create(links, batch_size=1000)
        # The feed's own "updated" is kept (a round trip keeps it); save() would set it to now (auto_now),
        # and bulk_update's CASE expression grows with the rows it updates, so this is one plain statement.
        ops = connection.ops
        sql = f"UPDATE {ops.quote_name(Meeting._meta.db_table)} SET {ops.quote_name('updated')} = %s WHERE id = %s"
        with connection.cursor() as cursor:
            cursor.executemany(
                sql,
                [(ops.adapt_datetimefield_value(stamp), meeting.pk) for meeting, stamp in stamps],
            )
        for meeting, stamp in stamps:
            meeting.updated = stamp
        # Each new meeting's first version, once its types are linked: it must hold them (meetings.history).
        meetings_history_bulk_create([meeting for meeting, _ in new], reason=self.change_reason)
        # And each changed meeting's new version ("~"), with its types as they now are.
        meetings_history_bulk_create([meeting for meeting, _, _ in changed], reason=self.change_reason, update=True)
        return len(self.report.created) + len(self.report.updated)

    def write_changed(self, changed):
        """Write changed meetings in a few statements, each only the fields that changed: save() one by one cost
        six statements per meeting (its update, its zone's offset, its history row and the history's types)."""
        Meeting.objects.set_clocks([meeting for meeting, _, _ in changed])
        now = timezone.now()
        groups = defaultdict(list)
        for meeting, _, stamp in changed:
            # save() would set "updated" to now (auto_now); the feed's own stamp is kept when it gives one.
            meeting.updated = stamp or now
            fields = self.changed_fields[meeting.pk] | {"updated", "source_digest"}
            if fields & Meeting.CLOCK_INPUTS:
                fields |= {"utc_start", "utc_offset", "duration_minutes"}
            groups[frozenset(fields)].append(meeting)
        # bulk_update writes a CASE per field over its rows: only the changed fields keep it small.
        for fields, meetings in groups.items():
            Meeting.objects.bulk_update(meetings, sorted(fields), batch_size=100)
        for meeting, type_ids, _ in changed:
            if self.existing_types.get(meeting.pk, set()) != type_ids:
                meeting.types.set(type_ids)  # keeps type_ids in step (meetings.models._keep_type_ids)

    def write_digests(self, warned):
        """Give meetings read again and found unchanged their item's digest (the first import after this field
        came, or an item changed only in what no meeting shows), so the next import can pass over them."""
        stale = []
        for record, meeting in self.unchanged_meetings:
            digest = "" if record.position in warned else record.digest
            if meeting.source_digest != digest:
                meeting.source_digest = digest
                stale.append(meeting)
        # Not a change anyone sees (the digest is not in the history): no history row, no "updated" stamp.
        Meeting.objects.bulk_update(stale, ["source_digest"], batch_size=250)

    def drop_unused(self, used_locations, used_groups):
        """Keep no venue, group or region made (or venue change made) only for meetings that were then rejected."""
        for location in self.changed_locations:
            if location.pk in used_locations:
                location._change_reason = self.change_reason
                location.keep_source_digest = True
                location.save()
        kept_locations = [x for x in [*self.new_locations, *self.changed_locations] if x.pk in used_locations]
        parents = {region.pk: region.parent_id for region in self.new_regions}
        kept_regions = set()
        for region_id in {location.region_id for location in kept_locations}:
            while region_id in parents and region_id not in kept_regions:
                kept_regions.add(region_id)
                region_id = parents[region_id]
        # Regions last, children first: a venue protects its region, and a region its parent.
        dropped = [
            (Location, [x.pk for x in self.new_locations if x.pk not in used_locations]),
            (Group, [x.pk for x in self.new_groups if x.pk not in used_groups]),
            *((Region, [region.pk]) for region in reversed(self.new_regions) if region.pk not in kept_regions),
        ]
        for model, ids in dropped:
            if ids:
                model.objects.filter(pk__in=ids).delete()
                if hasattr(model, "history"):  # venues and groups keep history; regions do not
                    # They never existed as far as anyone could see: their history (created, deleted) goes too.
                    model.history.filter(id__in=ids).delete()

    def reject(self, record, reason):
        self.report.rejected.append(Rejection(record.position, record.external_key, reason))

    def deactivate_missing(self):
        gone = [
            pk for key, (pk, status, _, _) in self.rows.items() if key not in self.seen and status != Status.INACTIVE
        ]
        meetings = {}
        for chunk in _chunks(gone, 2000):
            meetings.update(Meeting.objects.in_bulk(chunk))
        for meeting in (meetings[pk] for pk in gone):
            meeting.status = Status.INACTIVE
            meeting._change_reason = f"{self.change_reason}: no longer in the feed"
            meeting.save(update_fields=["status", "updated"])
            self.report.deactivated.append(meeting.external_key)


def _changed_fields(meeting, values, location, group):
    """The names of a meeting's fields that differ from what its record gives (a venue or group not yet written
    differs too)."""
    changed = {
        "program" if name == "program_id" else name
        for name, value in values.items()
        if getattr(meeting, name) != value
    }
    if location is not None and location.pk is None or meeting.location_id != (location.pk if location else None):
        changed.add("location")
    if group is not None and group.pk is None or meeting.group_id != (group.pk if group else None):
        changed.add("group")
    return changed


def _chunks(items, size):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def meetings_import(*, source, program, records, dry_run=False, parent_region=None):
    """Write parsed records (Record or Rejection) for one source; returns an ImportReport."""
    report = ImportReport(source=source, dry_run=dry_run)
    items = list(records)
    if not items:
        report.error = "the feed lists no meetings (an empty feed would retire every meeting of this source)."
        return report
    with transaction.atomic():
        writer = _Writer(source=source, program=program, parent_region=parent_region, report=report)
        items = writer.settle_known(items)
        records = [item for item in items if isinstance(item, Record)]
        writer.load(records)
        writer.preload(records)
        for item in items:
            if isinstance(item, Known):
                # Written from these very bytes last time and untouched since: nothing to read, compare or write.
                keys = writer.keys_by_digest[item.digest]
                writer.seen.update(keys)
                report.unchanged += len(keys)
                continue
            if isinstance(item, Rejection):
                report.rejected.append(item)
                # A record we could not read still exists at the source: do not retire its meeting.
                writer.seen.add(item.key)
                continue
            if item.external_key in writer.seen:
                writer.reject(item, "duplicate slug: an earlier record has the same one")
                continue
            writer.seen.add(item.external_key)
            try:
                writer.apply(item)
            except (RecordError, ValidationError) as error:
                writer.reject(item, _reasons(error) if isinstance(error, ValidationError) else str(error))
        try:
            written = writer.finish()
            if not written and not report.unchanged:
                report.error = "every record was rejected."
                report.created, report.updated = [], []
            else:
                writer.deactivate_missing()
        except DatabaseError as error:
            # Should not happen after full_clean(); if it does, the whole import is undone and said so.
            report.undo(f"the database refused the import ({error}); nothing was changed.")
        if report.error or dry_run:
            transaction.set_rollback(True)
    report.rejected.sort(key=lambda rejection: rejection.position)
    report.warnings.sort(key=lambda warning: warning.position)
    return report


def parse_updated(value):
    """A Meeting Guide `updated` value (UTC, YYYY-MM-DD HH:MM:SS) as an aware datetime, or None."""
    if not isinstance(value, str):
        return None
    for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d%H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value.strip(), pattern).replace(tzinfo=dt.UTC)
        except ValueError:
            continue
    return None
