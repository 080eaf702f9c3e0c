"""Data sources moved from the meetings app to interop: an existing directory keeps its sources, their table,
and the content type that its permissions and admin history name."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("meetings", "0011_conference_url_web_links")]
AFTER = [("interop", "0001_initial")]


@pytest.mark.django_db(transaction=True)
def test_existing_sources_and_their_content_type_move_to_interop():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    program = old.get_model("groups", "Program").objects.create(
        name="P", short_name="P", slug="p", abstinence="required", substances="alcohol"
    )
    old.get_model("meetings", "DataSource").objects.create(
        name="Central Ohio", slug="central-ohio", url="https://example.org/feed.json", program=program
    )
    ContentType.objects.clear_cache()
    ContentType.objects.filter(app_label="interop", model="datasource").delete()
    moved = ContentType.objects.get_or_create(app_label="meetings", model="datasource")[0]

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    assert list(new.get_model("interop", "DataSource").objects.values_list("slug", flat=True)) == ["central-ohio"]
    assert ContentType.objects.get(pk=moved.pk).app_label == "interop"
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()
