"""iCalendar (RFC 5545) text for weekly meetings, written by hand: the format is small and fixed.

Events name their zone with TZID=<IANA name> and carry no VTIMEZONE: RFC 5545 asks for one, but Google
Calendar, Apple Calendar, Outlook and Thunderbird all resolve IANA names, and a VTIMEZONE would have to
repeat the zone's rules (which change with tzdata releases). Add one here if a client needs it.
"""

from datetime import UTC, datetime, timedelta

from django.utils.translation import gettext as _

from meetings.timeutil import next_start

PRODID = "-//Many Paths//Meeting directory//EN"
BYDAY = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"]  # indexed by our weekday, 0 = Sunday
DEFAULT_LENGTH = timedelta(hours=1)


def escape_text(value):
    """A TEXT value escaped per RFC 5545 3.3.11: backslash, semicolon, comma and newlines."""
    value = str(value).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line):
    """A content line folded at 75 octets (RFC 5545 3.1), never splitting a UTF-8 character."""
    parts, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        # The first line holds 75 octets; each continuation starts with a space, so holds 74 more.
        if size + width > (75 if not parts else 74):
            parts.append(current)
            current, size = "", 0
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def _stamp(moment):
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _local(moment):
    return moment.strftime("%Y%m%dT%H%M%S")


def _end(meeting, start):
    if meeting.end_time is None:
        return start + DEFAULT_LENGTH
    end = datetime.combine(start.date(), meeting.end_time, tzinfo=start.tzinfo)
    # An end time at or before the start is on the next day (a meeting running past midnight).
    return end if end > start else end + timedelta(days=1)


def event_lines(meeting, *, now, base_url=""):
    start = next_start(meeting.weekday, meeting.start_time, meeting.zone, now)
    end = _end(meeting, start)
    summary = f"{meeting.name} ({meeting.program.short_name or meeting.program.name})"
    description = [meeting.program.name]
    if meeting.status != "active":
        description.append(str(meeting.get_status_display()))
    if meeting.join_url:
        description.append(f"{_('Join:')} {meeting.join_url} {meeting.conference_url_notes}".strip())
    if meeting.conference_phone:
        description.append(f"{_('By phone:')} {meeting.conference_phone} {meeting.conference_phone_notes}".strip())
    if meeting.join_on_request:
        description.append(_("The group gives the link on request."))
    if meeting.location_id and meeting.location.notes:
        description.append(meeting.location.notes)
    if base_url:
        description.append(f"{base_url}{meeting.get_absolute_url()}")
    lines = [
        "BEGIN:VEVENT",
        f"UID:{meeting.slug}@manypaths",
        f"DTSTAMP:{_stamp(now)}",
        f"DTSTART;TZID={meeting.timezone}:{_local(start)}",
        f"DTEND;TZID={meeting.timezone}:{_local(end)}",
        f"RRULE:FREQ=WEEKLY;BYDAY={BYDAY[meeting.weekday]}",
        f"SUMMARY:{escape_text(summary)}",
    ]
    if meeting.location_id:
        place = ", ".join(part for part in (meeting.location.name, meeting.location.formatted_address) if part)
        lines.append(f"LOCATION:{escape_text(place)}")
    if meeting.join_url:
        lines.append(f"URL:{meeting.join_url}")
    elif base_url:
        lines.append(f"URL:{base_url}{meeting.get_absolute_url()}")
    lines.append(f"DESCRIPTION:{escape_text(chr(10).join(description))}")
    lines.append("END:VEVENT")
    return lines


def calendar_for(meetings, *, now, base_url=""):
    """An RFC 5545 calendar with one weekly event per meeting, starting at its next occurrence."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    for meeting in meetings:
        lines.extend(event_lines(meeting, now=now, base_url=base_url))
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
