"""BMLT's semantic API: our meetings as GetSearchResults/GetFormats/GetServiceBodies, and its results as records.

Field names and string values follow bmlt-server's openapi-semantic.json (data/). Weekdays: BMLT 1 = Sunday,
ours 0 = Sunday. Programs and regions are both offered as service bodies; region ids are offset so the two
id spaces never meet.
"""

import csv
import datetime as dt
import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from pathlib import Path

from django.db.models import Exists, F, Max, Min, OuterRef, Q
from django.http import HttpResponse, StreamingHttpResponse

from core import places
from core.geo import EARTH_RADIUS_KM, KM_PER_MILE, distance_km
from core.time import CLOCK_24H_SECONDS, clock
from groups.models import Program
from interop.importing import (
    TEMPORARILY_CLOSED_CODE,
    FeedError,
    Place,
    Record,
    RecordError,
    Rejection,
    read_items,
    usable_point,
)
from interop.meeting_guide import feed_text, json_array_items, json_array_start, json_type, load_json
from meetings.models import Attendance, Meeting, MeetingType, Region, Status
from meetings.querysets import parse_type_ids

DATA = Path(__file__).resolve().parent / "data"
REGION_ID_OFFSET = 1_000_000
VENUE_TYPES = {Attendance.IN_PERSON: "1", Attendance.ONLINE: "2", Attendance.HYBRID: "3"}
ATTENDANCE_BY_VENUE = {value: key for key, value in VENUE_TYPES.items()}
FORMAT_TYPE_BY_CATEGORY = {
    "attendance": "O",
    "format": "FC1",
    "feature": "FC1",
    "audience": "FC3",
    "accessibility": "FC2",
    "language": "LANG",
}
MAX_PAGE_SIZE = 1000
# Rows read per database fetch when a result is written out; a result with fewer is answered in one piece.
BATCH_SIZE = 1000
# Ids are 64-bit in the database; a larger number would be an error there, not an empty result.
MAX_ID = 2**63 - 1
# The first radius the auto radius (a negative geo_width) tries; it doubles until the circle holds enough.
AUTO_RADIUS_START_KM = 10.0
# No two points on Earth are further apart: a circle this wide holds every meeting.
HALF_EARTH_KM = math.pi * EARTH_RADIUS_KM
DEFAULT_DURATION = "01:00:00"
# How many values each list parameter may hold: far above what a client sends, and low enough that the longest
# lists stay cheap at the world's size (bench/hostile_bench.py; the worst is every format excluded).
# A longer list is answered with 400, not silently cut.
MAX_VALUES = {
    # crouton and the BMLT map send the meetings of a saved list or a map view: a few hundred at most. 1,000
    # ids are one indexed IN list; at 7 characters an id they do not even fit in gunicorn's request line.
    "meeting_ids": 1000,
    # Each day or kind of venue once, to include or to exclude.
    "weekdays": 7,
    "venue_types": 3,
    # A search by formats names a handful; 100 is about every type the directory has (fixtures: 105, most of
    # them languages), and each one is a condition on the row's own copy of its types, not a join.
    "formats": 100,
    # Service bodies: the programs, and the regions a client's map or list covers (their sub-regions follow
    # by themselves); a root server rarely has more than a few hundred in all.
    "services": 200,
    # GetFormats and the fields of an answer filter what is already in memory: generous.
    "format_ids": 200,
    "key_strings": 200,
    "data_field_key": 100,
    # Sort keys are a handful of columns; each is one more ORDER BY term.
    "sort_keys": 20,
    # Exact values of one field (meeting_key_value[]): one IN list.
    "meeting_key_value": 100,
    # Aggregators' root servers: we are one server, so these only need to be well formed.
    "root_server_ids": 100,
}
# The fields meeting_key (GetSearchResults, GetFieldValues) and sort_keys may name, and the column each reads.
FIELD_COLUMNS = {
    "id_bigint": "pk",
    "shared_group_id_bigint": "group_id",
    "service_body_bigint": "program_id",
    "weekday_tinyint": "weekday",
    "venue_type": "attendance",
    "start_time": "start_time",
    "duration_time": "duration_minutes",
    "time_zone": "timezone",
    "meeting_name": "name",
    "location_text": "location__name",
    "location_street": "location__address",
    "location_municipality": "location__city",
    "location_province": "location__state",
    "location_postal_code_1": "location__postal_code",
    "location_nation": "location__country",
    "phone_meeting_number": "conference_phone",
    "virtual_meeting_link": "conference_url",
}
# BMLT's sort_key aliases (SwitcherController); fields we always leave blank are dropped from them.
SORT_ALIASES = {
    "weekday": ["weekday_tinyint", "location_municipality", "start_time"],
    "time": ["weekday_tinyint", "start_time", "location_municipality"],
    "town": ["location_municipality", "weekday_tinyint", "start_time"],
    "state": ["location_province", "location_municipality", "weekday_tinyint", "start_time"],
    "weekday_state": ["weekday_tinyint", "location_province", "location_municipality", "start_time"],
}
DEFAULT_SORT = ["weekday_tinyint", "start_time", "duration_time"]
# BMLT's numberOfMeetingsForAuto: an address search without SearchStringRadius finds this many nearest meetings.
AUTO_COUNT = 10
MAX_TEXT = 200
CALLBACK = re.compile(r"[A-Za-z_$][\w$]{0,63}(\.[A-Za-z_$][\w$]{0,63}){0,3}", re.ASCII)
TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")


class BadRequest(Exception):
    """A query parameter is wrong; the message is returned with HTTP 400."""


def language(params):
    """lang_enum: Spanish names where we have them, else English (BMLT falls back to the server's language)."""
    return "es" if params.get("lang_enum", "").strip().lower() == "es" else "en"


