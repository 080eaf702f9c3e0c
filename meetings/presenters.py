"""What a result row shows beyond the model: live badges, the visitor's own time, distance."""

import re
from dataclasses import dataclass
from functools import lru_cache

from django.db import connections
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from meetings import geo
from meetings.search import occurrence_state
from meetings.timeutil import get_zone, zone_city

SOON_MINUTES = 120


def clock(moment, am_pm=None):
    """time_format(moment, "g:i A"), e.g. "7:05 PM", written out: it runs for every row of every results page.

    `am_pm`: ("AM", "PM") already translated, so that a page translates them once rather than per row.
    """
    am, pm = am_pm or (_("AM"), _("PM"))
    return f"{moment.hour % 12 or 12}:{moment.minute:02d} {pm if moment.hour > 11 else am}"


# What a result row (and the search API) shows of a meeting, its place and its group, and nothing else
# (read in the order of the models' fields, as Model.from_db takes them: see _rows_query).
MEETING_COLUMNS = (
    *("id", "name", "slug", "attendance", "weekday", "start_time", "end_time", "timezone", "utc_start"),
    *("duration_minutes", "status", "conference_url", "conference_phone", "last_verified", "type_ids"),
    *("program_id", "location_id", "group_id"),
)
LOCATION_COLUMNS = ("id", "name", "city", "formatted_address", "latitude", "longitude")
GROUP_COLUMNS = ("id", "name")


def load_rows(ids, place=None):
    """The meetings of a results page, in the order of `ids`, each with its place, group, program and
    `type_list` (and `distance_km` from `place`, when the search has one): one query whatever the page's
    size; programs and types come from the process's copy of the vocabularies (search_state).

    The ids come from the search (meetings.search.page_ids) and already match it, so the rows are read by
    id alone, without the search's conditions again.
    """
    from meetings.models import parse_type_ids
    from meetings.search_state import vocabulary_for

    rows = {meeting.pk: meeting for meeting in _read_rows(ids)}
    meetings = [rows[pk] for pk in ids if pk in rows]
    if not meetings:
        return []
    wanted = {meeting.pk: parse_type_ids(meeting.type_ids) for meeting in meetings}
    all_ids = {pk for type_ids in wanted.values() for pk in type_ids}
    # The vocabulary's order (category, position, name), as meeting.types.all() gives it.
    types, programs = vocabulary_for(frozenset(all_ids), frozenset(meeting.program_id for meeting in meetings))
    for meeting in meetings:
        _cache_relation(meeting, "program", programs[meeting.program_id])
        mine = set(wanted[meeting.pk])
        meeting.type_list = [meeting_type for meeting_type in types if meeting_type.pk in mine]
        if place is not None:
            location = meeting.location
            meeting.distance_km = (
                geo.distance_km(place.latitude, place.longitude, location.latitude, location.longitude)
                if location is not None and location.latitude is not None and location.longitude is not None
                else None
            )
    return meetings


def _read_rows(ids):
    """Meetings by id with their place and group (deferred fields load on access, as with only()).

    The SQL is the ORM's own, compiled once per number of ids and run with each page's ids: building and
    compiling the query, and Django's model iterator, cost several times the query itself on every page.
    """
    from groups.models import Group
    from meetings.models import Location, Meeting

    ids = list(dict.fromkeys(ids))  # an IN list is written without duplicates
    if not ids:
        return []
    alias = Meeting.objects.db  # the read replica, when the router names one
    connection = connections[alias]
    query = _rows_query(alias, connection.vendor, len(ids))
    with connection.cursor() as cursor:
        cursor.execute(query.sql, ids)
        rows = cursor.fetchall()
    meeting_end = len(query.meeting_columns)
    group_start = meeting_end + len(query.location_columns)
    meetings = []
    for row in rows:
        if query.converters:
            row = list(row)
            for position, (functions, expression) in query.converters:
                for function in functions:
                    row[position] = function(row[position], expression, connection)
        meeting = Meeting.from_db(alias, query.meeting_columns, row[:meeting_end])
        location = group = None
        if meeting.location_id is not None:
            location = Location.from_db(alias, query.location_columns, row[meeting_end:group_start])
        if meeting.group_id is not None:
            group = Group.from_db(alias, query.group_columns, row[group_start:])
        _cache_relation(meeting, "location", location)
        _cache_relation(meeting, "group", group)
        meetings.append(meeting)
    return meetings


@dataclass(frozen=True)
class _RowsQuery:
    sql: str
    converters: tuple  # ((position, (functions, expression)), ...) as the ORM's iterator applies them
    meeting_columns: tuple
    location_columns: tuple
    group_columns: tuple


def _in_field_order(model, names):
    return tuple(field.attname for field in model._meta.concrete_fields if field.attname in names)


