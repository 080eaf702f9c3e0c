"""What a result row shows beyond the model: its next start, live badges, the visitor's own time, distance.

The markup is search/jinja2/search/results.html; this module only works out the facts.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.geo import KM_PER_MILE, distance_km
from core.time import CLOCK_24H, clock, get_zone, local_datetime, next_start, zone_city
from meetings.models import Attendance, Meeting, Weekday
from meetings.querysets import parse_type_ids
from search.vocabulary import vocabulary_for

# A meeting starting within this many minutes says "Starts in N min".
SOON_MINUTES = 120
# What a result row (and the search API) shows of a meeting, its venue and its group, and nothing else.
ROW_FIELDS = (
    *("name", "slug", "attendance", "weekday", "start_time", "end_time", "timezone", "utc_start"),
    *("duration_minutes", "status", "conference_url", "conference_phone", "last_verified", "type_ids"),
    *("program_id", "location_id", "group_id"),
    *("location__name", "location__city", "location__formatted_address", "location__latitude"),
    *("location__longitude", "group__name"),
)


@dataclass
class Row:
    weekday: str  # its day, in the page's language
    attendance: str  # "In person", "Online", "Hybrid..."
    start: object  # the next start, an aware datetime in the meeting's zone
    in_progress: bool
    starts_in: int | None  # minutes, when it starts soon
    starts_in_label: str  # "Starts in 12 min"
    local_label: str  # "7:00 PM EST"
    zone_city: str
    visitor_label: str  # "Tuesday 9:00 AM your time", for an online meeting in another zone
    key_types: list  # the labels of its key types, in the page's language
    distance: str  # "2.4 mi", with a place


def load_rows(ids, place=None):
    """The meetings with these ids, in that order, each with its venue, group, program, `type_list`, and
    `distance_km` from `place` when the search has one: one query; programs and types come from the
    process's copy of the vocabularies (search.vocabulary).

    The ids come from the search (search.paging) and already match it, so the rows are read by id alone.
    """
    # No ORDER BY (the model orders by day and time by default): the rows are put in the ids' order below.
    found = Meeting.objects.filter(pk__in=ids).select_related("location", "group").only(*ROW_FIELDS).order_by()
    by_pk = {meeting.pk: meeting for meeting in found}
    meetings = [by_pk[pk] for pk in ids if pk in by_pk]
    wanted = {meeting.pk: parse_type_ids(meeting.type_ids) for meeting in meetings}
    type_ids = frozenset().union(*wanted.values())
    types, programs = vocabulary_for(type_ids, frozenset(meeting.program_id for meeting in meetings))
    # Each meeting's types in the vocabulary's order: their positions in it, sorted.
    position = {meeting_type.pk: index for index, meeting_type in enumerate(types)}
    for meeting in meetings:
        meeting.program = programs[meeting.program_id]
        mine = sorted(position[pk] for pk in wanted[meeting.pk] if pk in position)
        meeting.type_list = [types[index] for index in mine]
        location = meeting.location
        if place is not None and location is not None and location.latitude is not None:
            meeting.distance_km = distance_km(place.latitude, place.longitude, location.latitude, location.longitude)
    return meetings


def annotate_rows(meetings, *, now, visitor_tz="", unit="mi"):
    """Attach a Row to each meeting of a page as `meeting.row` (no queries: everything is loaded)."""
    visitor_zone = get_zone(visitor_tz) if visitor_tz else None
    # Named once per page, in its language: Model.get_FOO_display() builds its dictionary of choices at every call.
    weekdays = {value: str(label) for value, label in Weekday.choices}
    attendances = {value: str(label) for value, label in Attendance.choices}
    for meeting in meetings:
        state = occurrence_state(meeting, now)
        start, minutes = state["start"], state["minutes_until"]
        soon = 0 <= minutes <= SOON_MINUTES
        meeting.row = Row(
            weekday=weekdays[meeting.weekday],
            attendance=attendances[meeting.attendance],
            start=start,
            in_progress=state["in_progress"],
            starts_in=minutes if soon else None,
            starts_in_label=ngettext("Starts in %(minutes)s min", "Starts in %(minutes)s min", minutes)
            % {"minutes": minutes}
            if soon
            else "",
            local_label=f"{clock(start)} {start.tzname()}",
            zone_city=zone_city(meeting.timezone),
            visitor_label=_visitor_label(meeting, start, visitor_zone),
            key_types=[meeting_type.display_label for meeting_type in types_of(meeting) if meeting_type.is_key],
            distance=_distance(getattr(meeting, "distance_km", None), unit),
        )
    return meetings


def occurrence_state(meeting, now):
    """Whether the meeting is in progress, its next start, and minutes until then."""
    zone = meeting.zone
    start = next_start(meeting.weekday, meeting.start_time, zone, now)
    duration = timedelta(minutes=meeting.duration_minutes)
    in_progress = start <= now < start + duration
    # The previous occurrence (a week earlier, give or take a daylight-saving hour) can only still be running
    # when the next one is nearly a week away: worked out for those rows only, as it costs a row's time again.
    if not in_progress and start - now > timedelta(days=7) - duration - timedelta(hours=2):
        previous = start - timedelta(days=7)
        previous = local_datetime(previous.astimezone(zone).date(), meeting.start_time, zone)
        in_progress = previous <= now < previous + duration
    return {"start": start, "in_progress": in_progress, "minutes_until": int((start - now).total_seconds() // 60)}


def types_of(meeting):
    """The meeting's types: as load_rows attached them, else from the link table (prefetched or not)."""
    type_list = getattr(meeting, "type_list", None)
    return type_list if type_list is not None else list(meeting.types.all())


