"""Writes that volunteers make: applying or rejecting change requests, soft delete, confirming meetings."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core.time import CLOCK_24H, clock, duration_minutes
from meetings.models import Meeting
from volunteers.models import ChangeRequest

# Fields a change request can set directly on the meeting. A new place arrives as free text and is matched
# to a venue by hand, so "location" is shown to the reviewer but never applied automatically.
APPLICABLE_FIELDS = ["status", "weekday", "start_time", "end_time", "conference_url", "conference_phone", "notes"]
MANUAL_FIELDS = ["location"]


class ChangeRequestConflict(Exception):
    """The meeting was edited after the request was sent; the reviewer must look before applying."""

    def __init__(self, conflicts):
        super().__init__("The meeting was edited after this request was sent.")
        self.conflicts = conflicts


def meeting_field_text(meeting, name):
    """A meeting's value as the text a change request stores and compares."""
    if name == "location":
        location = meeting.location
        if location is None:
            return ""
        return ", ".join(part for part in (location.name, location.formatted_address) if part)
    value = getattr(meeting, name)
    if value is None:
        return ""
    if isinstance(value, datetime.time):
        return clock(value, CLOCK_24H)
    return str(value)


def _text_to_value(name, text):
    if name in ("start_time", "end_time"):
        return datetime.time.fromisoformat(text) if text else None
    if name == "weekday":
        return int(text)
    return text


def kept_length_end(changes, meeting):
    """(end time as text, length in minutes) when a request moves the start of a meeting that has an end time
    but says nothing of its end: the end moves with the start. None otherwise.

    A visitor who reports a new start reports that the meeting moved; leaving its end where it was silently
    changed its length (19:00-20:00 moved to 19:30 became a 30-minute meeting). The moderator sees this end in
    the diff, marked as worked out, before applying.
    """
    if meeting is None or meeting.end_time is None or "start_time" not in changes or "end_time" in changes:
        return None
    try:
        start = _text_to_value("start_time", changes["start_time"][1])
    except ValueError:
        start = None  # applying refuses it with a message; there is no end to work out
    if start is None:
        return None
    length = duration_minutes(meeting.start_time, meeting.end_time)
    end = datetime.datetime.combine(datetime.date.min, start) + datetime.timedelta(minutes=length)
    return clock(end, CLOCK_24H), length


def change_request_rows(change_request):
    """One row per field applying would change: name, value when suggested, proposed, current, whether it moved
    since, whether it is changed by hand, and (for the end that keeps a moved meeting's length) `derived`."""
    meeting = change_request.meeting
    rows = []
    for name, (old, new) in change_request.changes.items():
        current = meeting_field_text(meeting, name) if meeting else None
        rows.append(
            {
                "field": name,
                "old": old,
                "new": new,
                "current": current,
                "changed_since": _edited_since(change_request) and current != (old or ""),
                "manual": name in MANUAL_FIELDS or (meeting is None),
                "derived": None,
            }
        )
    if kept := kept_length_end(change_request.changes, meeting):
        end, length = kept
        current = meeting_field_text(meeting, "end_time")
        rows.append(
            {
                "field": "end_time",
                "old": current,
                "new": end,
                "current": current,
                "changed_since": False,
                "manual": False,
                "derived": {"length": length},
            }
        )
    return rows


def _edited_since(change_request):
    meeting = change_request.meeting
    return (
        meeting is not None
        and change_request.meeting_updated is not None
        and meeting.updated > change_request.meeting_updated
    )


def change_request_conflicts(change_request):
    """The rows whose current value differs from the value when suggested, if the meeting was edited since."""
    if not _edited_since(change_request):
        return []
    return [row for row in change_request_rows(change_request) if row["changed_since"]] or [
        # Edited, though not in these fields: still worth a look, since the edit may have overtaken the request.
        {
            "field": "updated",
            "old": "",
            "new": "",
            "current": str(change_request.meeting.updated),
            "changed_since": True,
        }
    ]


@transaction.atomic
def change_request_apply(*, change_request, user, confirm_conflicts=False):
    """Apply a pending request to its meeting, recorded in history as `user`'s change.

    Raises ChangeRequestConflict when the meeting was edited since the request (unless the reviewer has seen
    the conflict and confirms), and ValidationError when the result would not be a valid meeting.
    """
    change_request = ChangeRequest.objects.select_for_update().get(pk=change_request.pk)
    if not change_request.is_pending:
        raise ValidationError("This request has already been handled.")
    if change_request.meeting_id is None:
        raise ValidationError("A suggested new meeting is added by hand, then marked as added.")
    meeting = Meeting.objects.select_for_update().get(pk=change_request.meeting_id)
    change_request.meeting = meeting
    conflicts = change_request_conflicts(change_request)
    if conflicts and not confirm_conflicts:
        raise ChangeRequestConflict(conflicts)
    # The rows the moderator was shown, worked-out end included: what is applied is exactly that diff.
    for row in change_request_rows(change_request):
        name, new = row["field"], row["new"]
        if name in APPLICABLE_FIELDS:
            try:
                setattr(meeting, name, _text_to_value(name, new))
            except ValueError:
                raise ValidationError({name: f"{new!r} is not a valid value."}) from None
    meeting.full_clean()
    meeting._history_user = user
    meeting._change_reason = f"Change request #{change_request.pk}"
    meeting.save()
    change_request.status = ChangeRequest.Status.APPLIED
    change_request.reviewed_by = user
    change_request.reviewed_at = timezone.now()
    change_request.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    return meeting


def change_request_mark_added(*, change_request, user):
    """A suggested new meeting that a volunteer has added by hand: close the request as applied."""
    if not change_request.is_pending or change_request.meeting_id is not None:
        raise ValidationError("Only a pending suggestion of a new meeting can be marked as added.")
    change_request.status = ChangeRequest.Status.APPLIED
    change_request.reviewed_by = user
    change_request.reviewed_at = timezone.now()
    change_request.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    return change_request


def change_request_reject(*, change_request, user, reason):
    if not change_request.is_pending:
        raise ValidationError("This request has already been handled.")
    change_request.status = ChangeRequest.Status.REJECTED
    change_request.rejection_reason = reason[:1000]
    change_request.reviewed_by = user
    change_request.reviewed_at = timezone.now()
    change_request.save(update_fields=["status", "rejection_reason", "reviewed_by", "reviewed_at"])
    return change_request


def _save_with_history(meeting, *, user, reason, fields):
    meeting._history_user = user
    meeting._change_reason = reason
    # update_fields leaves "updated" alone in the database: confirming or hiding is not editing the listing.
    meeting.save(update_fields=fields)


def meeting_soft_delete(*, meeting, user):
    """Hide a meeting from every public page, keeping it (and its history) to restore."""
    meeting.deleted_at = timezone.now()
    _save_with_history(meeting, user=user, reason="Deleted", fields=["deleted_at"])


def meeting_restore(*, meeting, user):
    meeting.deleted_at = None
    _save_with_history(meeting, user=user, reason="Restored", fields=["deleted_at"])


def meetings_confirm(*, meetings, user, today=None):
    """Record that each meeting still meets as listed (last confirmed today), one history entry each."""
    today = today or timezone.localdate()
    count = 0
    for meeting in meetings:
        meeting.last_verified = today
        _save_with_history(meeting, user=user, reason="Confirmed still meets as listed", fields=["last_verified"])
        count += 1
    return count
