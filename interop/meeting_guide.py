"""The Meeting Guide JSON feed (code4recovery/spec): records in, feed out."""

import datetime as dt
import json
import math
import re
from functools import lru_cache
from pathlib import Path

from django.conf import settings

from core.time import CLOCK_24H, clock, zone_city
from interop.importing import (
    TEMPORARILY_CLOSED_CODE,
    FeedError,
    Place,
    Record,
    RecordError,
    Rejection,
    padded_postal_code,
    parse_updated,
    read_items,
    usable_point,
)
from meetings.models import Attendance, MeetingType, Region, Status, meeting_path
from meetings.querysets import parse_type_ids

DATA = Path(__file__).resolve().parent / "data"
TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
WEEKDAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
# Day names as TSML's importer reads them (any case), and their three-letter forms.
DAY_NAMES = {
    **{name.casefold(): number for number, name in enumerate(WEEKDAY_NAMES)},
    **{name[:3].casefold(): number for number, name in enumerate(WEEKDAY_NAMES)},
}
COORDINATES = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*,\s*(-?\d+(?:\.\d+)?)\s*$")
# What TSML writes for an unnamed meeting: "<location> <day> at <time>".
UNNAMED = "{location} {day} at {time}"
JOIN_ON_REQUEST_NOTE = "Online: the group gives the link to join on request."
TEXT_FIELDS = [
    "name",
    "timezone",
    "location",
    "location_notes",
    "notes",
    "group",
    "formatted_address",
    "address",
    "city",
    "state",
    "postal_code",
    "country",
    "region",
    "sub_region",
    "conference_url",
    "conference_url_notes",
    "conference_phone",
    "conference_phone_notes",
    # Aliases TSML's importer reads when the usual field is empty.
    "meeting",
    "location_name",
    "zip",
]


@lru_cache(maxsize=1)
def spec_codes():
    """The Meeting Guide type codes of the spec (data/spec-types.json)."""
    return frozenset(json.loads((DATA / "spec-types.json").read_text(encoding="utf-8")))


def type_maps():
    """(Meeting Guide code -> our code, our code -> Meeting Guide code), spec codes only."""
    to_ours, to_theirs = {}, {}
    for code, mg_code in MeetingType.objects.exclude(meeting_guide_code="").values_list("code", "meeting_guide_code"):
        if mg_code in spec_codes():
            to_ours.setdefault(mg_code, code)
            to_theirs[code] = mg_code
    return to_ours, to_theirs


# -- reading -------------------------------------------------------------------------------------------------


_DECODER = json.JSONDecoder()
_WHITESPACE = re.compile(r"[ \t\n\r]*")
JSON_TYPES = {dict: "object", list: "array", str: "string", bool: "boolean", type(None): "null"}


def feed_text(data):
    """Bytes as text, or FeedError."""
    try:
        return data.decode("utf-8-sig") if isinstance(data, bytes) else data
    except UnicodeDecodeError:
        raise FeedError("The feed is not text in UTF-8, so it cannot be JSON.") from None


def _json_error(error):
    """A FeedError for what the JSON decoder raised, in words a volunteer understands."""
    if isinstance(error, json.JSONDecodeError):
        return FeedError(f"The feed is not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}.")
    if isinstance(error, RecursionError):
        return FeedError("The feed is not valid JSON: it is nested too deeply.")
    # The rest is ValueError from int(): Python refuses to convert numbers of more than 4,300 digits.
    return FeedError("The feed is not usable JSON: it holds a number with thousands of digits.")


def load_json(data):
    """Parse bytes as JSON, or raise FeedError saying where it breaks."""
    try:
        return json.loads(feed_text(data))
    except (ValueError, RecursionError) as error:  # JSONDecodeError is a ValueError
        raise _json_error(error) from None


def json_type(value):
    """The JSON name of a decoded value's type, for messages."""
    return JSON_TYPES.get(type(value), "number")


