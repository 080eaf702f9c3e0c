"""Small builders for test data; each takes overrides as keyword arguments."""

import itertools
from datetime import time

from groups.models import Program
from meetings.models import Attendance, Location, Meeting, MeetingType, Region

_counter = itertools.count(1)


def make_program(**fields):
    n = next(_counter)
    defaults = {
        "name": f"Program {n}",
        "short_name": f"P{n}",
        "slug": f"program-{n}",
        "description": "A mutual-help program.",
        "approach": "twelve-step",
        "spiritual_basis": "spiritual",
        "abstinence": "required",
        "medication": "individual-choice",
        "substances": "alcohol",
    }
    return Program.objects.create(**(defaults | fields))


def make_region(**fields):
    n = next(_counter)
    defaults = {"name": f"Region {n}", "slug": f"region-{n}", "kind": "metro", "timezone": "America/New_York"}
    return Region.objects.create(**(defaults | fields))


def make_location(**fields):
    n = next(_counter)
    defaults = {
        "name": f"Hall {n}",
        "address": f"{n} Walnut St",
        "city": "Philadelphia",
        "state": "PA",
        "postal_code": "19104",
        "country": "US",
        "latitude": 39.9566,
        "longitude": -75.1899,
        "timezone": "America/New_York",
    }
    return Location.objects.create(**(defaults | fields))


def make_type(**fields):
    n = next(_counter)
    defaults = {"code": f"type-{n}", "name": f"Type {n}", "category": "format"}
    return MeetingType.objects.create(**(defaults | fields))


def make_meeting(*, types=(), **fields):
    n = next(_counter)
    defaults = {
        "name": f"Meeting {n}",
        "slug": f"meeting-{n}",
        "weekday": 2,
        "start_time": time(19, 0),
        "end_time": time(20, 0),
        "timezone": "America/New_York",
        "attendance": Attendance.IN_PERSON,
    }
    values = defaults | fields
    if "program" not in values:
        values["program"] = make_program()
    if values["attendance"] != Attendance.ONLINE and "location" not in values:
        values["location"] = make_location(timezone=values["timezone"])
    if values["attendance"] != Attendance.IN_PERSON and not any(
        values.get(key) for key in ("conference_url", "conference_phone", "join_on_request")
    ):
        values["conference_url"] = f"https://zoom.us/j/{1000000000 + n}"
    meeting = Meeting.objects.create(**values)
    meeting.types.set(types)
    return meeting
