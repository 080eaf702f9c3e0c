from importlib import import_module

from django.db import migrations, models

CLOCK_FIELDS = [
    *("utc_start", "name", "id", "duration_minutes", "weekday", "start_time", "attendance", "program"),
    *("timezone", "type_ids", "status", "deleted_at", "utc_offset", "duplicate_of", "location"),
]


def meeting_text_triggers(apps, schema_editor):
    """SQLite rebuilt meetings_meeting to add the column, dropping the keyword index's triggers (0009)."""
    import_module("meetings.migrations.0009_sqlite_meeting_text").create(apps, schema_editor)


def clock_index(fields):
    listed = models.Q(deleted_at__isnull=True) & ~models.Q(status="inactive") & models.Q(duplicate_of__isnull=True)
    return models.Index(fields=fields, condition=listed, name="meeting_listed_clock_idx")


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0005_program_values_v2"),
        ("meetings", "0016_meeting_source_digest"),
    ]

    operations = [
        # Undone last: removing the column rebuilds the table again.
        migrations.RunPython(migrations.RunPython.noop, meeting_text_triggers),
        migrations.RemoveIndex(model_name="meeting", name="meeting_listed_clock_idx"),
        migrations.AddField(
            model_name="meeting",
            name="utc_end",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.F("utc_start") + models.F("duration_minutes"),
                output_field=models.SmallIntegerField(),
            ),
        ),
        migrations.AddIndex(model_name="meeting", index=clock_index([*CLOCK_FIELDS, "utc_end"])),
        migrations.RunPython(meeting_text_triggers, migrations.RunPython.noop),
    ]
