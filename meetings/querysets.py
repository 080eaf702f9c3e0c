"""Which meetings: the conditions every part of the directory asks with (the search page, its API, the BMLT
interface, the program finder, feeds), as chainable methods of `Meeting.objects`."""

from django.db import models
from django.db.models import Q
from django.db.models.functions import ExtractHour, ExtractMinute, Mod
from django.utils import timezone

from core.geo import box_q, distance_expression
from core.time import MINUTES_PER_DAY, MINUTES_PER_WEEK
from meetings.choices import Attendance, Status


def type_ids_text(type_ids):
    """Meeting.type_ids for a set of MeetingType ids: ",4,17," (sorted; "" for none)."""
    ids = sorted(set(type_ids))
    return f",{','.join(str(pk) for pk in ids)}," if ids else ""


def parse_type_ids(text):
    """The MeetingType ids of a Meeting.type_ids text: ",4,17," -> [4, 17]."""
    return [int(pk) for pk in text.split(",") if pk]


def has_type(type_id):
    """Meetings having the MeetingType with this id: a LIKE on the row's own copy of its types."""
    return Q(type_ids__contains=f",{int(type_id)},")


class MeetingQuerySet(models.QuerySet):
    def active(self):
        """Listed meetings that meet now (not temporarily closed); another source's copy is not counted twice."""
        return self.filter(status=Status.ACTIVE, deleted_at__isnull=True, duplicate_of__isnull=True)

    def listed(self):
        """Meetings shown to the public: active or temporarily closed (marked as such), not deleted, and not
        hidden as another source's listing of a meeting already shown (interop.duplicates)."""
        return self.exclude(status=Status.INACTIVE).filter(deleted_at__isnull=True, duplicate_of__isnull=True)

    def no_longer_meeting(self):
        """Meetings that no longer meet (inactive), neither deleted nor hidden as another listing's duplicate:
        their old links and the referral lists holding them still name them (a deleted one shows nothing)."""
        return self.filter(status=Status.INACTIVE, deleted_at__isnull=True, duplicate_of__isnull=True)

    def for_display(self):
        return self.select_related("program", "location", "location__region", "group").prefetch_related("types")

    def near(self, place, radius_km):
        """Meetings at venues within radius_km of a place (core.places.Place), each with `distance_km`.

        The box is read from the venues' coordinate index (location_coordinates_id_idx) before the exact
        distance decides, so a search near a place reads the venues around it, not every venue.
        """
        boxed = self.filter(box_q(place.latitude, place.longitude, radius_km))
        return boxed.with_distance(place).filter(distance_km__lte=radius_km)

    def near_or_online(self, place, radius_km):
        """Meetings within radius_km of a place (as near()) and every meeting one can join online (online or
        hybrid, wherever it is). Without `distance_km`: ordering by distance() adds it where it is wanted.

        "Near 19104 or online" is one search: a place alone drops every online meeting.
        """
        # The venues in reach are found first, from their own coordinate index, and the meetings are then tested
        # by their own columns (location_id, attendance): one OR across a join to the venues made PostgreSQL
        # join every listed meeting to its venue to count them (147 ms at 250,000 meetings, against 25 ms).
        from meetings.models import Location  # the models import this module: imported when used

        lat, lon = place.latitude, place.longitude
        nearby = (
            Location.objects.filter(box_q(lat, lon, radius_km, "latitude", "longitude"))
            .annotate(distance_km=distance_expression(lat, lon, "latitude", "longitude"))
            .filter(distance_km__lte=radius_km)
            .values("pk")
        )
        online = Q(attendance__in=[Attendance.ONLINE, Attendance.HYBRID])
        return self.filter(Q(location__in=nearby) | online)

    def nearest_first(self, place):
        """Ordered by distance from a place, then by day and time; meetings without a venue's coordinates last."""
        nearest = distance_expression(place.latitude, place.longitude).asc(nulls_last=True)
        return self.order_by(nearest, "weekday", "start_time", "pk")

    def on_map(self):
        """Meetings one goes to (in person or hybrid) at a venue with coordinates: what a map can show."""
        return self.exclude(attendance=Attendance.ONLINE).filter(
            location__latitude__isnull=False, location__longitude__isnull=False
        )

    def with_distance(self, place):
        """Each meeting's `distance_km` from a place (None for meetings without a venue's coordinates)."""
        return self.annotate(distance_km=distance_expression(place.latitude, place.longitude))

    def having_types(self, type_ids):
        """Meetings having every one of these types.

        Read from the meeting's own copy of its type ids (Meeting.type_ids), which the covering clock index
        also holds: no join to the link table, however many types are asked for.
        """
        condition = Q()
        for type_id in type_ids:
            condition &= has_type(type_id)
        return self.filter(condition)

    def having_any_type(self, type_ids):
        condition = Q(pk__in=[])
        for type_id in type_ids:
            condition |= has_type(type_id)
        return self.filter(condition)

    def without_types(self, type_ids):
        condition = Q()
        for type_id in type_ids:
            condition &= ~has_type(type_id)
        return self.filter(condition)

    def lasting(self, at_least=None, at_most=None):
        """Meetings lasting at least and/or at most so many minutes (to their end time, else an hour)."""
        meetings = self if at_least is None else self.filter(duration_minutes__gte=at_least)
        return meetings if at_most is None else meetings.filter(duration_minutes__lte=at_most)

    def matching(self, text):
        """Meetings matching every word of a keyword search (search.keywords)."""
        from search.keywords import keyword_condition  # search builds on meetings: imported when used

        return self.filter(keyword_condition(text))

    def in_progress(self, now=None):
        return self.filter(_clock(now).in_progress())

    def starting_within(self, hours, now=None):
        """Starting after now and within `hours`, in each meeting's own zone."""
        return self.filter(_clock(now, hours).starting_within(hours))

    def current_or_starting_within(self, hours, now=None):
        """In progress now, or starting within `hours`, in each meeting's own zone."""
        return self.filter(_clock(now, hours).current_or_upcoming(hours))

    def meeting_today(self, now=None):
        """Meetings whose weekday is today where they meet."""
        return self.filter(_clock(now).today())

    def soonest_first(self, now=None):
        """Every meeting sorted by its next start, those in progress first (each annotated `minutes_until`).

        Sorts every match: fine for a few thousand; search.paging reads large results in index order instead.
        """
        key = _clock(now).soonest_key()
        return self.annotate(minutes_until=key).order_by("minutes_until", "name", "pk")

    def in_day_order(self):
        return self.order_by("weekday", "start_time", "name", "pk")

    def recompute_clocks(self, zone, offset):
        """Recompute utc_start (and utc_offset) of this zone's meetings for a new offset, in one UPDATE."""
        local = models.F("weekday") * MINUTES_PER_DAY + ExtractHour("start_time") * 60 + ExtractMinute("start_time")
        return self.filter(timezone=zone).update(
            utc_start=Mod(local - offset + 2 * MINUTES_PER_WEEK, MINUTES_PER_WEEK), utc_offset=offset
        )

    def sync_type_ids(self, batch_size=2000):
        """Rewrite `type_ids` from the link table for these meetings (after writes that bypass the signals)."""
        through = self.model.types.through
        ids = list(self.order_by().values_list("pk", flat=True))
        for start in range(0, len(ids), batch_size):
            chunk = ids[start : start + batch_size]
            links = {}
            for meeting_id, type_id in through.objects.filter(meeting_id__in=chunk).values_list(
                "meeting_id", "meetingtype_id"
            ):
                links.setdefault(meeting_id, []).append(type_id)
            stored = self.model.objects.filter(pk__in=chunk).values_list("pk", "type_ids")
            changed = [
                self.model(pk=pk, type_ids=wanted)
                for pk, text in stored
                if text != (wanted := type_ids_text(links.get(pk, ())))
            ]
            self.model.objects.bulk_update(changed, ["type_ids"], batch_size=500)


def _clock(now=None, hours=0):
    from search.clock import Clock  # search builds on meetings: imported when used

    return Clock.at(now or timezone.now(), hours)