def json_array_start(text):
    """Where the JSON array that `text` holds starts, or None if the text is not one."""
    start = _WHITESPACE.match(text).end()
    return start if text.startswith("[", start) else None


def json_array_items(text, start):
    """The values of the JSON array at text[start], decoded one at a time, and nothing after the array.

    json.loads() would build every value at once: a 20 MB feed of empty objects takes about 450 MB. One at a
    time, the import's record limit (IMPORT_MAX_RECORDS) stops reading before memory grows with the feed.
    """
    skip = _WHITESPACE.match
    try:
        position = skip(text, start + 1).end()
        if text.startswith("]", position):
            position += 1
        else:
            while True:
                value, position = _DECODER.raw_decode(text, position)
                yield value
                position = skip(text, position).end()
                if text.startswith("]", position):
                    position += 1
                    break
                if not text.startswith(",", position):
                    raise json.JSONDecodeError("Expecting ',' delimiter", text, position)
                position = skip(text, position + 1).end()
        position = skip(text, position).end()
        if position != len(text):
            raise json.JSONDecodeError("Extra data", text, position)
    except (ValueError, RecursionError) as error:
        raise _json_error(error) from None


def parse_time(value, name):
    if not isinstance(value, str):
        raise RecordError(f'{name} must be text such as "19:30", not {json.dumps(value)[:40]}.')
    match = TIME.match(value.strip())
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise RecordError(f"{name} {value[:20]!r} is not a time of day; use 24-hour HH:MM from 00:00 to 23:59.")
    return dt.time(int(match.group(1)), int(match.group(2)))


def _days(value):
    values = value if isinstance(value, list) else [value]
    if not values:
        raise RecordError("day is an empty list.")
    days = []
    for day in values:
        if isinstance(day, str):
            text = day.strip()
            # isdecimal, not isdigit (int() refuses "²"), and short (int() refuses thousands of digits).
            if text.isdecimal() and len(text) <= 9:
                day = int(text)
            elif text.casefold() in DAY_NAMES:
                # TSML's importer takes English day names in any case ("Sunday", "SUNDAY").
                day = DAY_NAMES[text.casefold()]
        if isinstance(day, bool) or not isinstance(day, int) or not 0 <= day <= 6:
            raise RecordError(
                f"day {json.dumps(day)[:20]} is not a day of the week: give a number from 0 (Sunday) to 6 "
                '(Saturday) or a day\'s name such as "Monday".'
            )
        days.append(day)
    return list(dict.fromkeys(days))


def _text(item, name):
    value = item.get(name)
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool) and name in ("postal_code", "zip"):
        return str(value)
    if not isinstance(value, str):
        raise RecordError(f"{name} must be text, not {type(value).__name__}.")
    return value.strip()


def _coordinate(item, name):
    value = item.get(name)
    if value in (None, ""):
        return None
    try:
        if isinstance(value, bool):
            raise ValueError
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        raise RecordError(f"{name} must be a number, not {json.dumps(value)[:30]}.") from None
    if not math.isfinite(number):
        raise RecordError(f"{name} must be a number, not {json.dumps(value)[:30]}.")
    return round(number, 6)


def _point(item, position, slug, warnings):
    """The record's (latitude, longitude) from those fields or "coordinates" ("lat,lng"); 0,0 is none."""
    latitude, longitude = _coordinate(item, "latitude"), _coordinate(item, "longitude")
    text = item.get("coordinates")
    if text not in (None, "") and not isinstance(text, str):
        raise RecordError(f'coordinates must be text such as "40.7128,-74.0060", not {json.dumps(text)[:40]}.')
    if latitude is None and longitude is None and text and text.strip():
        match = COORDINATES.match(text)
        if not match:
            raise RecordError(f'coordinates {text[:40]!r} must be "latitude,longitude", such as "40.7128,-74.0060".')
        latitude, longitude = float(match.group(1)), float(match.group(2))
    if (latitude is None) != (longitude is None):
        raise RecordError("give both latitude and longitude, or neither.")
    latitude, longitude, problem = usable_point(latitude, longitude)
    if problem:
        warnings.append(Rejection(position, slug, f"{problem}; the meeting is placed from its address."))
    return latitude, longitude