# -- formats ---------------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def stock_formats():
    with open(DATA / "bmlt-formats-en.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def stock_key_for_world():
    keys = {}
    for row in stock_formats():
        if row["world_id"] and row["world_id"] != "LANG":
            keys.setdefault(row["world_id"], row["key_string"])
    return keys


@dataclass
class Format:
    id: str
    key_string: str
    name_string: str
    description_string: str
    world_id: str
    format_type_enum: str
    code: str
    name_es: str = ""

    def as_semantic(self, root_uri, lang="en"):
        """The format as BMLT sends it; root_server_uri is how crouton matches formats to meetings."""
        spanish = lang == "es" and self.name_es
        return {
            "key_string": self.key_string,
            "name_string": self.name_es if spanish else self.name_string,
            "description_string": self.description_string,
            "lang": "es" if spanish else "en",
            "id": self.id,
            "world_id": self.world_id,
            "root_server_uri": root_uri,
            "format_type_enum": self.format_type_enum,
        }


def format_table():
    """Our meeting types as BMLT formats, keyed by type id; stock key strings where the world_id has one."""
    stock = stock_key_for_world()
    table, used_keys = {}, set()
    for meeting_type in MeetingType.objects.order_by("pk"):
        key = stock.get(meeting_type.bmlt_world_id) or meeting_type.meeting_guide_code or meeting_type.code
        if key in used_keys:
            key = meeting_type.code
        used_keys.add(key)
        table[meeting_type.pk] = Format(
            id=str(meeting_type.pk),
            key_string=key,
            name_string=meeting_type.name,
            description_string=meeting_type.description,
            world_id=meeting_type.bmlt_world_id,
            format_type_enum=FORMAT_TYPE_BY_CATEGORY.get(meeting_type.category, "FC1"),
            code=meeting_type.code,
            name_es=meeting_type.name_es,
        )
    return table


# -- parameters ------------------------------------------------------------------------------------------------


def text_list(params, name):
    """The values of a comma list parameter, at most MAX_VALUES[name] of them (BadRequest beyond).

    Clients also send PHP-style arrays (weekdays[]=2&weekdays[]=3), so those count too.
    """
    values = (
        params.getlist(name) + params.getlist(f"{name}[]") if hasattr(params, "getlist") else [params.get(name, "")]
    )
    parts = [part.strip() for value in values for part in value.split(",") if part.strip()]
    if len(parts) > MAX_VALUES[name]:
        raise BadRequest(f"{name} may hold at most {MAX_VALUES[name]} values, not {len(parts)}.")
    return parts


def int_list(params, name, *, low=None, high=None):
    """A comma list of integers split into (include, exclude) by sign, as BMLT does."""
    include, exclude = set(), set()
    for part in text_list(params, name):
        try:
            value = int(part)
        except ValueError:
            raise BadRequest(f"{name} must be a comma-separated list of whole numbers, not {part[:20]!r}.") from None
        magnitude = abs(value)
        if value == 0 or (low is not None and magnitude < low) or (high is not None and magnitude > high):
            raise BadRequest(f"{name}: {value} is out of range ({low} to {high}, negative to exclude).")
        (include if value > 0 else exclude).add(magnitude)
    return include, exclude


def _number(params, name, *, low=None, high=None, integer=False):
    raw = params.get(name, "").strip()
    if raw == "":
        return None
    try:
        value = int(raw) if integer else float(raw)
    except ValueError:
        kind = "a whole number" if integer else "a number"
        raise BadRequest(f"{name} must be {kind}, not {raw[:20]!r}.") from None
    if value != value or (low is not None and value < low) or (high is not None and value > high):
        raise BadRequest(f"{name} must be between {low} and {high}.")
    return value


def _time_param(params, prefix):
    hours = _number(params, f"{prefix}H", low=0, high=23, integer=True)
    minutes = _number(params, f"{prefix}M", low=0, high=59, integer=True)
    if hours is None and minutes is None:
        return None
    return dt.time(hours or 0, minutes or 0)


def _services(include, exclude):
    query = Q()
    for ids, negate in ((include, False), (exclude, True)):
        if not ids:
            continue
        program_ids = {i for i in ids if i < REGION_ID_OFFSET}
        # All the regions' sub-regions at once, a query per level of the tree (not per region asked for).
        region_ids = Region.with_descendants(sorted(i - REGION_ID_OFFSET for i in ids if i >= REGION_ID_OFFSET))
        part = Q(program_id__in=program_ids) | Q(location__region_id__in=region_ids)
        query &= ~part if negate else part
    return query


def search_meetings(params):
    """(meetings, centre) for GetSearchResults: the ordered queryset, and (lat, lon) of a search near a point.

    Every parameter is checked here, raising BadRequest, before a meeting is read: a streamed answer has
    already sent its 200 and cannot turn into a 400 halfway. The conditions are the directory's own
    (Meeting.objects: having_types, matching, near, lasting), as the search page uses them.
    """
    meetings = Meeting.objects.listed()
    narrowers = (_by_ids, _by_weekdays, _by_venue_types, _by_formats, _by_services, _by_times, _by_durations)
    for narrow in (*narrowers, _by_meeting_key, _by_published, _by_root_servers):
        meetings = narrow(params, meetings)
    text, origin = _search_string(params)
    if text:
        meetings = meetings.matching(text)
    return _near(params, meetings.order_by(*sort_columns(params)), origin)


def sort_columns(params):
    """The ORDER BY of sort_keys (a comma list of fields) or of the sort_key alias; BMLT's default without."""
    keys = text_list(params, "sort_keys")
    if not keys:
        alias = params.get("sort_key", "").strip()
        if alias and alias not in SORT_ALIASES:
            raise BadRequest(f"sort_key must be one of {', '.join(SORT_ALIASES)}, not {alias[:20]!r}.")
        keys = SORT_ALIASES.get(alias, DEFAULT_SORT)
    columns = []
    for key in keys:
        if key not in SEMANTIC_KEYS and key not in ("distance_in_km", "distance_in_miles"):
            raise BadRequest(f"sort_keys: {key[:30]!r} is not a field (see GetFieldKeys).")
        # Fields we always leave blank (location_neighborhood...) sort nothing; distance is sort_results_by_distance.
        if (column := FIELD_COLUMNS.get(key)) and column not in columns:
            columns.append(column)
    return [*(_ascending(column) for column in columns), "pk"]


def _ascending(column):
    """A column's ascending order, a missing value first (an online meeting has no town) as in BMLT's MySQL, on
    SQLite and PostgreSQL alike; a meeting's own column that is never missing plainly, so that an index can
    give the order (PostgreSQL reads no index for NULLS FIRST on an ascending one)."""
    if column == "pk" or ("__" not in column and not Meeting._meta.get_field(column).null):
        return F(column).asc()
    return F(column).asc(nulls_first=True)


def _meeting_key_values(params):
    values = params.getlist("meeting_key_value") + params.getlist("meeting_key_value[]")
    if len(values) > MAX_VALUES["meeting_key_value"]:
        raise BadRequest(f"meeting_key_value may hold at most {MAX_VALUES['meeting_key_value']} values.")
    if any(len(value) > MAX_TEXT or "\x00" in value for value in values):
        raise BadRequest(f"meeting_key_value must be text of at most {MAX_TEXT} characters.")
    return values


def _key_value(key, value):
    """A meeting_key_value as its column stores it (weekday 1 = Sunday, times HH:MM), or None if it cannot be."""
    value = value.strip()
    if key == "weekday_tinyint":
        return int(value) - 1 if value in {"1", "2", "3", "4", "5", "6", "7"} else None
    if key == "venue_type":
        return ATTENDANCE_BY_VENUE.get(value)
    if key in ("start_time", "duration_time"):
        match = TIME.match(value)
        if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
            return None
        hours, minutes = int(match.group(1)), int(match.group(2))
        return dt.time(hours, minutes) if key == "start_time" else hours * 60 + minutes
    if key in ("id_bigint", "shared_group_id_bigint", "service_body_bigint"):
        return int(value) if value.isdecimal() and len(value) <= 18 else None
    return value


def _by_meeting_key(params, meetings):
    """meeting_key + meeting_key_value: an exact match on one field; no value at all matches nothing, as in BMLT."""
    key = params.get("meeting_key", "").strip()
    values = _meeting_key_values(params)
    if not key:
        if values:
            raise BadRequest("meeting_key_value needs meeting_key, the field to match.")
        return meetings
    if key not in FIELD_COLUMNS:
        raise BadRequest(f"meeting_key {key[:30]!r} is not one of: {', '.join(FIELD_COLUMNS)}.")
    stored = [found for value in values if (found := _key_value(key, value)) is not None]
    return meetings.filter(**{f"{FIELD_COLUMNS[key]}__in": stored}) if stored else meetings.none()


def _by_published(params, meetings):
    published = params.get("advanced_published", "1").strip() or "1"
    if published not in ("1", "0", "-1"):
        raise BadRequest("advanced_published must be 1 (published), 0 (both) or -1 (unpublished).")
    # Every meeting we list is published; unpublished ones are for signed-in administrators in BMLT.
    return meetings.none() if published == "-1" else meetings


def _by_root_servers(params, meetings):
    include, _ = int_list(params, "root_server_ids", low=1, high=MAX_ID)
    # We are one root server, id 1 to an aggregator's question; naming only others matches nothing.
    return meetings.none() if include and 1 not in include else meetings


def _included_and_excluded(meetings, include, exclude, lookup, convert=lambda value: value):
    if include:
        meetings = meetings.filter(**{f"{lookup}__in": [convert(value) for value in include]})
    if exclude:
        meetings = meetings.exclude(**{f"{lookup}__in": [convert(value) for value in exclude]})
    return meetings


def _by_ids(params, meetings):
    include, exclude = int_list(params, "meeting_ids", low=1, high=MAX_ID)
    return _included_and_excluded(meetings, include, exclude, "pk")


def _by_weekdays(params, meetings):
    include, exclude = int_list(params, "weekdays", low=1, high=7)  # BMLT: 1 = Sunday; ours: 0 = Sunday
    return _included_and_excluded(meetings, include, exclude, "weekday", lambda day: day - 1)


def _by_venue_types(params, meetings):
    include, exclude = int_list(params, "venue_types", low=1, high=3)
    return _included_and_excluded(meetings, include, exclude, "attendance", lambda v: ATTENDANCE_BY_VENUE[str(v)])


def _by_formats(params, meetings):
    include, exclude = int_list(params, "formats", low=1, high=MAX_ID)
    operator = params.get("formats_comparison_operator", "AND").upper()
    if operator not in ("AND", "OR"):
        raise BadRequest("formats_comparison_operator must be AND or OR.")
    if include:
        # Each format a condition on the row's own copy of its type ids (Meeting.type_ids), as the search page
        # reads it: a join of the link table per format grew without bound on PostgreSQL and failed beyond 63
        # on SQLite (its limit of 64 tables in a join).
        meetings = meetings.having_types(include) if operator == "AND" else meetings.having_any_type(include)
    return meetings.without_types(exclude) if exclude else meetings


def _by_services(params, meetings):
    include, exclude = int_list(params, "services", low=1, high=MAX_ID)
    return meetings.filter(_services(include, exclude)) if include or exclude else meetings


def _by_times(params, meetings):
    for prefix, lookup in (("StartsAfter", "start_time__gt"), ("StartsBefore", "start_time__lt")):
        if (value := _time_param(params, prefix)) is not None:
            meetings = meetings.filter(**{lookup: value})
    if (ends_before := _time_param(params, "EndsBefore")) is not None:
        meetings = meetings.filter(end_time__lt=ends_before)
    return meetings


def _minutes(params, prefix):
    value = _time_param(params, prefix)
    return None if value is None else value.hour * 60 + value.minute


def _by_durations(params, meetings):
    at_least, at_most = _minutes(params, "MinDuration"), _minutes(params, "MaxDuration")
    return meetings.lasting(at_least, at_most) if at_least is not None or at_most is not None else meetings


def _search_string(params):
    """(keywords, origin): SearchString as words to match, or as a place (StringSearchIsAnAddress=1) to search near."""
    text = params.get("SearchString", "").strip()
    if len(text) > MAX_TEXT:
        raise BadRequest(f"SearchString is longer than {MAX_TEXT} characters.")
    if "\x00" in text:
        # PostgreSQL refuses NUL in a string; the database would answer with an error, not "no meetings".
        raise BadRequest("SearchString must not contain a NUL character.")
    # BMLT ignores a string shorter than three characters unless it is a number.
    if len(text) < 3 and not text.isdigit():
        return "", None
    if params.get("StringSearchIsAnAddress") != "1":
        # The search page's keyword search: every word in the meeting's name or notes or naming its program,
        # group or place, found by index (the whole text in any of five columns across a join read every meeting).
        return text, None
    # Our offline gazetteer, where BMLT asks Google: a ZIP code or a town, never a request off the machine.
    place = places.resolve(text)
    if place is None:
        raise BadRequest(f"SearchString {text[:60]!r} is not a town or ZIP code we know.")
    miles = _number(params, "SearchStringRadius", low=-1000, high=20000)
    return "", (place.latitude, place.longitude, -AUTO_COUNT if miles is None else miles)


def _circle(params, origin):
    """(latitude, longitude, miles, km) of the search's circle: lat_val/long_val/geo_width(_km), or the address's."""
    latitude = _number(params, "lat_val", low=-90, high=90)
    longitude = _number(params, "long_val", low=-180, high=180)
    miles = _number(params, "geo_width", low=-1000, high=20000)
    km = _number(params, "geo_width_km", low=-1000, high=20000)
    return (*origin, None) if origin is not None else (latitude, longitude, miles, km)


def _near(params, meetings, origin=None):
    """(meetings, centre): those within geo_width of lat_val/long_val, or the N nearest for a negative width."""
    latitude, longitude, miles, km = _circle(params, origin)
    if latitude is None and longitude is None:
        if miles is not None or km is not None:
            raise BadRequest("geo_width and geo_width_km need lat_val and long_val.")
        return meetings, None
    if latitude is None or longitude is None:
        raise BadRequest("Give both lat_val and long_val.")
    radius = km if km is not None else (miles * KM_PER_MILE if miles is not None else None)
    if radius is None:
        if not {"distance_in_km", "distance_in_miles"} & set(text_list(params, "data_field_key")):
            raise BadRequest("A search near lat_val/long_val needs geo_width (miles) or geo_width_km.")
        radius = 0  # BMLT: asking for the distance alone measures it to every meeting
    centre = places.Place("", latitude, longitude)
    candidates = meetings.filter(location__latitude__isnull=False)
    if radius < 0:
        # BMLT's "auto radius": a negative width asks for (at least) that many of the nearest meetings.
        return _nearest(candidates, centre, int(-radius if km is not None else -miles)), (latitude, longitude)
    by_distance = params.get("sort_results_by_distance") == "1"
    if radius > 0:
        candidates = candidates.near(centre, radius)
    elif by_distance:
        candidates = candidates.with_distance(centre)  # a width of 0: everywhere
    if by_distance:
        candidates = candidates.order_by("distance_km", "weekday", "start_time", "pk")
    return candidates, (latitude, longitude)


def _nearest(candidates, centre, count):
    """The `count` nearest candidates, nearest first, found in a circle grown until it holds that many."""
    radius = AUTO_RADIUS_START_KM
    # Every meeting in the circle is in its box, so once the circle holds `count`, the nearest are among them;
    # a dense city needs one small box, an empty ocean a few more, and no request reads every meeting.
    while radius < HALF_EARTH_KM:
        if candidates.near(centre, radius).order_by()[:count].count() >= count:
            break
        radius *= 2
    return candidates.near(centre, radius).order_by("distance_km", "weekday", "start_time", "pk")[:count]


def paginate(params, meetings):
    """The page asked for as a LIMIT/OFFSET slice of the ordered meetings, or None when there is no page_size."""
    size = _number(params, "page_size", low=1, high=MAX_PAGE_SIZE, integer=True)
    number = _number(params, "page_num", low=1, high=10**6, integer=True) or 1
    if size is None:
        return None
    start = (number - 1) * size
    return meetings[start : start + size]


def used_type_ids(meetings):
    """Ids of the types these meetings have, read from their type_ids copies (distinct in the database if it can).

    A temporarily closed meeting has the TC format too, as SemanticWriter writes it.
    """
    rows = meetings.values_list("type_ids", "status")
    if not meetings.query.is_sliced:
        rows = rows.order_by().distinct()
    used, closed = set(), False
    for text, status in rows.iterator(chunk_size=BATCH_SIZE):
        used.update(parse_type_ids(text))
        closed = closed or status == Status.TEMPORARILY_CLOSED
    if closed:
        used.update(MeetingType.objects.filter(code=TEMPORARILY_CLOSED_CODE).values_list("pk", flat=True))
    return used


def used_format_ids():
    """Ids of the types some meeting has: one index probe of the link table per type, not a read of every link."""
    links = Meeting.types.through.objects.filter(meetingtype_id=OuterRef("pk"))
    return set(MeetingType.objects.filter(Exists(links)).values_list("pk", flat=True))


# -- output ------------------------------------------------------------------------------------------------


def _duration(minutes):
    # Stored: to the end time, or the hour clients assume without one.
    return f"{minutes // 60:02d}:{minutes % 60:02d}:00"


def _text(value):
    return str(value) if value is not None else ""


# What semantic_meeting reads: plain rows, not model instances, so a whole directory can be written in batches.
ROW_FIELDS = (
    *("pk", "group_id", "program_id", "program__name", "weekday", "attendance", "start_time", "duration_minutes"),
    *("timezone", "type_ids", "name", "notes", "conference_phone", "conference_url", "conference_url_notes"),
    *("conference_phone_notes", "location__longitude", "location__latitude", "location__name", "location__notes"),
    *("location__address", "location__city", "location__state", "location__postal_code", "location__country"),
    "status",
)


def virtual_info(*parts):
    """The virtual meeting's notes, each piece of text once (a URL's and a phone's notes are often the same)."""
    kept = []
    for part in (part.strip() for part in parts if part and part.strip()):
        if not any(part in other for other in kept):
            kept = [other for other in kept if other not in part] + [part]
    return " ".join(kept)


def semantic_meeting(row, *, format_keys, format_ids, root_uri, distance_km=None):
    """A meeting row (ROW_FIELDS) as a GetSearchResults object: every value a string, in BMLT's order."""
    item = {
        "id_bigint": str(row["pk"]),
        "worldid_mixed": "",
        "shared_group_id_bigint": str(row["group_id"] or ""),
        "service_body_bigint": str(row["program_id"]),
        "service_body_name": row["program__name"],
        "weekday_tinyint": str(row["weekday"] + 1),
        "venue_type": VENUE_TYPES.get(row["attendance"], "1"),
        "start_time": clock(row["start_time"], CLOCK_24H_SECONDS),
        "duration_time": _duration(row["duration_minutes"]),
        "time_zone": row["timezone"],
        "formats": format_keys,
        "lang_enum": "en",
        "longitude": _text(row["location__longitude"]),
        "latitude": _text(row["location__latitude"]),
        "meeting_name": row["name"],
        "location_text": row["location__name"] or "",
        "location_info": row["location__notes"] or "",
        "location_street": row["location__address"] or "",
        "location_city_subsection": "",
        "location_neighborhood": "",
        "location_municipality": row["location__city"] or "",
        "location_sub_province": "",
        "location_province": row["location__state"] or "",
        "location_postal_code_1": row["location__postal_code"] or "",
        "location_nation": row["location__country"] or "",
        "comments": row["notes"],
        "train_lines": "",
        "bus_lines": "",
        "phone_meeting_number": row["conference_phone"],
        "virtual_meeting_link": row["conference_url"],
        "virtual_meeting_additional_info": virtual_info(row["conference_url_notes"], row["conference_phone_notes"]),
        "contact_name_1": "",
        "contact_phone_1": "",
        "contact_email_1": "",
        "published": "1",
        "root_server_uri": root_uri,
        "format_shared_id_list": format_ids,
    }
    if distance_km is not None:
        item["distance_in_km"] = f"{distance_km:.4f}"
        item["distance_in_miles"] = f"{distance_km / 1.609344:.4f}"
    return item


def select_fields(item, wanted):
    """The item with only the data_field_key fields (in that order), or whole when none are asked for."""
    if not wanted:
        return item
    return {key: item[key] for key in wanted if key in item}


class SemanticWriter:
    """Turns meeting rows into GetSearchResults objects; its lookups are loaded once per response."""

    # Meetings share some thousands of sets of types; more than this and the memo starts again, so it stays small.
    MEMO_LIMIT = 20_000

    def __init__(self, params, *, root_uri, centre=None):
        self.wanted = text_list(params, "data_field_key")  # first: a bad list is refused before any query
        self.lang = language(params)
        self.formats = format_table()
        # A temporarily closed meeting carries BMLT's TC format, as a root server's would.
        closed = (pk for pk, entry in self.formats.items() if entry.code == TEMPORARILY_CLOSED_CODE)
        self.closed_id = next(closed, None)
        self.root_uri = root_uri
        self.centre = centre
        self.used = set()  # type ids of the meetings written so far, for get_used_formats
        self._memo = {}

    def format_lists(self, type_ids, closed=False):
        """(key strings, ids) of a row's type_ids text, as the formats and format_shared_id_list fields."""
        found = self._memo.get((type_ids, closed))
        if found is None:
            if len(self._memo) >= self.MEMO_LIMIT:
                self._memo.clear()
            type_set = set(parse_type_ids(type_ids)) | ({self.closed_id} if closed and self.closed_id else set())
            ids = [pk for pk in sorted(type_set) if pk in self.formats]
            keys = [self.formats[pk].key_string for pk in ids]
            keys.sort(key=lambda key: key not in ("O", "C"))  # BMLT lists Open/Closed first.
            found = self._memo[(type_ids, closed)] = (",".join(keys), ",".join(map(str, ids)), ids)
        return found

    def item(self, row):
        keys, id_list, ids = self.format_lists(row["type_ids"], row["status"] == Status.TEMPORARILY_CLOSED)
        self.used.update(ids)
        distance = None
        if self.centre is not None:
            distance = distance_km(*self.centre, row["location__latitude"], row["location__longitude"])
        item = semantic_meeting(
            row, format_keys=keys, format_ids=id_list, root_uri=self.root_uri, distance_km=distance
        )
        return select_fields(item, self.wanted)

    def items(self, meetings):
        """All the meetings' objects at once: for a page, which MAX_PAGE_SIZE keeps small."""
        return [self.item(row) for row in meetings.values(*ROW_FIELDS)]

    def batches(self, meetings):
        """Lists of objects, BATCH_SIZE at a time, read through a chunked cursor so memory does not grow."""
        size = BATCH_SIZE
        batch = []
        for row in meetings.values(*ROW_FIELDS).iterator(chunk_size=size):
            batch.append(self.item(row))
            if len(batch) >= size:
                yield batch
                batch = []
        if batch:
            yield batch

    def used_formats(self, type_ids=None):
        """The formats of these type ids, or of the meetings written so far."""
        ids = self.used if type_ids is None else type_ids
        return [self.formats[pk].as_semantic(self.root_uri, self.lang) for pk in sorted(ids) if pk in self.formats]


def json_chunks(batches, *, used_formats=None):
    """A GetSearchResults array as JSON text a batch at a time, then used_formats() in an envelope if given."""
    # The text is what json.dumps, and so JsonResponse, writes for the whole answer, byte for byte.
    yield '{"meetings": [' if used_formats else "["
    separator = ""
    for batch in batches:
        if batch:
            # One dumps() per batch; its brackets are dropped so the batches join into one array.
            yield separator + json.dumps(batch)[1:-1]
            separator = ", "
    yield "]"
    if used_formats:
        yield ', "formats": ' + json.dumps(used_formats()) + "}"


def jsonp_response(payload, callback):
    """The answer as JSONP: `callback(...)` for a <script> tag (the comment keeps a leading name from being data)."""
    if isinstance(payload, StreamingHttpResponse):
        chunks = chain([f"/**/{callback}("], payload.streaming_content, [");"])
        return StreamingHttpResponse(chunks, content_type="application/javascript; charset=utf-8")
    text = f"/**/{callback}({json.dumps(payload)});"
    return HttpResponse(text, content_type="application/javascript; charset=utf-8")


# BMLT's service body types for our kinds of region.
REGION_BODY_TYPES = {"country": "ZF", "state": "RS", "metro": "MA", "neighbourhood": "AS"}


def _service_bodies_of(queryset, include, exclude, *, offset=0):
    """The programs (offset 0) or regions (REGION_ID_OFFSET) that `services` asks for, chosen in the database."""
    if include:
        queryset = queryset.filter(pk__in=[i - offset for i in include if (i >= REGION_ID_OFFSET) == bool(offset)])
    if exclude:
        queryset = queryset.exclude(pk__in=[i - offset for i in exclude if (i >= REGION_ID_OFFSET) == bool(offset)])
    return queryset


def _with_parents(region_ids):
    """These region ids and every region above them: one query per level of the tree."""
    found, frontier = set(region_ids), set(region_ids)
    while frontier:
        above = Region.objects.filter(pk__in=frontier, parent__isnull=False).values_list("parent_id", flat=True)
        frontier = set(above) - found
        found |= frontier
    return found


def service_bodies(params):
    """GetServiceBodies: the programs, then the regions, or those `services` names (chosen by the database).

    recursive=1 adds the regions under those named, parents=1 the regions above them, as BMLT does.
    """
    include, exclude = int_list(params, "services", low=1, high=MAX_ID)
    if include and (params.get("recursive") == "1" or params.get("parents") == "1"):
        regions = [i - REGION_ID_OFFSET for i in include if i >= REGION_ID_OFFSET]
        if params.get("recursive") == "1":
            regions = Region.with_descendants(regions)
        if params.get("parents") == "1":
            regions = _with_parents(regions)
        include = {i for i in include if i < REGION_ID_OFFSET} | {REGION_ID_OFFSET + pk for pk in regions}
    bodies = [
        {
            "id": str(program.pk),
            "parent_id": "0",
            "name": program.name,
            "description": program.description,
            "type": "WS",
            "url": program.website,
            "helpline": "",
            "world_id": "",
        }
        for program in _service_bodies_of(Program.objects.order_by("pk"), include, exclude)
    ]
    # Plain rows, and each kind's label translated once: a directory can have tens of thousands of regions.
    kinds = {kind: str(label) for kind, label in Region.Kind.choices}
    regions = _service_bodies_of(Region.objects.order_by("pk"), include, exclude, offset=REGION_ID_OFFSET)
    bodies += [
        {
            "id": str(REGION_ID_OFFSET + pk),
            "parent_id": str(REGION_ID_OFFSET + parent_id) if parent_id else "0",
            "name": name,
            "description": kinds.get(kind, kind),
            "type": REGION_BODY_TYPES.get(kind, "AS"),
            "url": "",
            "helpline": "",
            "world_id": "",
        }
        for pk, parent_id, name, kind in regions.values_list("pk", "parent_id", "name", "kind")
    ]
    return bodies


def formats(params, *, root_uri):
    """GetFormats: the formats some meeting has, or every one (show_all=1), or those format_ids/key_strings name."""
    include, exclude = int_list(params, "format_ids", low=1, high=MAX_ID)
    keys = set(text_list(params, "key_strings"))
    lang = language(params)
    table = format_table()
    if params.get("show_all") != "1" and not include and not keys:
        used = used_format_ids()
        table = {pk: entry for pk, entry in table.items() if pk in used}
    return [
        entry.as_semantic(root_uri, lang)
        for pk, entry in table.items()
        if (not include or pk in include) and pk not in exclude and (not keys or entry.key_string in keys)
    ]


SEMANTIC_KEYS = [
    "id_bigint",
    "worldid_mixed",
    "shared_group_id_bigint",
    "service_body_bigint",
    "weekday_tinyint",
    "venue_type",
    "start_time",
    "duration_time",
    "time_zone",
    "formats",
    "lang_enum",
    "longitude",
    "latitude",
    "meeting_name",
    "location_text",
    "location_info",
    "location_street",
    "location_municipality",
    "location_province",
    "location_postal_code_1",
    "location_nation",
    "comments",
    "phone_meeting_number",
    "virtual_meeting_link",
    "virtual_meeting_additional_info",
]


def server_info():
    """GetServerInfo: what a client such as crouton asks first. No API keys, ever (privacy)."""
    return [
        {
            # The bmlt-server release whose semantic interface ours follows (docs/api.md).
            "version": "4.2.7",
            "versionInt": "4002007",
            "langs": "en,es",
            "nativeLang": "en",
            "centerLongitude": "-98.5795",
            "centerLatitude": "39.8283",
            "centerZoom": "4",
            "defaultDuration": DEFAULT_DURATION,
            "regionBias": "us",
            "charSet": "UTF-8",
            "distanceUnits": "mi",
            # Every bmlt-server says "1"; Yap reads it to choose how it signs in.
            "semanticAdmin": "1",
            "emailEnabled": "0",
            "emailIncludesServiceBodies": "0",
            "changesPerMeeting": "0",
            "meeting_states_and_provinces": "",
            "meeting_counties_and_sub_provinces": "",
            "available_keys": ",".join([*SEMANTIC_KEYS, "root_server_uri", "format_shared_id_list"]),
            "google_api_key": "",
            "aggregator_mode_enabled": False,
        }
    ]


def field_keys():
    return [{"key": key, "description": key.replace("_", " ")} for key in SEMANTIC_KEYS]


def field_values(params):
    """GetFieldValues: each value of one field, with the ids of the listed meetings that have it."""
    key = params.get("meeting_key", "").strip()
    if key not in FIELD_COLUMNS:
        raise BadRequest(f"GetFieldValues needs meeting_key, one of: {', '.join(FIELD_COLUMNS)}.")
    column = FIELD_COLUMNS[key]
    ids_by_value = {}
    rows = Meeting.objects.listed().order_by(column, "pk").values_list(column, "pk")
    for value, pk in rows.iterator(chunk_size=BATCH_SIZE):
        ids_by_value.setdefault(_field_text(key, value), []).append(str(pk))
    return [{key: value, "ids": ",".join(ids)} for value, ids in ids_by_value.items()]


def _field_text(key, value):
    """A column's value as GetSearchResults writes that field."""
    if key == "weekday_tinyint":
        return str(value + 1)
    if key == "venue_type":
        return VENUE_TYPES.get(value, "1")
    if key == "start_time":
        return clock(value, CLOCK_24H_SECONDS)
    if key == "duration_time":
        return _duration(value)
    return _text(value)


def coverage_area():
    """GetCoverageArea: the box around every listed meeting's venue (one aggregate query)."""
    box = Meeting.objects.listed().aggregate(
        north=Max("location__latitude"),
        south=Min("location__latitude"),
        east=Max("location__longitude"),
        west=Min("location__longitude"),
    )
    return [
        {
            "nw_corner_longitude": _text(box["west"]),
            "nw_corner_latitude": _text(box["north"]),
            "se_corner_longitude": _text(box["east"]),
            "se_corner_latitude": _text(box["south"]),
        }
    ]


# GetChanges answers the newest this many changes of its window: a bounded read of the history's date index.
MAX_CHANGES = 1000
CHANGE_TYPES = {"+": "comdef_change_type_new", "~": "comdef_change_type_change", "-": "comdef_change_type_delete"}


def _date(params, name):
    raw = params.get(name, "").strip()
    if not raw:
        return None
    try:
        if len(raw) == 10:
            return dt.date.fromisoformat(raw)
    except ValueError:
        pass
    raise BadRequest(f"{name} must be a date as YYYY-MM-DD, not {raw[:20]!r}.")


def changes(params):
    """GetChanges: the public meetings' changes from their history, newest first (no one's name: privacy)."""
    start, end = _date(params, "start_date"), _date(params, "end_date")
    meeting_id = _number(params, "meeting_id", low=1, high=MAX_ID, integer=True)
    body_id = _number(params, "service_body_id", low=1, high=MAX_ID, integer=True)
    history = Meeting.history.exclude(status=Status.INACTIVE)
    if start:
        history = history.filter(history_date__date__gte=start)
    if end:
        history = history.filter(history_date__date__lte=end)
    if meeting_id:
        history = history.filter(id=meeting_id)
    if body_id:
        history = history.filter(_services({body_id}, set()))
    names = dict(Program.objects.values_list("pk", "name"))
    rows = history.order_by("-history_date", "-history_id").values(
        "history_id", "history_date", "history_type", "id", "name", "program_id", "deleted_at"
    )
    return [_change(row, names) for row in rows[:MAX_CHANGES]]


def _change(row, names):
    change_type = "-" if row["deleted_at"] is not None else row["history_type"]
    return {
        "date_int": str(int(row["history_date"].timestamp())),
        "date_string": f"{row['history_date'].astimezone(dt.UTC):%-I:%M %p, %-m/%-d/%Y}",
        "change_type": CHANGE_TYPES.get(change_type, CHANGE_TYPES["~"]),
        "change_id": str(row["history_id"]),
        "meeting_id": str(row["id"]),
        "meeting_name": row["name"],
        "user_id": "",
        "user_name": "",
        "service_body_id": str(row["program_id"]),
        "service_body_name": names.get(row["program_id"], ""),
        "meeting_exists": "0" if change_type == "-" else "1",
        "details": "",
    }


# -- import ------------------------------------------------------------------------------------------------


def _string(item, name):
    value = item.get(name)
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise RecordError(f"{name} must be a string, not {type(value).__name__}.")
    return value.strip()


def _clock_value(text, name):
    match = TIME.match(text)
    if not match or int(match.group(1)) > 24 or int(match.group(2)) > 59:
        raise RecordError(f"{name} {text[:20]!r} is not HH:MM:SS.")
    return int(match.group(1)), int(match.group(2))


def _type_resolver(envelope_formats):
    """A function from a BMLT format key (or id) to our type code, using world_id as BMLT advises."""
    ours_by_world = {}
    ours_by_code = {}
    for code, world_id, mg_code in MeetingType.objects.values_list("code", "bmlt_world_id", "meeting_guide_code"):
        if world_id:
            ours_by_world.setdefault(world_id, code)
        ours_by_code[code] = code
        if mg_code:
            ours_by_code.setdefault(mg_code, code)
    world_by_key = {row["key_string"]: row["world_id"] for row in stock_formats() if row["world_id"] != "LANG"}
    world_by_id = {}
    for entry in envelope_formats or []:
        # A server's format without a world_id says nothing about it: the stock key (SD is S-D) still counts.
        if isinstance(entry, dict) and isinstance(entry.get("world_id"), str) and entry["world_id"].strip():
            world_by_key[str(entry.get("key_string", ""))] = entry["world_id"]
            world_by_id[str(entry.get("id", ""))] = entry["world_id"]

    def resolve(key, *, by_id=False):
        world = world_by_id.get(key) if by_id else world_by_key.get(key)
        if world and world in ours_by_world:
            return ours_by_world[world]
        return None if by_id else ours_by_code.get(key)

    return resolve


def item_record(item, position, *, resolve, warnings):
    """One GetSearchResults meeting as a Record, or RecordError saying what is wrong with it."""
    if not isinstance(item, dict):
        raise RecordError(f"a meeting must be a JSON object, not {type(item).__name__}.")
    key, name = _string(item, "id_bigint"), _string(item, "meeting_name")
    if not key:
        raise RecordError("id_bigint is missing.")
    if not name:
        raise RecordError("meeting_name is missing.")
    start, end = _start_and_end(item)
    venue = _string(item, "venue_type")
    if venue and venue not in ATTENDANCE_BY_VENUE:
        raise RecordError(f"venue_type {venue[:10]!r} is not 1 (in person), 2 (virtual) or 3 (hybrid).")
    attendance = ATTENDANCE_BY_VENUE.get(venue, "")
    place = _place(item, attendance)
    return Record(
        position=position,
        external_key=key,
        slug_hint=f"{name} {key}",
        name=name[:200],
        weekday=_weekday(item) - 1,
        start_time=start,
        end_time=end,
        timezone=_string(item, "time_zone"),
        place=place if (place.full_address() or place.latitude is not None) else None,
        attendance=attendance,
        conference_url=_string(item, "virtual_meeting_link"),
        conference_url_notes=_string(item, "virtual_meeting_additional_info")[:300],
        conference_phone=_string(item, "phone_meeting_number")[:100],
        type_codes=_type_codes(item, position, key, resolve=resolve, warnings=warnings),
        notes=_string(item, "comments"),
    )


def _weekday(item):
    weekday = _string(item, "weekday_tinyint")
    # isdecimal, not isdigit (int() refuses "²"), and short (int() refuses thousands of digits).
    if not (weekday.isdecimal() and len(weekday) <= 9) or not 1 <= int(weekday) <= 7:
        raise RecordError(f"weekday_tinyint {weekday[:10]!r} is not a weekday (1 = Sunday to 7 = Saturday).")
    return int(weekday)


def _start_and_end(item):
    """(start, end or None): BMLT gives a start and a duration."""
    hours, minutes = _clock_value(_string(item, "start_time"), "start_time")
    if hours > 23:
        raise RecordError("start_time must be before 24:00.")
    duration = _string(item, "duration_time")
    if not duration:
        return dt.time(hours, minutes), None
    d_hours, d_minutes = _clock_value(duration, "duration_time")
    total = d_hours * 60 + d_minutes
    if not 0 < total < 24 * 60:
        return dt.time(hours, minutes), None
    end_minutes = (hours * 60 + minutes + total) % (24 * 60)
    return dt.time(hours, minutes), dt.time(end_minutes // 60, end_minutes % 60)


def _type_codes(item, position, key, *, resolve, warnings):
    """Our type codes for the meeting's formats (keys, and shared ids through world_id); unknown keys warned of."""
    codes, unknown = [], []
    for format_key in (k.strip() for k in _string(item, "formats").split(",") if k.strip()):
        code = resolve(format_key)
        (codes if code else unknown).append(code or format_key)
    for format_id in (k.strip() for k in _string(item, "format_shared_id_list").split(",") if k.strip()):
        if code := resolve(format_id, by_id=True):
            codes.append(code)
    unknown = [k for k in unknown if k not in ("VM", "HY")]
    if unknown:
        warnings.append(Rejection(position, key, f"formats ignored (no matching type): {', '.join(unknown)}"))
    return list(dict.fromkeys(codes))


def _coordinates(item):
    """(latitude, longitude), or (None, None) for none: BMLT writes 0,0 for "unknown"."""
    try:
        latitude, longitude = (
            float(text) if (text := _string(item, name)) else None for name in ("latitude", "longitude")
        )
    except ValueError:
        raise RecordError("latitude and longitude must be numbers.") from None
    if not all(math.isfinite(value) for value in (latitude, longitude) if value is not None):
        # float() reads "nan" and "inf", and NaN passes every range check.
        raise RecordError("latitude and longitude must be numbers.")
    if not latitude and not longitude:
        return None, None
    if (latitude is None) != (longitude is None):
        raise RecordError("give both latitude and longitude, or neither.")
    # Out of range is as good as unknown: the meeting is placed from its address instead (usable_point).
    latitude, longitude, _ = usable_point(latitude, longitude)
    return latitude, longitude


def _place(item, attendance):
    latitude, longitude = _coordinates(item)
    street = _string(item, "location_street")
    return Place(
        name=_string(item, "location_text"),
        address=street,
        city=_string(item, "location_municipality"),
        state=_string(item, "location_province"),
        postal_code=_string(item, "location_postal_code_1"),
        country=_string(item, "location_nation"),
        latitude=latitude,
        longitude=longitude,
        # A virtual meeting's town is only its "origin"; it is not a place to go.
        approximate=attendance == Attendance.ONLINE or not street,
        notes=_string(item, "location_info"),
    )


def _payload(data):
    """(meetings, formats) of a GetSearchResults response; a bare array's items are decoded one at a time."""
    text = feed_text(data)
    start = json_array_start(text)
    if start is not None:
        return json_array_items(text, start), None
    # The {meetings, formats} envelope (get_used_formats=1) is decoded whole; it is bounded by IMPORT_MAX_BYTES.
    payload = load_json(text)
    formats = None
    if isinstance(payload, dict) and "meetings" in payload:
        formats, payload = payload.get("formats"), payload["meetings"]
    if not isinstance(payload, list):
        raise FeedError(
            f"A BMLT GetSearchResults response is a JSON array of meetings, but this is a JSON {json_type(payload)}."
        )
    return payload, formats if isinstance(formats, list) else None


def records_from_bytes(data, *, warnings=None, known=None):
    """Records and Rejections of a GetSearchResults response (bare array or {meetings, formats}), one at a time."""
    payload, formats = _payload(data)
    resolve = _type_resolver(formats)
    warnings = [] if warnings is None else warnings

    def read(item, position):
        try:
            return [item_record(item, position, resolve=resolve, warnings=warnings)]
        except RecordError as error:
            key = item.get("id_bigint") if isinstance(item, dict) else ""
            return [Rejection(position, str(key)[:40] if isinstance(key, (str, int)) else "", str(error))]

    yield from read_items(enumerate(payload, start=1), read=read, known=known, warnings=warnings)
