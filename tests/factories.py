"""Small builders for test data; each takes overrides as keyword arguments."""

import functools
import itertools
from datetime import time

from django.conf import settings
from django.core import serializers
from django.core.management.color import no_style
from django.db import connection

from groups.models import Program
from meetings.models import Attendance, Location, Meeting, MeetingType, Region
from search.vocabulary import forget_vocabularies

_counter = itertools.count(1)
REFERENCE_FIXTURES = ("programs.json", "meeting_types.json")


@functools.cache
def _reference_rows():
    """The reference fixtures' rows as (model, field values), read once per test process."""
    rows = []
    for name in REFERENCE_FIXTURES:
        text = (settings.BASE_DIR / "fixtures" / name).read_text(encoding="utf-8")
        for item in serializers.deserialize("json", text):
            obj = item.object
            rows.append(
                (type(obj), {field.attname: getattr(obj, field.attname) for field in obj._meta.concrete_fields})
            )
    return rows


def load_reference_data():
    """Programs and meeting types as every deployment has them: the rows `loaddata fixtures/...` writes, one
    INSERT a table instead of one a row (loaddata took 0.2 s, in each of hundreds of tests). As loaddata does,
    no model's save() runs and the tables' id sequences move past the loaded ids."""
    by_model = {}
    for model, values in _reference_rows():
        by_model.setdefault(model, []).append(model(**values))
    for model, objects in by_model.items():
        model.objects.bulk_create(objects)
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), list(by_model)):
            cursor.execute(statement)
    forget_vocabularies()  # What saving them would have signalled.


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