def _type_codes(item, position, slug, *, to_ours, by_name, warnings):
    """Our type codes for the record's types: codes or full names, as a list or a comma-separated string."""
    value = item.get("types")
    if isinstance(value, str):
        value = value.split(",")
    if value is None:
        value = []
    if not isinstance(value, list) or not all(isinstance(entry, str) for entry in value):
        raise RecordError('types must be a list of type codes such as ["O", "D"], or text such as "O, D".')
    codes, unknown = [], []
    for entry in (entry.strip() for entry in value):
        code = entry if entry in to_ours else by_name.get(entry.casefold(), "")
        if code:
            codes.append(code)
        elif entry and entry.upper() not in ("ONL", "ONLINE MEETING"):
            unknown.append(entry)
    if "O" in codes and "C" in codes:
        codes.remove("O")  # TSML's rule: a meeting listed as both open and closed is closed
    if unknown:
        warnings.append(Rejection(position, slug, f"types ignored (not Meeting Guide types): {', '.join(unknown)}"))
    return list(dict.fromkeys(to_ours[code] for code in codes))


def type_names(to_ours):
    """Meeting Guide codes by their English names and their codes in any case ("Closed", "c" -> "C")."""
    names = {code.casefold(): code for code in to_ours}
    names.update({"step meeting": "ST", "temporary closure": "TC", "location temporarily closed": "TC"})
    spec = json.loads((DATA / "spec-types.json").read_text(encoding="utf-8"))
    for code, labels in spec.items():
        if code in to_ours:
            names.setdefault(labels["en"].casefold(), code)
    return {name: code for name, code in names.items() if code in to_ours}


def _approximate(value):
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("yes", "no", "true", "false", "1", "0"):
        return value.strip().lower() in ("yes", "true", "1")
    raise RecordError(f'approximate must be "yes" or "no", not {json.dumps(value)[:30]}.')


def _strings(item, name):
    value = item.get(name)
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(entry, str) for entry in value):
        raise RecordError(f"{name} must be a list of text values.")
    return [entry.strip() for entry in value if entry.strip()]


ATTENDANCE_OPTIONS = {"in_person": "in_person", "online": "online", "hybrid": "hybrid", "inactive": ""}


def _join_on_request(notes):
    """The notes without the sentence our own feed writes for a meeting whose link is given on request, and
    whether it was there: a feed of ours read back keeps such a meeting online (the spec has no field for it)."""
    if JOIN_ON_REQUEST_NOTE not in notes:
        return notes, False
    return notes.replace(JOIN_ON_REQUEST_NOTE, "").strip(), True


def _attendance_option(item, texts, has_place, on_request=False):
    """TSML's attendance_option as our attendance, where the record bears it out; else "" (worked out on import).

    "inactive" says nothing we keep (a closed venue is its TC type), and an option the record contradicts (online
    with no link or phone, in person with no address) is left to the importer's own reading of the record.
    """
    option = item.get("attendance_option")
    if option in (None, ""):
        return ""
    if not isinstance(option, str) or option.strip() not in ATTENDANCE_OPTIONS:
        raise RecordError(
            f"attendance_option must be in_person, online, hybrid or inactive, not {json.dumps(option)[:30]}."
        )
    attendance = ATTENDANCE_OPTIONS[option.strip()]
    can_join = bool(texts["conference_url"] or texts["conference_phone"] or on_request)
    if (attendance in ("online", "hybrid") and not can_join) or (attendance != "online" and not has_place):
        return ""
    return attendance


def _slug(item):
    slug = item.get("slug")
    if isinstance(slug, int) and not isinstance(slug, bool):
        slug = str(slug)
    if not isinstance(slug, str) or not slug.strip():
        raise RecordError('slug is missing: every meeting needs its own slug, a short text such as "monday-hope".')
    slug = slug.strip()
    if len(slug) > 190:
        raise RecordError("slug is longer than 190 characters; shorten it.")
    return slug


