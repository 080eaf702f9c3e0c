"""Referral lists: a clinician's short list of meetings, kept entirely in the URL ("12-45-78")."""

import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.http import QueryDict
from django.urls import reverse
from django.utils import dateformat
from django.utils.translation import gettext_lazy as _

from core.time import clock, next_start, zone_city
from meetings.models import MeetingType, Status

MAX_MEETINGS = 30
STALE_DAYS = 365
# Longer lists are cut to MAX_MEETINGS with a message; an address longer than this (500 ids of 12 digits
# would still fit) is not a list anyone made and is refused outright, before any work is done.
MAX_LENGTH = 8000
ID_PATTERN = re.compile(r"[1-9][0-9]{0,11}")
SEPARATOR = "-"
# The two meeting types a clinician most often needs to filter a list by.
VERIFICATION, MEDICATION_FRIENDLY = "attendance-verification", "medication-friendly"
BADGE_TYPES = [MEDICATION_FRIENDLY, VERIFICATION]


class InvalidList(ValueError):
    """A list address that is not one we could have made."""


@dataclass
class ReferralList:
    ids: list = field(default_factory=list)
    # More than MAX_MEETINGS were given; only the first ones are kept.
    capped: bool = False

    @property
    def token(self):
        return SEPARATOR.join(str(pk) for pk in self.ids)

    @property
    def full(self):
        return len(self.ids) >= MAX_MEETINGS

    def url(self):
        return list_url(self.ids)

    def with_meeting(self, pk):
        if pk in self.ids or self.full:
            return ReferralList(list(self.ids))
        return ReferralList([*self.ids, pk])

    def without_meeting(self, pk):
        return ReferralList([item for item in self.ids if item != pk])


def parse(token):
    """The list in a token such as "12-45-78": ids in order, duplicates dropped, at most MAX_MEETINGS."""
    token = (token or "").strip()
    if not token:
        return ReferralList()
    if len(token) > MAX_LENGTH:
        raise InvalidList(_("This list address is far too long to be a meeting list."))
    parts = token.split(SEPARATOR)
    if not all(ID_PATTERN.fullmatch(part) for part in parts):
        raise InvalidList(
            _("This list address is not right: it should be meeting numbers joined by dashes, such as 12-45-78.")
        )
    ids = list(dict.fromkeys(int(part) for part in parts))
    return ReferralList(ids[:MAX_MEETINGS], capped=len(ids) > MAX_MEETINGS)


def parse_leniently(token):
    """The list a page was given, or an empty one if the value is not a list (a page still works)."""
    try:
        return parse(token)
    except InvalidList:
        return ReferralList()


def list_url(ids):
    if not ids:
        return reverse("referrals:list")
    return reverse("referrals:list", kwargs={"ids": SEPARATOR.join(str(pk) for pk in ids)})


def _type_codes(meeting):
    return {meeting_type.code for meeting_type in meeting.types.all()}


def schedule(meeting, *, now, zone=None):
    """When a meeting next starts, as words in `zone` (or its own zone), with its own local time too."""
    start = next_start(meeting.weekday, meeting.start_time, meeting.zone, now)
    shown = start.astimezone(zone) if zone is not None else start
    end = None
    if meeting.end_time is not None:
        minutes = (
            (
                datetime.combine(start.date(), meeting.end_time) - datetime.combine(start.date(), meeting.start_time)
            ).total_seconds()
            // 60
            % (24 * 60)
        )
        end = shown + timedelta(minutes=minutes)
    return {
        "start": start,
        "day": dateformat.format(shown, "l"),
        "time": clock(shown) + (f"–{clock(end)}" if end else ""),
        "zone_label": shown.tzname(),
        "other_zone": zone is not None and shown.utcoffset() != start.utcoffset(),
        "own_day": dateformat.format(start, "l"),
        "own_time": clock(start),
        "own_zone": f"{start.tzname()}, {zone_city(meeting.timezone)}",
    }


def build_entries(referral, meetings, *, now, zone=None, only=()):
    """The list's rows in the clinician's order: each meeting with its schedule, or why it is not shown."""
    by_pk = {meeting.pk: meeting for meeting in meetings}
    entries, hidden = [], 0
    for pk in referral.ids:
        meeting = by_pk.get(pk)
        remove_url = referral.without_meeting(pk).url()
        if meeting is None:
            entries.append({"pk": pk, "state": "missing", "remove_url": remove_url})
        elif meeting.status == Status.INACTIVE or meeting.deleted_at is not None:
            entries.append({"pk": pk, "state": "inactive", "meeting": meeting, "remove_url": remove_url})
        elif only and not set(only) <= _type_codes(meeting):
            hidden += 1
        else:
            types = list(meeting.types.all())
            badges = [t for t in types if t.code in BADGE_TYPES]
            entries.append(
                {
                    "pk": pk,
                    "state": "listed",
                    "meeting": meeting,
                    "when": schedule(meeting, now=now, zone=zone),
                    "badges": sorted(badges, key=lambda t: BADGE_TYPES.index(t.code)),
                    "key_types": [t for t in types if t.is_key and t.code not in BADGE_TYPES],
                    "remove_url": remove_url,
                    # Gently flag a listing nobody has confirmed for a year (or ever).
                    "stale": meeting.last_verified is None or (now.date() - meeting.last_verified).days > STALE_DAYS,
                }
            )
    return entries, hidden


def key_types():
    """The two filterable types with their plain explanations, in a fixed order."""
    found = {
        meeting_type.code: meeting_type
        for meeting_type in MeetingType.objects.filter(code__in=[VERIFICATION, MEDICATION_FRIENDLY])
    }
    return [found[code] for code in BADGE_TYPES if code in found]


class PageWithList:
    """The current page's address with its list replaced, keeping every other parameter (filters, page).

    The rest of the query string is encoded once, so a page of results can make a link per meeting cheaply;
    the result is the same as replacing `list` in a copy of request.GET and encoding it.
    """

    def __init__(self, request):
        query = request.GET.copy()
        # Setting it keeps `list` where it was in the query string, or puts it last.
        query["list"] = ""
        before, after = (
            QueryDict(mutable=True, encoding=query.encoding),
            QueryDict(mutable=True, encoding=query.encoding),
        )
        target = before
        for name, values in query.lists():
            if name == "list":
                target = after
                continue
            target.setlist(name, values)
        self.path = request.path
        self.before, self.after = before.urlencode(), after.urlencode()

    def url(self, referral):
        # A token is digits and dashes, which URL encoding leaves as they are.
        token = f"list={referral.token}" if referral.ids else ""
        encoded = "&".join(part for part in (self.before, token, self.after) if part)
        return f"{self.path}?{encoded}" if encoded else self.path


class ListLinks:
    """The visitor's list (the page's `list` parameter) and this page's address with a meeting added or removed."""

    def __init__(self, request):
        self.list = parse_leniently(request.GET.get("list", ""))
        self.page = PageWithList(request)

    def add(self, meeting):
        return self.page.url(self.list.with_meeting(meeting.pk))

    def remove(self, meeting):
        return self.page.url(self.list.without_meeting(meeting.pk))
