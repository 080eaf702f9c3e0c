"""Trigram indexes for keyword searches on PostgreSQL (pg_trgm): a rare word is found by index.

Django's `icontains` is `UPPER(column::text) LIKE UPPER('%word%')` on PostgreSQL; these GIN indexes on the
same expression answer it, and PostgreSQL combines them with the foreign keys' indexes (search.keywords).
SQLite has no such index and scans, as before. pg_trgm ships with PostgreSQL (Debian's server package);
since PostgreSQL 13 a database's owner may create it without being a superuser.
"""

from django.db import migrations

INDEXES = [
    ("meeting_name_trgm_idx", "meetings_meeting", "name"),
    ("meeting_notes_trgm_idx", "meetings_meeting", "notes"),
    ("location_name_trgm_idx", "meetings_location", "name"),
    ("location_city_trgm_idx", "meetings_location", "city"),
    ("region_name_trgm_idx", "meetings_region", "name"),
    ("group_name_trgm_idx", "groups_group", "name"),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ((UPPER({column}::text)) gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0003_history"),
        ("meetings", "0007_covering_indexes"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
