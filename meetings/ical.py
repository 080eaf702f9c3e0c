"""iCalendar (RFC 5545) files of weekly meetings, written with the icalendar package.

Each event starts at the meeting's next occurrence in its own zone and repeats weekly; each zone used gets
its VTIMEZONE (RFC 5545 asks for one beside every TZID, and Outlook and some phones show wrong times
without it).
"""

from datetime import UTC, datetime, timedelta

import icalendar
from django.utils.translation import gettext as _

from core.time import next_start

PRODID = "-//Many Paths//Meeting directory//EN"
BYDAY = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"]  # indexed by our weekday, 0 = Sunday
DEFAULT_LENGTH = timedelta(hours=1)


def calendar_for(meetings, *, now, base_url=""):
    """An RFC 5545 calendar, as bytes, with one weekly event per meeting from its next occurrence."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting, now=now, base_url=base_url))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def meeting_event(meeting, *, now, base_url=""):
    start = next_start(meeting.weekday, meeting.start_time, meeting.zone, now)
    event = icalendar.Event()
    event.add("uid", f"{meeting.slug}@manypaths")
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", start)
    event.add("dtend", _end(meeting, start))
    event.add("rrule", {"freq": "weekly", "byday": BYDAY[meeting.weekday]})
    event.add("summary", f"{meeting.name} ({meeting.program.short_name or meeting.program.name})")
    if meeting.location_id:
        place = ", ".join(part for part in (meeting.location.name, meeting.location.formatted_address) if part)
        event.add("location", place)
    page = f"{base_url}{meeting.get_absolute_url()}" if base_url else ""
    if meeting.join_url or page:
        event.add("url", meeting.join_url or page)
    event.add("description", "\n".join(_description(meeting, page)))
    return event


def _description(meeting, page):
    lines = [meeting.program.name]
    if meeting.status != "active":
        lines.append(str(meeting.get_status_display()))
    if meeting.join_url:
        lines.append(f"{_('Join:')} {meeting.join_url} {meeting.conference_url_notes}".strip())
    if meeting.conference_phone:
        lines.append(f"{_('By phone:')} {meeting.conference_phone} {meeting.conference_phone_notes}".strip())
    if meeting.join_on_request:
        lines.append(_("The group gives the link on request."))
    if meeting.location_id and meeting.location.notes:
        lines.append(meeting.location.notes)
    if page:
        lines.append(page)
    return lines


def _end(meeting, start):
    if meeting.end_time is None:
        return start + DEFAULT_LENGTH
    end = datetime.combine(start.date(), meeting.end_time, tzinfo=start.tzinfo)
    # An end time at or before the start is on the next day (a meeting running past midnight).
    return end if end > start else end + timedelta(days=1)
