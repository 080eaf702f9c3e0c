# Data sources were part of the meetings app; their table (meetings_datasource) was made by its migration 0002
# and stays where it is. This migration takes the model over in interop's state, without touching the
# database, and moves its content type (and so any permissions and admin log entries naming it) along.

import django.db.models.deletion
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label="interop", model="datasource").exists():
        ContentType.objects.using(db).filter(app_label="meetings", model="datasource").update(app_label="interop")


def move_content_type_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    ContentType.objects.using(db).filter(app_label="interop", model="datasource").update(app_label="meetings")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("groups", "0003_history"),
        ("meetings", "0012_datasource_moves_to_interop"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="DataSource",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("name", models.CharField(help_text="Who publishes the feed, e.g. Central Ohio Intergroup.", max_length=120)),
                        ("slug", models.SlugField(help_text="Stored on every meeting imported from this feed as its source; do not change.", max_length=100, unique=True)),
                        ("url", models.URLField(help_text="Address of the feed.", max_length=500)),
                        ("format", models.CharField(choices=[("meeting-guide", "Meeting Guide JSON"), ("bmlt", "BMLT semantic API (GetSearchResults JSON)"), ("csv", "12 Step Meeting List CSV")], default="meeting-guide", max_length=20)),
                        ("active", models.BooleanField(default=True, help_text="Refreshed by the scheduled sync_sources command.")),
                        ("last_run", models.DateTimeField(blank=True, editable=False, null=True)),
                        ("created_count", models.PositiveIntegerField(default=0, editable=False)),
                        ("updated_count", models.PositiveIntegerField(default=0, editable=False)),
                        ("unchanged_count", models.PositiveIntegerField(default=0, editable=False)),
                        ("deactivated_count", models.PositiveIntegerField(default=0, editable=False)),
                        ("rejected_count", models.PositiveIntegerField(default=0, editable=False)),
                        ("last_error", models.TextField(blank=True, editable=False)),
                        ("last_report", models.TextField(blank=True, editable=False, help_text="The last run's report, record by record.")),
                        ("parent_region", models.ForeignKey(blank=True, help_text="Regions named in the feed are placed under this one; its time zone is the default.", null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="data_sources", to="meetings.region")),
                        ("program", models.ForeignKey(help_text="The program of every meeting in this feed.", on_delete=django.db.models.deletion.PROTECT, related_name="data_sources", to="groups.program")),
                    ],
                    options={
                        "ordering": ["name"],
                        "db_table": "meetings_datasource",
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