def _place(item, texts, point):
    country = texts["country"]
    return Place(
        name=texts["location"] or texts["location_name"],
        address=texts["address"],
        city=texts["city"],
        state=texts["state"],
        postal_code=padded_postal_code(texts["postal_code"] or texts["zip"], country),
        country=country,
        formatted_address=texts["formatted_address"],
        latitude=point[0],
        longitude=point[1],
        approximate=_approximate(item.get("approximate")),
        notes=texts["location_notes"],
    )


def item_records(item, position, *, to_ours, warnings, by_name=None):
    """One feed item as one Record per day, or raise RecordError."""
    if not isinstance(item, dict):
        raise RecordError(f"a meeting must be a JSON object, not {type(item).__name__}.")
    slug = _slug(item)
    texts = {field: _text(item, field) for field in TEXT_FIELDS}
    if item.get("day") in (None, "", []):
        raise RecordError("day is missing: give the day it meets (meetings by appointment are not listed).")
    days = _days(item["day"])
    if item.get("time") in (None, ""):
        raise RecordError('time is missing: give the start time as 24-hour "HH:MM", such as "19:30".')
    start = parse_time(item["time"], "time")
    end = parse_time(item["end_time"], "end_time") if item.get("end_time") not in (None, "") else None
    by_name = type_names(to_ours) if by_name is None else by_name
    codes = _type_codes(item, position, slug, to_ours=to_ours, by_name=by_name, warnings=warnings)
    regions = _strings(item, "regions") or [r for r in (texts["region"], texts["sub_region"]) if r]
    place = _place(item, texts, _point(item, position, slug, warnings))
    has_place = bool(place.full_address())
    texts["notes"], on_request = _join_on_request(texts["notes"])
    # A record split over several days gets one meeting per day, keyed slug-<day> as TSML UI does.
    keys = [slug] if len(days) == 1 else [f"{slug}-{day}" for day in days]
    name = texts["name"] or texts["meeting"]
    if not name:
        warnings.append(Rejection(position, slug, "name is missing; the meeting is listed as TSML names it."))
    return [
        Record(
            position=position,
            external_key=key,
            slug_hint=key,
            name=name or _unnamed(place, day, start),
            weekday=day,
            start_time=start,
            end_time=end,
            timezone=texts["timezone"],
            place=place if has_place else None,
            attendance=_attendance_option(item, texts, has_place, on_request),
            join_on_request=on_request,
            conference_url=texts["conference_url"],
            conference_url_notes=texts["conference_url_notes"],
            conference_phone=texts["conference_phone"],
            conference_phone_notes=texts["conference_phone_notes"],
            type_codes=codes,
            notes=texts["notes"],
            group=texts["group"],
            regions=regions,
            updated=parse_updated(item.get("updated")),
        )
        for key, day in zip(keys, days, strict=True)
    ]


def _unnamed(place, day, start):
    """The name TSML's importer gives a meeting without one: its location, day and time."""
    where = place.name or place.address or place.formatted_address.split(",")[0] or "Meeting Location"
    return UNNAMED.format(location=where, day=WEEKDAY_NAMES[day], time=start.strftime("%H:%M"))[:200]


def records_from_bytes(data, *, warnings=None, known=None):
    """Records and Rejections of a Meeting Guide feed, one item at a time; FeedError if it is not a feed at all.

    With `known` (importing.KnownItems), an item imported before from the same bytes comes as a Known, unread."""
    text = feed_text(data)
    start = json_array_start(text)
    if start is None:
        kind = json_type(load_json(text))
        raise FeedError(f"A Meeting Guide feed is a JSON array of meetings, but this is a JSON {kind}.")
    to_ours, _ = type_maps()
    by_name = type_names(to_ours)
    warnings = [] if warnings is None else warnings

    def read(item, position):
        try:
            return item_records(item, position, to_ours=to_ours, warnings=warnings, by_name=by_name)
        except RecordError as error:
            slug = item.get("slug") if isinstance(item, dict) else ""
            return [Rejection(position, str(slug)[:80] if isinstance(slug, (str, int)) else "", str(error))]

    items = enumerate(json_array_items(text, start), start=1)
    yield from read_items(items, read=read, known=known, warnings=warnings)


