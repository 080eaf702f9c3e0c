from importlib import import_module

from django.db import migrations, models


def meeting_text_triggers(apps, schema_editor):
    """SQLite rebuilt meetings_meeting to add the column, dropping the keyword index's triggers (0009)."""
    import_module("meetings.migrations.0009_sqlite_meeting_text").create(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0015_bmlt_order_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="meeting",
            name="source_digest",
            field=models.CharField(blank=True, default="", editable=False, max_length=80),
        ),
        migrations.AddIndex(
            model_name="meeting",
            index=models.Index(fields=["source", "status"], name="meeting_source_status_idx"),
        ),
        migrations.RunPython(meeting_text_triggers, migrations.RunPython.noop),
    ]
