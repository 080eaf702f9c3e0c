import functools
import re
import zoneinfo
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, URLValidator
from django.db import models
from django.db.models import Q
from django.urls import get_script_prefix, reverse
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.time import TIMEZONE_SHAPE, duration_minutes, get_zone, offset_minutes, utc_week_minute, validate_timezone
from meetings.choices import Attendance, Status, Weekday  # noqa: F401 -- imported from here across the project
from meetings.querysets import MeetingQuerySet, has_type, parse_type_ids, type_ids_text  # noqa: F401

# A Join link is opened by a visitor's browser: web links only (URLField alone also takes ftp:// and ftps://).
WEB_SCHEMES = ["https", "http"]
validate_web_link = URLValidator(
    schemes=WEB_SCHEMES, message=_("Enter a web link that starts with https:// or http://.")
)


def is_web_link(value):
    try:
        validate_web_link(value)
    except ValidationError:
        return False
    return True


def meeting_path(slug):
    """The address of a meeting's page, from its slug: how every page, feed and file links to a meeting."""
    # A feed writes an address for every meeting and a search page 25: the path is reversed once per language
    # and script prefix, and the slug (letters, digits, - and _: a SlugField, so nothing to quote) put in it.
    if not SLUG_SHAPE.fullmatch(slug):
        return reverse("meetings:detail", kwargs={"slug": slug})  # which refuses it, as it always has
    before, after = _meeting_path_around_slug(get_language(), get_script_prefix())
    return f"{before}{slug}{after}"


@functools.cache
def _meeting_path_around_slug(language, script_prefix):
    path = reverse("meetings:detail", kwargs={"slug": SLUG_STAND_IN})
    before, _stand_in, after = path.partition(SLUG_STAND_IN)
    return before, after


SLUG_STAND_IN = "meeting-slug"
SLUG_SHAPE = re.compile(r"[-a-zA-Z0-9_]+")  # what the URL's <slug:slug> takes


class SlugManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class CodeManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class Region(models.Model):
    """A place in a tree: country > state > metro area > neighbourhood."""

    class Kind(models.TextChoices):
        COUNTRY = "country", _("Country")
        STATE = "state", _("State or province")
        METRO = "metro", _("Metro area or city")
        NEIGHBOURHOOD = "neighbourhood", _("Neighbourhood")

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True, help_text="Unique everywhere, e.g. us-pa-philadelphia.")
    kind = models.CharField(max_length=20, choices=Kind)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    timezone = models.CharField(
        max_length=64,
        validators=[validate_timezone],
        help_text="Default IANA time zone for meetings here, e.g. America/New_York.",
    )

    objects = SlugManager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(timezone__regex=TIMEZONE_SHAPE), name="region_timezone_shape"),
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="region_not_own_parent"),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    def ancestors(self):
        """This region's parents from the top of the tree down (one query per level)."""
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))

    def descendant_ids(self):
        """Ids of this region and everything under it, one query per level of the tree."""
        return Region.with_descendants([self.pk])

    @staticmethod
    def with_descendants(ids):
        """These region ids and the ids of every region under them: one query per level for all of them."""
        found = list(dict.fromkeys(ids))
        seen, frontier = set(found), found
        while frontier:
            below = Region.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
            # `seen`: a region reached twice (a loop that bypassed clean()) is not walked again.
            frontier = [pk for pk in below if pk not in seen]
            seen.update(frontier)
            found.extend(frontier)
        return found

    def clean(self):
        node = self.parent
        while node is not None:
            if node.pk == self.pk:
                raise ValidationError({"parent": "A region cannot be inside itself."})
            node = node.parent


