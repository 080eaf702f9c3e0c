"""SQLite: a trigram full-text index of meetings' names and notes, so a rare keyword is found by index.

SQLite cannot use an ordinary index for `LIKE '%word%'`; FTS5's trigram tokenizer can. The index is an
external-content FTS5 table over meetings_meeting, kept in step by triggers (so raw-SQL writers such as the
generator are covered too). PostgreSQL has its trigram indexes (0008) instead.

Django rebuilds a SQLite table to alter it, which drops its triggers: a later migration that alters
meetings_meeting must create them again (tests/search/test_keyword.py checks that they exist).
"""

from django.db import migrations

TRIGGERS = {
    "meeting_text_insert": (
        "AFTER INSERT ON meetings_meeting BEGIN"
        " INSERT INTO meeting_text(rowid, name, notes) VALUES (new.id, new.name, new.notes); END"
    ),
    "meeting_text_delete": (
        "AFTER DELETE ON meetings_meeting BEGIN"
        " INSERT INTO meeting_text(meeting_text, rowid, name, notes) VALUES ('delete', old.id, old.name, old.notes);"
        " END"
    ),
    "meeting_text_update": (
        "AFTER UPDATE OF name, notes ON meetings_meeting BEGIN"
        " INSERT INTO meeting_text(meeting_text, rowid, name, notes) VALUES ('delete', old.id, old.name, old.notes);"
        " INSERT INTO meeting_text(rowid, name, notes) VALUES (new.id, new.name, new.notes); END"
    ),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    schema_editor.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS meeting_text USING fts5("
        "name, notes, content='meetings_meeting', content_rowid='id', tokenize='trigram')"
    )
    for name, body in TRIGGERS.items():
        schema_editor.execute(f"CREATE TRIGGER IF NOT EXISTS {name} {body}")
    schema_editor.execute("INSERT INTO meeting_text(meeting_text) VALUES ('rebuild')")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    for name in TRIGGERS:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {name}")
    schema_editor.execute("DROP TABLE IF EXISTS meeting_text")


class Migration(migrations.Migration):
    dependencies = [("meetings", "0008_keyword_trigram_indexes")]

    operations = [migrations.RunPython(create, drop)]
