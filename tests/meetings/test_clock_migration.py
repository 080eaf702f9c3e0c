"""Migrating an existing directory gives every meeting its UTC start and length."""

from datetime import time

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("meetings", "0004_search_indexes")]
AFTER = [("meetings", "0005_meeting_clock")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_computes_clocks_for_existing_meetings():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    program = old.get_model("groups", "Program").objects.create(
        name="P", short_name="P", slug="p", abstinence="required", substances="alcohol"
    )
    Meeting = old.get_model("meetings", "Meeting")
    common = {"program": program, "attendance": "online", "conference_url": "https://example.org/j/1"}
    Meeting.objects.create(name="UTC Sun 23:30-00:15", slug="a", weekday=0, start_time=time(23, 30),
                           end_time=time(0, 15), timezone="UTC", **common)  # fmt: skip
    Meeting.objects.create(name="UTC Sat 23:00", slug="b", weekday=6, start_time=time(23, 0), timezone="UTC", **common)

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    rows = dict(new.get_model("meetings", "Meeting").objects.values_list("slug", "utc_start"))
    lengths = dict(new.get_model("meetings", "Meeting").objects.values_list("slug", "duration_minutes"))
    assert rows == {"a": 23 * 60 + 30, "b": 6 * 1440 + 23 * 60}
    assert lengths == {"a": 45, "b": 60}
    assert new.get_model("meetings", "ZoneOffset").objects.get(timezone="UTC").minutes == 0
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