def _visitor_label(meeting, start, visitor_zone):
    """An online meeting's start in the visitor's zone, when that differs from the meeting's own."""
    if visitor_zone is None or not meeting.is_online or visitor_zone.key == meeting.timezone:
        return ""
    theirs = start.astimezone(visitor_zone)
    if theirs.utcoffset() == start.utcoffset():
        return ""
    return _("%(day)s %(time)s your time") % {"day": date_format(theirs, "l"), "time": clock(theirs)}


def _distance(km, unit):
    if km is None:
        return ""
    return f"{km:.1f} km" if unit == "km" else f"{km / KM_PER_MILE:.1f} mi"


def as_json(meeting, request):
    """The API's shape of one meeting (documented in docs/api.md)."""
    row, location = meeting.row, meeting.location
    distance = getattr(meeting, "distance_km", None)
    return {
        "slug": meeting.slug,
        "name": meeting.name,
        "url": request.build_absolute_uri(meeting.get_absolute_url()),
        "program": {"slug": meeting.program.slug, "name": meeting.program.name},
        "group": meeting.group.name if meeting.group else None,
        "attendance": meeting.attendance,
        "status": meeting.status,
        "day": meeting.weekday,
        "time": clock(meeting.start_time, CLOCK_24H),
        "end_time": clock(meeting.end_time, CLOCK_24H) or None,
        "timezone": meeting.timezone,
        "next_start": row.start.isoformat(),
        "in_progress": row.in_progress,
        "minutes_until_start": row.starts_in,
        "location": None
        if location is None
        else {
            "name": location.name,
            "formatted_address": location.formatted_address,
            "city": location.city,
            "latitude": location.latitude,
            "longitude": location.longitude,
        },
        "distance_km": round(distance, 2) if distance is not None else None,
        "conference_url": meeting.join_url or None,
        "conference_phone": meeting.conference_phone or None,
        "types": [meeting_type.code for meeting_type in types_of(meeting)],
        "last_verified": meeting.last_verified.isoformat() if meeting.last_verified else None,
    }


def as_feature(meeting, url):
    """A meeting of the map as a GeoJSON point (its venue), with what its pin's popup says."""
    row, location = meeting.row, meeting.location
    distance = getattr(meeting, "distance_km", None)
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [location.longitude, location.latitude]},
        "properties": {
            "name": meeting.name,
            "url": url,
            "when": f"{row.weekday} {row.local_label}",
            "attendance": row.attendance,
            "place": f"{location.name}, {location.city}",
            "distance": row.distance,
            "distance_km": round(distance, 2) if distance is not None else None,
        },
    }
