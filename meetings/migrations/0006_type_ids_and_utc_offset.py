from django.db import migrations, models


def fill_type_ids(apps, schema_editor):
    """Copy each meeting's links into Meeting.type_ids (",4,17,", sorted ids), in one statement."""
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        aggregate = "string_agg(meetingtype_id::text, ',' ORDER BY meetingtype_id)"
    else:
        # SQLite before 3.44 has no ORDER BY in an aggregate: order the rows in a subquery first, which
        # group_concat follows in practice. Any other database takes the portable path below.
        aggregate = "group_concat(meetingtype_id, ',')"
    if connection.vendor in ("postgresql", "sqlite"):
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                UPDATE meetings_meeting SET type_ids = (
                    SELECT ',' || {aggregate} || ','
                    FROM (SELECT meeting_id, meetingtype_id FROM meetings_meeting_types
                          WHERE meeting_id = meetings_meeting.id ORDER BY meetingtype_id) AS links
                )
                WHERE EXISTS (SELECT 1 FROM meetings_meeting_types WHERE meeting_id = meetings_meeting.id)
                """
            )
        return
    Meeting = apps.get_model("meetings", "Meeting")
    Through = Meeting.types.through
    links = {}
    for meeting_id, type_id in Through.objects.values_list("meeting_id", "meetingtype_id"):
        links.setdefault(meeting_id, []).append(type_id)
    for meeting_id, ids in links.items():
        text = f",{','.join(str(pk) for pk in sorted(ids))},"
        Meeting.objects.filter(pk=meeting_id).update(type_ids=text)


class Migration(migrations.Migration):
    dependencies = [
        ("groups", "0003_history"),
        ("meetings", "0005_meeting_clock"),
    ]

    # The indexes that read these columns are built in 0007: PostgreSQL refuses CREATE INDEX on a table
    # with deferred constraint checks still pending from the UPDATEs above, within one transaction.
    operations = [
        migrations.AddField(
            model_name="meeting",
            name="type_ids",
            field=models.CharField(blank=True, default="", editable=False, max_length=1000),
        ),
        migrations.RunPython(fill_type_ids, migrations.RunPython.noop, elidable=True),
        migrations.AddField(
            model_name="meeting",
            name="utc_offset",
            field=models.SmallIntegerField(default=0, editable=False),
        ),
        # The offset each meeting's utc_start was computed with is its zone's recorded one (0005).
        migrations.RunSQL(
            "UPDATE meetings_meeting SET utc_offset = COALESCE((SELECT minutes FROM meetings_zoneoffset"
            " WHERE meetings_zoneoffset.timezone = meetings_meeting.timezone), 0)",
            migrations.RunSQL.noop,
            elidable=True,
        ),
    ]
