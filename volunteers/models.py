from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    EDITOR = "editor", _("Editor: sees and edits the meetings in their scope")
    REVIEWER = "reviewer", _("Reviewer: sees the meetings in their scope, read only")


class VolunteerScope(models.Model):
    """What a volunteer may see and edit: regions (with everything under them) and/or programs."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="volunteer_scope")
    role = models.CharField(max_length=20, choices=Role, default=Role.EDITOR)
    regions = models.ManyToManyField(
        "meetings.Region",
        blank=True,
        related_name="+",
        help_text="Meetings, locations and groups in these regions and everything under them.",
    )
    programs = models.ManyToManyField(
        "groups.Program",
        blank=True,
        related_name="+",
        help_text="Only meetings and groups of these programs. With regions too, both must match.",
    )
    notes = models.CharField(max_length=300, blank=True, help_text="Which service body or group this is for.")

    class Meta:
        verbose_name = "volunteer scope"

    def __str__(self):
        return f"{self.user} ({self.get_role_display()})"


class ChangeRequest(models.Model):
    """A change to a meeting (or a new meeting) suggested by a visitor, waiting for a volunteer."""

    class Reason(models.TextChoices):
        CLOSED = "closed", _("The meeting no longer meets")
        TIME = "time", _("The time or day changed")
        PLACE = "place", _("The place changed")
        LINK = "link", _("The join link or phone number changed")
        OTHER = "other", _("Something else")
        NEW = "new", _("A new meeting")
        PROGRAM = "program", _("A correction to a program's facts")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPLIED = "applied", _("Applied")
        REJECTED = "rejected", _("Rejected")

    meeting = models.ForeignKey(
        "meetings.Meeting",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="change_requests",
        help_text="The meeting to change; empty for a suggested new meeting.",
    )
    program = models.ForeignKey(
        "groups.Program",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The program of a suggested new meeting.",
    )
    reason = models.CharField(max_length=20, choices=Reason)
    # {field: [value when suggested, proposed value]}, values as text, e.g. {"start_time": ["19:00", "19:30"]}.
    changes = models.JSONField(default=dict, blank=True)
    details = models.TextField(blank=True, max_length=2000, help_text="Anything else the visitor told us.")
    contact_email = models.EmailField(blank=True, help_text="Optional; only for questions about this request.")
    # The meeting's "updated" when the request was sent: a later edit means the request may be out of date.
    meeting_updated = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status, default=Status.PENDING)
    rejection_reason = models.TextField(
        blank=True, max_length=1000, help_text="Why it was rejected (for the record; not sent anywhere)."
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]
        indexes = [
            # The moderation queue: pending requests, newest first.
            models.Index(fields=["status", "-created"], name="changerequest_queue_idx"),
        ]

    def __str__(self):
        subject = self.meeting.name if self.meeting_id else self.changes.get("name", ["", ""])[1]
        return f"#{self.pk}: {self.get_reason_display()} ({subject})"

    @property
    def is_pending(self):
        return self.status == self.Status.PENDING
