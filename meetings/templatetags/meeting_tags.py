from django import template
from django.utils import timezone

from core.time import clock, next_start, zone_city

register = template.Library()


@register.filter(name="clock")
def clock_filter(value, pattern=None):
    """A time of day as core.time.clock writes it: "7:05 PM", or in a given pattern ("H:i")."""
    return clock(value, pattern) if pattern else clock(value)


@register.simple_tag
def meeting_time(meeting, now=None):
    """Start (and end) time in the meeting's own zone, with the zone label of its next occurrence."""
    start = next_start(meeting.weekday, meeting.start_time, meeting.zone, now or timezone.now())
    label = clock(meeting.start_time)
    if meeting.end_time:
        label += "–" + clock(meeting.end_time)
    return f"{label} {start.tzname()}"


@register.filter
def zone_place(zone_name):
    return zone_city(zone_name)
