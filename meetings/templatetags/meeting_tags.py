from django import template
from django.http import QueryDict
from django.utils import timezone
from django.utils.formats import time_format

from meetings.timeutil import next_start, zone_city

register = template.Library()


@register.simple_tag
def meeting_time(meeting, now=None):
    """Start (and end) time in the meeting's own zone, with the zone label of its next occurrence."""
    start = next_start(meeting.weekday, meeting.start_time, meeting.zone, now or timezone.now())
    label = time_format(meeting.start_time, "g:i A")
    if meeting.end_time:
        label += "–" + time_format(meeting.end_time, "g:i A")
    return f"{label} {start.tzname()}"


@register.filter
def zone_place(zone_name):
    return zone_city(zone_name)


@register.simple_tag(takes_context=True)
def detail_url(context, meeting):
    """The meeting's page, carrying the visitor's zone and referral list along (nothing else)."""
    request = context.get("request")
    url = meeting.get_absolute_url()
    if request is None:
        return url
    keep = QueryDict(mutable=True)
    for name in ("tz", "list"):
        if request.GET.get(name):
            keep[name] = request.GET[name]
    return f"{url}?{keep.urlencode()}" if keep else url