class Location(models.Model):
    """A venue where in-person meetings happen."""

    name = models.CharField(max_length=200, help_text="Venue name, e.g. St. Mark's Church Hall.")
    address = models.CharField(max_length=200, blank=True, help_text="Street and number.")
    city = models.CharField(max_length=100, blank=True)
    state = models.CharField(max_length=100, blank=True, help_text="State, province or territory.")
    postal_code = models.CharField(max_length=20, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="Two-letter country code, e.g. US or AU.")
    formatted_address = models.CharField(
        max_length=300, blank=True, help_text="The full address as one line, as a map would show it."
    )
    latitude = models.FloatField(null=True, blank=True, validators=[MinValueValidator(-90), MaxValueValidator(90)])
    longitude = models.FloatField(null=True, blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)])
    approximate = models.BooleanField(
        default=False, help_text="The address is only a city or area, not a place people can go to."
    )
    position_approximate = models.BooleanField(
        default=False,
        help_text="The map position is the centre of the ZIP code or city, not the building: directions go to "
        "the address.",
    )
    timezone = models.CharField(max_length=64, validators=[validate_timezone], help_text="IANA time zone.")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, related_name="locations")
    notes = models.TextField(blank=True, help_text="How to find the room, parking, entrance.")
    source = models.CharField(
        max_length=100,
        blank=True,
        help_text="The data source that keeps this venue up to date; empty once a volunteer edits it, so no "
        "import renames or moves it.",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="location_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="location_longitude_range",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="location_coordinates_both_or_neither",
            ),
            models.CheckConstraint(condition=Q(timezone__regex=TIMEZONE_SHAPE), name="location_timezone_shape"),
        ]
        indexes = [
            # "Near a place": a bounding box on latitude, then longitude, before exact distance, all read
            # from the index (the id too), so the places in the box cost no visit to the table.
            models.Index(fields=["latitude", "longitude", "id"], name="location_coordinates_id_idx"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.formatted_address:
            self.formatted_address = self.build_formatted_address()
        keep_digests = self.__dict__.pop("keep_source_digest", False)
        super().save(*args, **kwargs)
        if not keep_digests:
            # A venue changed outside an import: its imported meetings are compared with their feeds again at the
            # next import, which decides as before what a changed venue means for them (the import puts a venue
            # it owns back; a venue renamed by a volunteer is no longer the feed's venue, so the feed's is made).
            self.meetings.exclude(source_digest="").update(source_digest="")

    def build_formatted_address(self):
        state_zip = " ".join(part for part in (self.state, self.postal_code) if part)
        return ", ".join(part for part in (self.address, self.city, state_zip, self.country) if part)

    @property
    def is_specific(self):
        """Whether people can go there: a street address, not just a city or area."""
        if self.approximate:
            return False
        parts_only = self.build_formatted_address()
        return bool(self.address) or bool(self.formatted_address and self.formatted_address != parts_only)

    @property
    def has_coordinates(self):
        return self.latitude is not None and self.longitude is not None

    def clean(self):
        if (self.latitude is None) != (self.longitude is None):
            raise ValidationError("Give both latitude and longitude, or neither.")


class MeetingType(models.Model):
    """One shared vocabulary of meeting types, mapped to each standard's codes."""

    class Category(models.TextChoices):
        ATTENDANCE = "attendance", _("Who may attend")
        FORMAT = "format", _("Format")
        AUDIENCE = "audience", _("Community")
        ACCESSIBILITY = "accessibility", _("Accessibility")
        LANGUAGE = "language", _("Language")
        FEATURE = "feature", _("Features")

    code = models.SlugField(max_length=40, unique=True, help_text="Our code, used in URLs and filters.")
    name = models.CharField(max_length=100)
    name_es = models.CharField("name in Spanish", max_length=100, blank=True)
    short_label = models.CharField(max_length=30, blank=True, help_text="A short label for result lists.")
    description = models.TextField(blank=True, help_text="A plain explanation a newcomer understands.")
    category = models.CharField(max_length=20, choices=Category)
    meeting_guide_code = models.CharField(
        max_length=20, blank=True, help_text="The Meeting Guide type code, where one exists."
    )
    bmlt_world_id = models.CharField(max_length=20, blank=True, help_text="The BMLT world_id, where one exists.")
    is_key = models.BooleanField(default=False, help_text="Shown as a label in result lists.")
    position = models.PositiveSmallIntegerField(default=100, help_text="Order within its category.")

    objects = CodeManager()

    class Meta:
        ordering = ["category", "position", "name"]

    def __str__(self):
        # The display name, so choice lists (search form checkboxes, language select) follow the page language.
        return self.display_name

    def natural_key(self):
        return (self.code,)

    @property
    def display_description(self):
        """The description in the page's language (meetings/type_descriptions.py lists those translated)."""
        return gettext(self.description) if self.description else ""

    @property
    def display_name(self):
        """The name in the page's language: the Meeting Guide's Spanish name on Spanish pages."""
        if self.name_es and (get_language() or "").startswith("es"):
            return self.name_es
        return self.name

    @property
    def display_label(self):
        """The short label for result lists; short labels are English, so Spanish pages use the Spanish name."""
        if self.name_es and (get_language() or "").startswith("es"):
            return self.name_es
        return self.short_label or self.name


class ZoneOffset(models.Model):
    """The UTC offset each zone's meetings have their `utc_start` computed with.

    Searching by "now" and "soonest" reads a range of one indexed column (`Meeting.utc_start`) instead of a
    condition per zone on every row. The column is right while a zone keeps the offset recorded here; when a
    zone changes offset (daylight saving), `refresh_zone_offsets` (run from cron) records the new offset and
    recomputes that zone's meetings, and until it has run, searches treat the zone as stale and use exact
    wall-clock conditions for it instead (see search.clock).
    """

    timezone = models.CharField(max_length=64, primary_key=True)
    minutes = models.SmallIntegerField(help_text="Offset from UTC in minutes, east positive.")
    changed = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.timezone} {self.minutes:+d} min"

    @classmethod
    def offsets_for(cls, zones, now=None):
        """{zone: recorded offset} for these zones, recording the current offset of any zone not yet known."""
        from django.utils import timezone as django_timezone

        zones = set(zones)
        known = dict(cls.objects.filter(timezone__in=zones).values_list("timezone", "minutes"))
        missing = zones - known.keys()
        if missing:
            now = now or django_timezone.now()
            new = {zone: offset_minutes(now, zoneinfo.ZoneInfo(zone)) for zone in missing}
            cls.objects.bulk_create([cls(timezone=z, minutes=m) for z, m in new.items()], ignore_conflicts=True)
            # Another process may have recorded a zone first: read back what the table holds.
            known.update(cls.objects.filter(timezone__in=missing).values_list("timezone", "minutes"))
            cls.forget_cached()
        return known

    @staticmethod
    def forget_cached():
        """Searches cache the recorded offsets; drop that copy after the table changes."""
        from django.core.cache import cache

        from search.clock import OFFSETS_CACHE_KEY

        cache.delete(OFFSETS_CACHE_KEY)


class MeetingManager(models.Manager.from_queryset(MeetingQuerySet)):
    def set_clocks(self, meetings):
        """Set `utc_start`, `utc_offset` and `duration_minutes` of unsaved or changed meetings before a bulk write."""
        offsets = ZoneOffset.offsets_for({meeting.timezone for meeting in meetings})
        for meeting in meetings:
            meeting.set_clock(offsets[meeting.timezone])


SITE_LISTING = _("this site's volunteers")


class DuplicateDecision(models.TextChoices):
    AUTOMATIC = "automatic", _("Automatic")
    LISTED = "listed", _("Not a duplicate: always listed")
    DUPLICATE = "duplicate", _("A duplicate of the meeting chosen: hidden")


# What "listed" means (MeetingQuerySet.listed), as the condition of the indexes that serve listed meetings.
LISTED_CONDITION = (
    models.Q(deleted_at__isnull=True) & ~models.Q(status=Status.INACTIVE) & models.Q(duplicate_of__isnull=True)
)


class Meeting(models.Model):
    """A meeting that repeats weekly at a local wall-clock time in an IANA time zone."""

    program = models.ForeignKey("groups.Program", on_delete=models.PROTECT, related_name="meetings")
    group = models.ForeignKey(
        "groups.Group", on_delete=models.SET_NULL, null=True, blank=True, related_name="meetings"
    )
    name = models.CharField(max_length=200, help_text="The meeting's name as its group uses it.")
    slug = models.SlugField(max_length=220, unique=True, help_text="Used in the meeting's address; do not change.")
    attendance = models.CharField(max_length=20, choices=Attendance, default=Attendance.IN_PERSON)
    weekday = models.PositiveSmallIntegerField(choices=Weekday, help_text="Day of the week it meets.")
    start_time = models.TimeField(help_text="Local start time, e.g. 19:00.")
    end_time = models.TimeField(null=True, blank=True, help_text="Local end time; may be after midnight.")
    timezone = models.CharField(
        max_length=64,
        validators=[validate_timezone],
        help_text="IANA time zone of the meeting's wall-clock time, e.g. America/New_York.",
    )
    # Derived from weekday, start_time, end_time and the zone's recorded offset (ZoneOffset) on every save
    # and bulk write: the start as a minute of the week in UTC (Sunday 00:00 UTC = 0), and the length.
    utc_start = models.PositiveSmallIntegerField(editable=False)
    # The offset (minutes east of UTC) utc_start was computed with: "today" where the meeting meets is then
    # arithmetic on the row, ((now + utc_offset) mod week) div day, instead of a list of zones per weekday.
    utc_offset = models.SmallIntegerField(default=0, editable=False)
    duration_minutes = models.PositiveSmallIntegerField(editable=False)
    # Its end as a minute past the start of the week in UTC (past 10080 when it ends next week), kept by the
    # database. In the clock index, "not over yet" (utc_end > now) is tested on the index's own entries: a
    # search that must also read the table (a keyword in the notes) then reads only the meetings in progress,
    # not every meeting of the last four hours (search.clock).
    utc_end = models.GeneratedField(
        expression=models.F("utc_start") + models.F("duration_minutes"),
        output_field=models.SmallIntegerField(),
        db_persist=True,
    )
    location = models.ForeignKey(
        Location,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="meetings",
        help_text="Where it meets in person. Leave empty for an online-only meeting.",
    )
    conference_url = models.URLField(
        max_length=500,
        blank=True,
        validators=[validate_web_link],
        help_text="Link to join online (Zoom, Meet...), starting with https:// or http://.",
    )
    conference_url_notes = models.CharField(max_length=300, blank=True, help_text="Meeting ID, passcode, etc.")
    conference_phone = models.CharField(max_length=100, blank=True, help_text="Phone number to dial in.")
    conference_phone_notes = models.CharField(max_length=300, blank=True)
    join_on_request = models.BooleanField(
        default=False, help_text="The group gives the link on request (for example by e-mail)."
    )
    types = models.ManyToManyField(MeetingType, blank=True, related_name="meetings")
    # A copy of `types` as ",4,17," (MeetingType ids). Type filters read it from the row, or from the
    # covering index, instead of probing the link table once per candidate meeting (most of a type search's
    # time in a large directory). Kept in step by the m2m_changed signal (admin, .set(), .add()),
    # by MeetingType deletion, and by the bulk writers (importer, demo data, generator) themselves.
    type_ids = models.CharField(max_length=1000, blank=True, default="", editable=False)
    notes = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status, default=Status.ACTIVE)
    last_verified = models.DateField(
        null=True, blank=True, help_text="When someone last confirmed the meeting still meets as listed."
    )
    source = models.CharField(max_length=100, blank=True, help_text="Where this listing came from.")
    external_key = models.CharField(max_length=200, blank=True, help_text="The meeting's id in its source.")
    # "<sha256 of the feed item>/<meetings the item gave>" as the last import wrote this row from it (not in its
    # history). A re-import passes over an item with the same digest without reading it (interop.importing);
    # any other save, and any edit of its venue or group, empties it, so the next import compares the row again.
    source_digest = models.CharField(max_length=80, blank=True, default="", editable=False)
    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="duplicates",
        help_text="Another source lists this same meeting: only that one is shown (interop.duplicates).",
    )
    duplicate_decision = models.CharField(
        max_length=20,
        blank=True,  # forms that leave it out keep it automatic (duplicate_errors)
        choices=DuplicateDecision,
        default=DuplicateDecision.AUTOMATIC,
        help_text="Automatic: the nightly comparison decides. A volunteer may keep it listed, or hide it as a "
        "duplicate of the meeting chosen above.",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(
        null=True, blank=True, help_text="Set when deleted in the admin: hidden everywhere, and can be restored."
    )
    # Every change by a person, an import that saves one by one or an applied change request; bulk_create skips it.
    history = HistoricalRecords(
        m2m_fields=[types],
        excluded_fields=["utc_start", "utc_offset", "duration_minutes", "utc_end", "type_ids", "source_digest"],
    )

    objects = MeetingManager()

    class Meta:
        ordering = ["weekday", "start_time", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(weekday__gte=0, weekday__lte=6), name="meeting_weekday_range"),
            models.CheckConstraint(
                condition=Q(end_time__isnull=True) | ~Q(end_time=models.F("start_time")),
                name="meeting_end_differs_from_start",
            ),
            models.CheckConstraint(condition=Q(timezone__regex=TIMEZONE_SHAPE), name="meeting_timezone_shape"),
            models.CheckConstraint(
                condition=Q(attendance=Attendance.ONLINE) | Q(location__isnull=False),
                name="meeting_in_person_has_location",
            ),
            models.CheckConstraint(
                condition=Q(attendance=Attendance.IN_PERSON)
                | ~Q(conference_url="")
                | ~Q(conference_phone="")
                | Q(join_on_request=True),
                name="meeting_online_has_way_to_join",
            ),
            models.CheckConstraint(
                condition=Q(attendance__in=[a.value for a in Attendance]), name="meeting_attendance_valid"
            ),
            models.UniqueConstraint(
                fields=["source", "external_key"],
                condition=~Q(external_key=""),
                name="meeting_external_key_unique_per_source",
            ),
        ]
        indexes = [
            # "By day and time" order: read in index order, stop after a page.
            models.Index(fields=["weekday", "start_time", "name", "id"], name="meeting_day_time_idx"),
            # The BMLT interface's default order (weekday, start, duration; interop/bmlt.py DEFAULT_SORT): a page
            # of a day's meetings is read in index order instead of sorting all of that day's.
            models.Index(fields=["weekday", "start_time", "duration_minutes", "id"], name="meeting_bmlt_order_idx"),
            # "Now", "today" and the soonest-first window: a weekday/time range per group of zones.
            models.Index(fields=["timezone", "weekday", "start_time"], name="meeting_zone_day_time_idx"),
            # "Now" and soonest first: ranges of minutes of the week in UTC. It covers what the common
            # filters and the soonest-first order read, so listed meetings are filtered from the index alone,
            # without visiting thousands of table rows. Its order is the soonest-first order of meetings not
            # in progress (start, name, id): a page is read in index order and the scan stops there, with no
            # sort (search.soonest_page_ids). (Status and deletion are in its condition; SQLite also wants
            # them as columns to read it alone.)
            models.Index(
                fields=[
                    "utc_start",
                    "name",
                    "id",
                    "duration_minutes",
                    "weekday",
                    "start_time",
                    "attendance",
                    "program",
                    "timezone",
                    "type_ids",
                    "status",
                    "deleted_at",
                    "utc_offset",
                    "duplicate_of",
                    # "Near a place or online" tests the venue by its id (MeetingQuerySet.near_or_online).
                    "location",
                    "utc_end",
                ],
                condition=LISTED_CONDITION,
                name="meeting_listed_clock_idx",
            ),
            # "Near a place": the listed meetings at each place in the box, with what the soonest-first sort
            # reads, from the index alone (utc_end: whether a meeting is in progress).
            models.Index(
                fields=["location", "utc_start", "duration_minutes", "name", "id", "duplicate_of", "utc_end"],
                condition=LISTED_CONDITION,
                name="meeting_listed_place_idx",
            ),
            # Attendance filters (online / in person) combined with day order.
            models.Index(fields=["attendance", "weekday", "start_time"], name="meeting_attendance_day_idx"),
            # A program's meeting list.
            models.Index(fields=["program", "weekday", "start_time"], name="meeting_program_day_idx"),
            # A source's meetings, read by every sync of it (its digests, its rows, its count): the unique
            # (source, external_key) index is partial (keys not empty), so PostgreSQL cannot use it for these,
            # and read the whole table once per source instead.
            models.Index(fields=["source", "status"], name="meeting_source_status_idx"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return meeting_path(self.slug)

    def others_at_its_place(self):
        """The listed meetings at this meeting's venue but itself (none for an online meeting), by day and time."""
        if self.location_id is None:
            return Meeting.objects.none()
        return self.location.meetings.listed().exclude(pk=self.pk).select_related("program")

    def similar_search(self):
        """(query, place): a search for meetings like this one, of its program near its venue's town (when the
        gazetteer knows the town, else its ZIP code) or online; place is the town's name, or ""."""
        from core import places  # the gazetteer's tables open on first use

        query = {"program": self.program.slug}
        location = self.location
        if location is None:
            return query | {"attendance": Attendance.ONLINE}, ""
        town = f"{location.city}, {location.state or location.country}".rstrip(", ") if location.city else ""
        for text in (town, location.postal_code):
            if text and places.resolve(text) is not None:
                return query | {"near": text}, text
        return query, ""

    @property
    def is_online(self):
        return self.attendance in (Attendance.ONLINE, Attendance.HYBRID)

    @property
    def is_in_person(self):
        return self.attendance in (Attendance.IN_PERSON, Attendance.HYBRID)

    @property
    def join_url(self):
        """The conference link to show as a Join link: web links only (rows saved before the check may hold others)."""
        return self.conference_url if urlsplit(self.conference_url).scheme.lower() in WEB_SCHEMES else ""

    @property
    def zone(self):
        return get_zone(self.timezone) or zoneinfo.ZoneInfo(self.timezone)

    CLOCK_INPUTS = frozenset({"weekday", "start_time", "end_time", "timezone"})

    def set_clock(self, offset):
        """Compute utc_start and duration_minutes with the zone's recorded UTC offset (minutes)."""
        self.utc_start = utc_week_minute(self.weekday, self.start_time, offset)
        self.utc_offset = offset
        self.duration_minutes = duration_minutes(self.start_time, self.end_time)

    def save(self, *args, update_fields=None, **kwargs):
        if not self.__dict__.pop("keep_source_digest", False):
            # Someone other than the import changed the row: it may no longer be what the feed item gave.
            self.source_digest = ""
            if update_fields is not None:
                update_fields = {*update_fields, "source_digest"}
        if update_fields is None or self.CLOCK_INPUTS & set(update_fields):
            self.set_clock(ZoneOffset.offsets_for([self.timezone])[self.timezone])
            if update_fields is not None:
                update_fields = {*update_fields, "utc_start", "utc_offset", "duration_minutes"}
        super().save(*args, update_fields=update_fields, **kwargs)

    def clean(self):
        # The time zone name itself is checked by the field's validator; clean() checks what spans fields.
        errors = {}
        if self.end_time is not None and self.end_time == self.start_time:
            errors["end_time"] = "The end time must differ from the start time (leave it empty if unknown)."
        if self.is_in_person:
            if self.location_id is None:
                errors["location"] = "An in-person or hybrid meeting needs a location people can go to."
            elif not self.location.is_specific:
                errors["location"] = (
                    "An in-person or hybrid meeting needs a location with a street address, not an approximate one."
                )
        if self.is_online and not (self.conference_url or self.conference_phone or self.join_on_request):
            errors["conference_url"] = (
                "An online or hybrid meeting needs a way to join: a link, a phone number, "
                "or 'the group gives the link on request'."
            )
        errors.update(self.duplicate_errors())
        if errors:
            raise ValidationError(errors)

    def listing_sources(self):
        """The names of the sources that list this meeting: its own and those of the listings hidden behind it."""
        from django.apps import apps  # data sources belong to interop, which builds on meetings

        slugs = [self.source, *self.duplicates.exclude(source=self.source).values_list("source", flat=True)]
        if len(slugs) == 1:
            return []  # listed once: nothing to say
        names = dict(
            apps.get_model("interop", "DataSource").objects.filter(slug__in=slugs).values_list("slug", "name")
        )
        return list(dict.fromkeys(names.get(slug, slug) or SITE_LISTING for slug in slugs))

    def duplicate_errors(self):
        """A volunteer's decision on duplicates made whole: "listed" hides nothing, "duplicate" names the meeting."""
        self.duplicate_decision = self.duplicate_decision or DuplicateDecision.AUTOMATIC
        if self.duplicate_decision == DuplicateDecision.LISTED:
            self.duplicate_of = None
        if self.duplicate_decision == DuplicateDecision.DUPLICATE and self.duplicate_of_id is None:
            return {"duplicate_of": "Choose the meeting this one duplicates, or set the decision to automatic."}
        if self.duplicate_of_id is not None and self.duplicate_of_id == self.pk:
            return {"duplicate_of": "A meeting cannot be a duplicate of itself."}
        return {}


def _keep_type_ids(sender, instance, action, reverse, pk_set, **kwargs):
    """Meeting.type_ids follows every change of the link table made through Django's m2m API."""
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        Meeting.objects.filter(pk=instance.pk).sync_type_ids()
        # The instance in hand too: a later save() of it must not write the old copy back.
        instance.type_ids = Meeting.objects.filter(pk=instance.pk).values_list("type_ids", flat=True).first() or ""
    elif pk_set:
        Meeting.objects.filter(pk__in=pk_set).sync_type_ids()
    else:
        # A type's meetings cleared from the type's side: the link rows are gone, the copies still name it.
        Meeting.objects.filter(has_type(instance.pk)).sync_type_ids()


def _forget_deleted_type(sender, instance, **kwargs):
    # Deleting a type deletes its link rows by cascade, which sends no m2m_changed.
    Meeting.objects.filter(has_type(instance.pk)).sync_type_ids()


def _forget_source_digests(sender, instance, **kwargs):
    """A group or region deleted (its meetings' or venues' link set to null, which no save() sees): the
    meetings that named it are compared with their feeds again, so an import puts the link back."""
    if sender is Region:
        meetings = Meeting.objects.filter(location__region=instance)
    else:
        meetings = Meeting.objects.filter(group=instance)
    meetings.exclude(source_digest="").update(source_digest="")


models.signals.m2m_changed.connect(_keep_type_ids, sender=Meeting.types.through, dispatch_uid="meeting-type-ids")
models.signals.post_delete.connect(_forget_deleted_type, sender=MeetingType, dispatch_uid="meeting-type-ids-delete")
models.signals.pre_delete.connect(_forget_source_digests, sender=Region, dispatch_uid="meeting-digests-region")
models.signals.pre_delete.connect(_forget_source_digests, sender="groups.Group", dispatch_uid="meeting-digests-group")
