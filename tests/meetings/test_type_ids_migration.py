"""Migrating an existing directory fills every meeting's copy of its types (Meeting.type_ids)."""

from datetime import time

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("meetings", "0005_meeting_clock")]
AFTER = [("meetings", "0006_type_ids_and_utc_offset")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_type_ids_with_each_meetings_type_ids_sorted_as_numbers():
    executor = MigrationExecutor(connection)
    try:
        executor.migrate(BEFORE)
        old = executor.loader.project_state(BEFORE).apps
        program = old.get_model("groups", "Program").objects.create(
            name="P", short_name="P", slug="p", abstinence="required", substances="alcohol"
        )
        MeetingType = old.get_model("meetings", "MeetingType")
        # Explicit ids whose text order differs from their number order ("10" < "2" < "25").
        for pk in (2, 10, 25):
            MeetingType.objects.create(pk=pk, code=f"kind-{pk}", name=f"Kind {pk}", category="format")
        Meeting = old.get_model("meetings", "Meeting")
        common = {"program": program, "attendance": "online", "conference_url": "https://example.org/j/1"}
        common |= {"timezone": "UTC", "start_time": time(9), "utc_start": 0, "duration_minutes": 60}  # not under test
        Meeting.objects.create(name="No types", slug="none", weekday=1, **common)
        one = Meeting.objects.create(name="One type", slug="one", weekday=2, **common)
        three = Meeting.objects.create(name="Three", slug="three", weekday=3, **common)
        Through = Meeting.types.through
        # Link rows written out of order, so that the copy's order comes from sorting, not from insertion.
        for meeting, type_id in [(three, 25), (one, 10), (three, 10), (three, 2)]:
            Through.objects.create(meeting_id=meeting.pk, meetingtype_id=type_id)

        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps
        copies = dict(new.get_model("meetings", "Meeting").objects.values_list("slug", "type_ids"))

        assert copies == {"none": "", "one": ",10,", "three": ",2,10,25,"}
    finally:
        # Back to the latest schema even if an assertion failed, so later tests find the tables they expect.
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