@lru_cache(maxsize=64)
def _rows_query(alias, vendor, count):
    """_read_rows's query for `count` ids. Its converters turn the backend's values into the fields'
    (SQLite's text times and dates), as the ORM's iterator would."""
    from groups.models import Group
    from meetings.models import Location, Meeting

    meeting_columns = _in_field_order(Meeting, MEETING_COLUMNS)
    location_columns = _in_field_order(Location, LOCATION_COLUMNS)
    group_columns = _in_field_order(Group, GROUP_COLUMNS)
    columns = (
        *meeting_columns,
        *(f"location__{name}" for name in location_columns),
        *(f"group__{name}" for name in group_columns),
    )
    markers = list(range(-count, 0))  # no meeting has these ids: the query is only compiled, never run so
    queryset = Meeting.objects.using(alias).filter(pk__in=markers).order_by().values_list(*columns)
    compiler = queryset.query.get_compiler(alias)
    sql, params = compiler.as_sql()
    if list(params) != markers:
        raise RuntimeError(f"Unexpected parameters {params!r} in the result rows' query.")
    fields = [select[0] for select in compiler.select[: compiler.col_count]]
    converters = tuple(compiler.get_converters(fields).items())
    return _RowsQuery(sql, converters, meeting_columns, location_columns, group_columns)


def _cache_relation(meeting, name, related):
    """meeting.<name> without a query: what select_related would have stored."""
    meeting._meta.get_field(name).set_cached_value(meeting, related)


def types_of(meeting):
    """The meeting's types: as load_rows attached them, else from the link table (prefetched or not)."""
    type_list = getattr(meeting, "type_list", None)
    return type_list if type_list is not None else list(meeting.types.all())


def annotate_rows(meetings, *, now, visitor_tz="", unit="mi"):
    """Attach `row` facts to each meeting of a page (no queries: everything is already loaded)."""
    visitor_zone = get_zone(visitor_tz) if visitor_tz else None
    # Translated once per page, not per row (gettext is a good part of a row's time).
    am_pm, your_time, day_names = (_("AM"), _("PM")), None, {}
    for meeting in meetings:
        state = occurrence_state(meeting, now)
        start = state["start"]
        row = {
            "start": start,
            "in_progress": state["in_progress"],
            "starts_in": state["minutes_until"] if 0 <= state["minutes_until"] <= SOON_MINUTES else None,
            "local_label": f"{clock(start, am_pm)} {start.tzname()}",
            "zone_city": zone_city(meeting.timezone),
            "visitor_label": "",
            "key_types": [t for t in types_of(meeting) if t.is_key],
            "distance": None,
        }
        if visitor_zone is not None and meeting.is_online and visitor_zone.key != meeting.timezone:
            theirs = start.astimezone(visitor_zone)
            if theirs.utcoffset() != start.utcoffset():
                if your_time is None:
                    your_time = _("%(day)s %(time)s your time")
                weekday = theirs.weekday()
                if weekday not in day_names:
                    day_names[weekday] = date_format(theirs, "l")
                row["visitor_label"] = your_time % {"day": day_names[weekday], "time": clock(theirs, am_pm)}
        distance_km = getattr(meeting, "distance_km", None)
        if distance_km is not None:
            value = distance_km if unit == "km" else distance_km / geo.KM_PER_MILE
            row["distance"] = f"{value:.1f} {'km' if unit == 'km' else 'mi'}"
        meeting.row = row
    return meetings


# What the <slug:slug> path converter accepts; reverse() would refuse anything else.
SLUG = re.compile(r"[-a-zA-Z0-9_]+")


def meeting_url_maker():
    """Meeting.get_absolute_url() for a page of meetings: one reverse() instead of one per meeting.

    A slug is put where a marker was reversed; slug characters are never escaped in a path, so the
    address is the one reverse() gives. A slug the converter would not accept falls back to the model.
    """
    marker = "slug-marker"
    prefix, _marker, suffix = reverse("meetings:detail", args=[marker]).rpartition(marker)

    def url(meeting):
        if SLUG.fullmatch(meeting.slug):
            return f"{prefix}{meeting.slug}{suffix}"
        return meeting.get_absolute_url()

    return url


def as_json(meeting, request, *, path=None):
    """The API's shape of one meeting (documented in docs/api.md); `path` is its get_absolute_url(), if known."""
    row = meeting.row
    location = meeting.location
    return {
        "slug": meeting.slug,
        "name": meeting.name,
        "url": request.build_absolute_uri(path or meeting.get_absolute_url()),
        "program": {"slug": meeting.program.slug, "name": meeting.program.name},
        "group": meeting.group.name if meeting.group else None,
        "attendance": meeting.attendance,
        "status": meeting.status,
        "day": meeting.weekday,
        "time": meeting.start_time.strftime("%H:%M"),
        "end_time": meeting.end_time.strftime("%H:%M") if meeting.end_time else None,
        "timezone": meeting.timezone,
        "next_start": row["start"].isoformat(),
        "in_progress": row["in_progress"],
        "minutes_until_start": row["starts_in"],
        "location": None
        if location is None
        else {
            "name": location.name,
            "formatted_address": location.formatted_address,
            "city": location.city,
            "latitude": location.latitude,
            "longitude": location.longitude,
        },
        "distance_km": round(meeting.distance_km, 2) if getattr(meeting, "distance_km", None) is not None else None,
        "conference_url": meeting.join_url or None,
        "conference_phone": meeting.conference_phone or None,
        "types": [t.code for t in types_of(meeting)],
        "last_verified": meeting.last_verified.isoformat() if meeting.last_verified else None,
    }
