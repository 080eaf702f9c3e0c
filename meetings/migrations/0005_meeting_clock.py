"""Meetings get their start as a minute of the week in UTC, so "now" and "soonest" read one index range."""

import zoneinfo

from django.db import migrations, models
from django.utils import timezone

MINUTES_PER_WEEK = 7 * 24 * 60


# A copy of the model's helper as it was, so this migration does not change when it does.
def utc_offset_minutes(zone_name, moment):
    return int(moment.astimezone(zoneinfo.ZoneInfo(zone_name)).utcoffset().total_seconds() // 60)


def compute_clocks(apps, schema_editor):
    from django.db.models import Case, F, Value, When
    from django.db.models.functions import ExtractHour, ExtractMinute, Mod

    Meeting = apps.get_model("meetings", "Meeting")
    ZoneOffset = apps.get_model("meetings", "ZoneOffset")
    now = timezone.now()
    zones = Meeting.objects.order_by().values_list("timezone", flat=True).distinct()
    offsets = {}
    for zone in zones:
        try:
            offsets[zone] = utc_offset_minutes(zone, now)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            offsets[zone] = 0  # a zone tzdata does not know: refresh_zone_offsets reports it
    ZoneOffset.objects.bulk_create([ZoneOffset(timezone=z, minutes=m) for z, m in offsets.items()])
    # One UPDATE per zone, computed by the database: seconds for 250,000 meetings rather than minutes.
    start = ExtractHour("start_time") * 60 + ExtractMinute("start_time")
    end = ExtractHour("end_time") * 60 + ExtractMinute("end_time")
    Meeting.objects.update(
        duration_minutes=Case(
            When(end_time__isnull=True, then=Value(60)),
            When(end_time__gt=F("start_time"), then=end - start),
            default=end - start + 1440,
        )
    )
    for zone, offset in offsets.items():
        Meeting.objects.filter(timezone=zone).update(
            utc_start=Mod(F("weekday") * 1440 + start - offset + 2 * MINUTES_PER_WEEK, MINUTES_PER_WEEK)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0004_search_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="ZoneOffset",
            fields=[
                ("timezone", models.CharField(max_length=64, primary_key=True, serialize=False)),
                ("minutes", models.SmallIntegerField(help_text="Offset from UTC in minutes, east positive.")),
                ("changed", models.DateTimeField(auto_now=True)),
            ],
        ),
        migrations.AddField(
            model_name="meeting",
            name="utc_start",
            field=models.PositiveSmallIntegerField(default=0, editable=False),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="meeting",
            name="duration_minutes",
            field=models.PositiveSmallIntegerField(default=60, editable=False),
            preserve_default=False,
        ),
        migrations.AddIndex(
            model_name="meeting",
            index=models.Index(fields=["utc_start"], name="meeting_utc_start_idx"),
        ),
        # Last: on PostgreSQL no schema change may follow updated rows in the same transaction.
        migrations.RunPython(compute_clocks, migrations.RunPython.noop, elidable=True),
    ]