# -- writing -------------------------------------------------------------------------------------------------


FEED_FIELDS = [
    "pk",
    "type_ids",
    "name",
    "slug",
    "weekday",
    "start_time",
    "end_time",
    "timezone",
    "status",
    "attendance",
    "notes",
    "conference_url",
    "conference_url_notes",
    "conference_phone",
    "conference_phone_notes",
    "join_on_request",
    "updated",
    "group__name",
    "location_id",
    "location__name",
    "location__formatted_address",
    "location__address",
    "location__city",
    "location__state",
    "location__postal_code",
    "location__country",
    "location__latitude",
    "location__longitude",
    "location__approximate",
    "location__region_id",
    "location__notes",
]


ADDRESS_PARTS = [(name, f"location__{name}") for name in ("address", "city", "state", "postal_code", "country")]
CONFERENCE_FIELDS = ("conference_url", "conference_url_notes", "conference_phone", "conference_phone_notes")


def attendance_option(row):
    """TSML's attendance_option: in_person, online, hybrid, or inactive for a closed venue with no way online."""
    attendance = row["attendance"]
    if row["status"] == Status.TEMPORARILY_CLOSED:
        # A closed building: a hybrid meeting goes on online only; an in-person one is not meeting.
        return "online" if attendance == Attendance.HYBRID else "inactive"
    return attendance


def _online_place(row):
    # Online only: the spec wants an approximate place that implies the zone, never "Online".
    return {"formatted_address": zone_city(row["timezone"]), "approximate": "yes"}


def feed_rows(meetings):
    """Plain rows, not model instances: the feed is read-only and building 10,000 models costs seconds."""
    return meetings.listed().order_by("weekday", "start_time", "pk").values(*FEED_FIELDS)


def region_names(region_id, regions):
    names = []
    while region_id is not None and region_id in regions:
        name, region_id = regions[region_id]
        names.append(name)
    return list(reversed(names))


# The 12 Step Meeting List plugin's Al-Anon types use Y for Alateen (interop.importing.program_type_codes
# reads it back so): only in Al-Anon's own feed, since in the Meeting Guide's (AA's) codes Y is Young People.
PROGRAM_EXPORT_CODES = {"al-anon": {"alateen": "Y"}}


