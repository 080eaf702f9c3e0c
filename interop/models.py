"""The feeds the directory imports on a schedule."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DataSource(models.Model):
    """A feed we import on a schedule: another directory's Meeting Guide JSON, BMLT results or a TSML CSV."""

    class Format(models.TextChoices):
        MEETING_GUIDE = "meeting-guide", _("Meeting Guide JSON")
        BMLT = "bmlt", _("BMLT semantic API (GetSearchResults JSON)")
        CSV = "csv", _("12 Step Meeting List CSV")

    name = models.CharField(max_length=120, help_text="Who publishes the feed, e.g. Central Ohio Intergroup.")
    slug = models.SlugField(
        max_length=100,
        unique=True,
        help_text="Stored on every meeting imported from this feed as its source; do not change.",
    )
    url = models.URLField(max_length=500, help_text="Address of the feed.")
    format = models.CharField(max_length=20, choices=Format, default=Format.MEETING_GUIDE)
    program = models.ForeignKey(
        "groups.Program",
        on_delete=models.PROTECT,
        related_name="data_sources",
        help_text="The program of every meeting in this feed.",
    )
    parent_region = models.ForeignKey(
        "meetings.Region",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="data_sources",
        help_text="Regions named in the feed are placed under this one; its time zone is the default.",
    )
    active = models.BooleanField(default=True, help_text="Refreshed by the scheduled sync_sources command.")
    priority = models.PositiveSmallIntegerField(
        default=100,
        help_text="When two sources list the same meeting, the one with the higher priority is shown (a tie: the "
        "older source).",
    )
    contact_email = models.EmailField(
        blank=True, help_text="Who is told when the feed has failed for 72 hours (the feed's editors)."
    )
    # Health, kept by sync_sources.
    last_success = models.DateTimeField(null=True, blank=True, editable=False)
    consecutive_failures = models.PositiveIntegerField(default=0, editable=False)
    failing_since = models.DateTimeField(null=True, blank=True, editable=False)
    warned_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When its editors were told it has been failing."
    )
    paused_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Set after 14 days of failure: the sync skips the source until someone clears this.",
    )
    # Conditional requests: what the server said last time, so an unchanged feed costs a 304 or a hash.
    etag = models.CharField(max_length=300, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    content_hash = models.CharField(max_length=64, blank=True, editable=False)
    last_run = models.DateTimeField(null=True, blank=True, editable=False)
    created_count = models.PositiveIntegerField(default=0, editable=False)
    updated_count = models.PositiveIntegerField(default=0, editable=False)
    unchanged_count = models.PositiveIntegerField(default=0, editable=False)
    deactivated_count = models.PositiveIntegerField(default=0, editable=False)
    rejected_count = models.PositiveIntegerField(default=0, editable=False)
    last_error = models.TextField(blank=True, editable=False)
    last_report = models.TextField(blank=True, editable=False, help_text="The last run's report, record by record.")

    class Meta:
        ordering = ["name"]
        # The table keeps the name it had when data sources were part of the meetings app.
        db_table = "meetings_datasource"

    def __str__(self):
        return self.name

    def meetings_count(self):
        """How many meetings this source has (what an unchanged feed leaves unchanged)."""
        from meetings.models import Meeting  # meetings does not import interop; the reverse waits until here

        return Meeting.objects.filter(source=self.slug).exclude(status="inactive").count()


class SourceRun(models.Model):
    """One refresh of a data source: when, how it ended, and its counts (the source's history of runs)."""

    class Outcome(models.TextChoices):
        CHANGED = "changed", _("Imported")
        UNCHANGED = "unchanged", _("Unchanged")
        FAILED = "failed", _("Failed")

    source = models.ForeignKey(DataSource, on_delete=models.CASCADE, related_name="runs")
    started = models.DateTimeField()
    seconds = models.FloatField(default=0)
    outcome = models.CharField(max_length=20, choices=Outcome)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    deactivated_count = models.PositiveIntegerField(default=0)
    rejected_count = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-started"]
        indexes = [models.Index(fields=["source", "-started"], name="sourcerun_source_started_idx")]

    def __str__(self):
        return f"{self.source} {self.started:%Y-%m-%d %H:%M} {self.outcome}"
