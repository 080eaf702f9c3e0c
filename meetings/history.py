"""History rows written in bulk, for writers that bypass save(): every listing gets its first version.

django-simple-history records a row on save() and delete(); bulk_create() and bulk_update() record nothing, so
a listing made in bulk had no first version, and its first edit could not be reverted. Its own bulk helpers
(simple_history.utils) write the rows of a model's fields but not of its many-to-many fields, and a meeting's
version must hold its types: reverting to a version without them would clear them.
"""

from collections import defaultdict

from django.utils import timezone

BATCH = 500


def meetings_history_bulk_create(meetings, *, reason, update=False, when=None):
    """Write one history row per meeting ("+", or "~" with update=True) with its types as the link table
    holds them now, in a few statements; returns the history rows."""
    from meetings.models import Meeting

    meetings = list(meetings)
    if any(meeting.pk is None for meeting in meetings):
        # bulk_create() returns ids on PostgreSQL and SQLite 3.35+; a version without one would be nobody's.
        raise ValueError("Every meeting needs its id before its version is written.")
    when = when or timezone.now()
    records = Meeting.history.bulk_history_create(
        meetings, batch_size=BATCH, update=update, default_change_reason=reason, default_date=when
    )
    links = defaultdict(list)
    Through = Meeting.types.through
    ids = [meeting.pk for meeting in meetings]
    for start in range(0, len(ids), BATCH):
        rows = Through.objects.filter(meeting_id__in=ids[start : start + BATCH])
        for link_id, meeting_id, type_id in rows.values_list("id", "meeting_id", "meetingtype_id"):
            links[meeting_id].append((link_id, type_id))
    HistoricalTypes = Meeting.history.model.types.model
    HistoricalTypes.objects.bulk_create(
        [
            HistoricalTypes(id=link_id, history_id=record.history_id, meeting_id=record.id, meetingtype_id=type_id)
            for record in records
            for link_id, type_id in links[record.id]
        ],
        batch_size=BATCH,
    )
    return records


def history_fill_in(model, *, reason):
    """A first version ("+") for each object of `model` that has none, e.g. loaded from a fixture (loaddata
    saves raw, which simple_history does not record); returns how many were written."""
    recorded = model.history.values("id")
    missing = list(model._default_manager.exclude(pk__in=recorded))
    model.history.bulk_history_create(missing, batch_size=BATCH, default_change_reason=reason)
    return len(missing)