class FeedWriter:
    """Turns meeting rows into Meeting Guide objects; the lookups it needs are loaded once per feed."""

    def __init__(self, *, base_url, program_slug=""):
        self.base_url = base_url.rstrip("/")
        _, to_theirs = type_maps()
        # A program's own feed names its types as that program's directories do (Al-Anon's Alateen is Y).
        to_theirs = to_theirs | PROGRAM_EXPORT_CODES.get(program_slug, {})
        self.codes_by_type_id = {
            pk: to_theirs[code] for pk, code in MeetingType.objects.values_list("pk", "code") if code in to_theirs
        }
        self.codes_by_text = {}
        self.regions = {pk: (name, parent) for pk, name, parent in Region.objects.values_list("pk", "name", "parent")}
        self.entity = {key: value for key, value in settings.FEED_ENTITY.items() if value}
        if "entity_url" in self.entity:
            # The spec's field list says entity_website_url; its example, TSML and TSML UI say entity_url.
            self.entity["entity_website_url"] = self.entity["entity_url"]
        self.closed_code = to_theirs.get(TEMPORARILY_CLOSED_CODE, "TC")
        # Read once: settings is a lazy object, and two lookups per meeting are a tenth of the export's time.
        self.feedback_url = settings.FEED_FEEDBACK_URL

    def type_codes(self, type_ids):
        """Meeting Guide codes of a row's types, from its own copy of their ids (Meeting.type_ids)."""
        # Meetings share a few thousand sets of types: each set is worked out once per feed.
        found = self.codes_by_text.get(type_ids)
        if found is None:
            codes = self.codes_by_type_id
            found = self.codes_by_text[type_ids] = frozenset(
                codes[type_id] for type_id in parse_type_ids(type_ids) if type_id in codes
            )
        return found

    def item(self, row, codes):
        codes = set(codes)
        if row["status"] == Status.TEMPORARILY_CLOSED:
            codes.add(self.closed_code)
        item = {
            "name": row["name"],
            "slug": row["slug"],
            "day": row["weekday"],
            "time": clock(row["start_time"], CLOCK_24H),
        }
        if row["end_time"] is not None:
            item["end_time"] = clock(row["end_time"], CLOCK_24H)
        item["timezone"] = row["timezone"]
        item["types"] = sorted(codes)
        item["attendance_option"] = attendance_option(row)
        item.update(self.place_fields(row) if row["location_id"] is not None else _online_place(row))
        item.update((name, row[name]) for name in CONFERENCE_FIELDS if row[name])
        notes = row["notes"]
        if row["join_on_request"] and not (row["conference_url"] or row["conference_phone"]):
            # The spec has no way to say "ask for the link"; say it in words rather than list it as inactive.
            notes = "\n\n".join(filter(None, [notes, JOIN_ON_REQUEST_NOTE]))
        if notes:
            item["notes"] = notes
        if row["group__name"]:
            item["group"] = row["group__name"]
        item["updated"] = f"{row['updated'].astimezone(dt.UTC):%Y-%m-%d %H:%M:%S}"
        item["url"] = self.base_url + meeting_path(row["slug"])
        if self.feedback_url:
            item["feedback_url"] = self.feedback_url.format(slug=row["slug"], url=item["url"])
        item.update(self.entity)
        return item

    def place_fields(self, row):
        """The venue's fields of a meeting that has one."""
        fields = {"location": row["location__name"], "formatted_address": row["location__formatted_address"]}
        fields.update((name, row[column]) for name, column in ADDRESS_PARTS if row[column])
        if row["location__latitude"] is not None and row["location__longitude"] is not None:
            fields["latitude"] = round(row["location__latitude"], 6)
            fields["longitude"] = round(row["location__longitude"], 6)
            if not row["location__approximate"]:
                # TSML UI takes "lat,lng" as an exact place to go: only a venue's own point is written so.
                fields["coordinates"] = f"{fields['latitude']},{fields['longitude']}"
        fields["approximate"] = "yes" if row["location__approximate"] else "no"
        regions = region_names(row["location__region_id"], self.regions)
        if regions:
            fields["regions"] = regions
        if row["location__notes"]:
            fields["location_notes"] = row["location__notes"]
        return fields

    def batches(self, meetings, size):
        """Lists of feed items, `size` at a time."""
        batch = []
        for row in feed_rows(meetings).iterator(chunk_size=size):
            batch.append(row)
            if len(batch) >= size:
                yield self._items(batch)
                batch = []
        if batch:
            yield self._items(batch)

    def _items(self, rows):
        return [self.item(row, self.type_codes(row["type_ids"])) for row in rows]


# Names and notes are stored as typed; in JSON, <, > and & are escaped too, so no browser ever sniffs markup.
def dumps(value):
    # str.replace runs in C; str.translate with a table is several times slower on a 5 MB feed.
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def feed_chunks(meetings, *, base_url, chunk_size=1000, program_slug=""):
    """The feed as JSON text in pieces, so memory does not grow with the number of meetings."""
    writer = FeedWriter(base_url=base_url, program_slug=program_slug)
    yield "["
    first = True
    for items in writer.batches(meetings, chunk_size):
        # One dumps() per batch: the list's brackets are dropped so batches join into one array.
        text = dumps(items)[1:-1]
        yield text if first else "," + text
        first = False
    yield "]"
