from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Count, F, Q
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThanOrEqual
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

UNKNOWN = "unknown"


class Approach(models.TextChoices):
    TWELVE_STEP = "twelve-step", _("Twelve-step")
    COGNITIVE_BEHAVIOURAL = "cognitive-behavioural", _("Cognitive-behavioural (science-based tools)")
    SECULAR_SELF_HELP = "secular-self-help", _("Secular self-help")
    AFFIRMATION = "affirmation", _("Affirmation-based")
    BUDDHIST = "buddhist", _("Buddhist-inspired")
    CHRISTIAN = "christian", _("Christian")
    MODERATION = "moderation", _("Moderation-based")
    UNKNOWN = UNKNOWN, _("Not verified")


class SpiritualBasis(models.TextChoices):
    SPIRITUAL = "spiritual", _("Spiritual (a higher power of your own understanding)")
    # Buddhist-inspired programs (Refuge Recovery, Recovery Dharma) are spiritual practices without a higher power.
    NON_THEISTIC = "non-theistic", _("Non-theistic spiritual practice (no higher power)")
    RELIGIOUS = "religious", _("Religious")
    SECULAR = "secular", _("Secular (no higher power)")
    UNKNOWN = UNKNOWN, _("Not verified")


class Abstinence(models.TextChoices):
    REQUIRED = "required", _("Abstinence is the goal")
    ORIENTED = "oriented", _("Abstinence-oriented; members choose their own goals")
    HARM_REDUCTION = "harm-reduction", _("Safer use / harm reduction")
    MODERATION = "moderation", _("Moderation is an accepted goal")
    NOT_APPLICABLE = "not-applicable", _("Not applicable (a program for family and friends)")
    UNKNOWN = UNKNOWN, _("Not verified")


class Medication(models.TextChoices):
    WELCOMING = "welcoming", _("Explicitly welcomes people on prescribed medication")
    INDIVIDUAL_CHOICE = "individual-choice", _("No opinion: medication is between a person and their doctor")
    VARIES = "varies", _("Officially neutral; welcome varies from meeting to meeting")
    # NA: its literature lets members on drug replacement attend but not share or lead (the note says so).
    RESTRICTED = "restricted", _("Restricted in its literature")
    NOT_APPLICABLE = "not-applicable", _("Not applicable (a program for family and friends)")
    UNKNOWN = UNKNOWN, _("Not verified")


class GenderFocus(models.TextChoices):
    EVERYONE = "everyone", _("Everyone")
    WOMEN = "women", _("Women")
    MEN = "men", _("Men")
    UNKNOWN = UNKNOWN, _("Not verified")


class Audience(models.TextChoices):
    RECOVERY = "recovery", _("People in recovery")
    FAMILY = "family", _("Family and friends")


class Substances(models.TextChoices):
    ALCOHOL = "alcohol", _("Alcohol")
    DRUGS = "drugs", _("Drugs")
    # Alcohol and drugs but not behaviours (WFS, LifeRing, SOS, MARA, DRA, DTR), apart from programs for any
    # addiction, gambling included.
    ALCOHOL_AND_DRUGS = "alcohol-and-drugs", _("Alcohol and other drugs")
    ANY = "any", _("Any substance or behaviour")
    UNKNOWN = UNKNOWN, _("Not verified")


class ProgramStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    UNCERTAIN = "uncertain", _("Current status not verified")


class ProgramQuerySet(models.QuerySet):
    def with_meeting_counts(self):
        """These programs as a list, each with meeting_count, online_count and in_person_count set.

        The counts come from listed_meeting_counts() (cached), not from a join to every meeting, so the
        list costs one query whatever the number of meetings. This ends a chain: filter first.
        """
        counts = listed_meeting_counts()
        programs = list(self)
        for program in programs:
            program.meeting_count, program.online_count, program.in_person_count = counts.get(program.pk, (0, 0, 0))
        return programs


# Counting the listed meetings of every program at each request reads every meeting, so the program pages
# read counts kept in the shared cache instead. Nothing clears them early
# (imports write in bulk, without signals): a count is at most MEETING_COUNTS_SECONDS old. A new or removed
# meeting is in or out of the lists at once; only the numbers (and page boundaries) wait.
MEETING_COUNTS_SECONDS = 5 * 60
MEETING_COUNTS_CACHE_KEY = "program-meeting-counts"


def listed_meeting_counts():
    """{program id: (total, online, in person)} of listed meetings; hybrid ones count as online and in person."""
    return cache.get_or_set(MEETING_COUNTS_CACHE_KEY, _count_listed_meetings, MEETING_COUNTS_SECONDS)


def _count_listed_meetings():
    from meetings.models import Attendance, Meeting

    # One grouped query (about 60 rows); PostgreSQL reads it from the partial covering index of listed
    # meetings (meeting_listed_clock_idx), without visiting the table.
    rows = Meeting.objects.listed().order_by().values_list("program_id", "attendance").annotate(n=Count("*"))
    counts = {}
    for program_id, attendance, n in rows:
        total, online, in_person = counts.get(program_id, (0, 0, 0))
        counts[program_id] = (
            total + n,
            online + (n if attendance != Attendance.IN_PERSON else 0),
            in_person + (n if attendance != Attendance.ONLINE else 0),
        )
    return counts


class DayOrderedMeetings:
    """A program's listed meetings by day and time, for a Paginator: counted and paged from cached slot counts.

    Counting a large program's meetings (about 145,000 for AA) and reaching a deep page with OFFSET read
    every meeting before the page (1.5 s for page 1,500). Instead, how many listed meetings the program has
    at each weekday and start time (a "slot"; a few hundred per program) is cached like the counts, and a
    page is read as "the k-th meeting on from slot (weekday, start time)": a short range of an index in day
    order (meeting_program_day_idx, or meeting_day_time_idx for AA), where k is less than one slot's size.
    """

    # The pk breaks ties, so that a meeting has one place in the order and so on one page only.
    ORDER = ("weekday", "start_time", "name", "pk")
    # What includes/meeting_row.html shows, and nothing else: building 50 full rows with their program,
    # group and region cost more than the query. (A field the row starts to show and this lacks costs a
    # query per row: tests/groups/test_program_detail.py pins the number of queries.)
    ROW_FIELDS = (
        *("name", "slug", "weekday", "start_time", "end_time", "timezone", "attendance", "status", "program"),
        *("location__name", "location__city"),
    )

    def __init__(self, program):
        from meetings.models import Meeting

        self.program = program
        self.meetings = Meeting.objects.listed().filter(program=program)

    @cached_property
    def slots(self):
        """[(weekday, start_time, number of meetings)] in day order, read once per request."""
        key = f"program-meeting-slots:{self.program.pk}"
        return cache.get_or_set(key, self._count_slots, MEETING_COUNTS_SECONDS)

    def _count_slots(self):
        slots = self.meetings.order_by("weekday", "start_time").values_list("weekday", "start_time")
        return list(slots.annotate(n=Count("*")))

    def count(self):
        return sum(n for _weekday, _start_time, n in self.slots)

    def __getitem__(self, page):
        """The meetings of a slice [start:stop] (what Paginator asks for), in one query with their details."""
        from meetings.models import Meeting

        start, stop = page.start or 0, page.stop
        slot, before = self._slot_at(start)
        if slot is None or stop <= start:
            return []
        # (weekday, start_time) >= (w, t) is one range of an index, where "weekday > w or (weekday = w and
        # start_time >= t)" is not. Django 5.2's lookup for composite keys (not documented on its own yet)
        # writes that row comparison, or the OR on SQLite.
        from_slot = TupleGreaterThanOrEqual(Tuple(F("weekday"), F("start_time")), slot)
        ids = self.meetings.filter(from_slot).order_by(*self.ORDER).values("pk")[start - before : stop - before]
        rows = Meeting.objects.filter(pk__in=ids).select_related("location").prefetch_related("types")
        meetings = list(rows.only(*self.ROW_FIELDS).order_by(*self.ORDER))
        for meeting in meetings:
            meeting.program = self.program  # every row's, already loaded: not joined again per row
        return meetings

    def _slot_at(self, position):
        """The slot of the meeting at this position in day order, and how many meetings come before the slot."""
        before = 0
        for weekday, start_time, n in self.slots:
            if before + n > position:
                return (weekday, start_time), before
            before += n
        return None, before


class ProgramManager(models.Manager.from_queryset(ProgramQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Program(models.Model):
    """A fellowship or mutual-help program, such as AA or SMART Recovery."""

    name = models.CharField(max_length=120, unique=True, help_text="Full name, e.g. Narcotics Anonymous.")
    short_name = models.CharField(max_length=30, help_text="Abbreviation shown in lists, e.g. NA.")
    slug = models.SlugField(max_length=60, unique=True, help_text="Used in URLs and feeds; do not change.")
    description = models.TextField(help_text="What the program is, in plain and neutral words.")
    # Database defaults too, so that rows written by code that predates these fields (older migrations'
    # models, as the migration tests use) are stored with them empty.
    description_es = models.TextField("description in Spanish", blank=True, db_default="")
    what_to_expect = models.TextField(blank=True, help_text="What a newcomer can expect at a first meeting.")
    what_to_expect_es = models.TextField("what to expect, in Spanish", blank=True, db_default="")
    website = models.URLField(blank=True, help_text="Official website; leave blank if not verified.")
    founded = models.CharField(
        max_length=80, blank=True, help_text='When it began, as sources give it, e.g. "1935" or "c. 2017–2018".'
    )
    approach = models.CharField(max_length=30, choices=Approach, default=Approach.UNKNOWN)
    spiritual_basis = models.CharField(max_length=20, choices=SpiritualBasis, default=SpiritualBasis.UNKNOWN)
    abstinence = models.CharField(max_length=20, choices=Abstinence, default=Abstinence.UNKNOWN)
    medication = models.CharField(
        "medication stance",
        max_length=20,
        choices=Medication,
        default=Medication.UNKNOWN,
        help_text="The program's own stance on prescribed medication, including medication for opioid use disorder.",
    )
    gender_focus = models.CharField(max_length=20, choices=GenderFocus, default=GenderFocus.EVERYONE)
    audience = models.CharField(max_length=20, choices=Audience, default=Audience.RECOVERY)
    substances = models.CharField(max_length=20, choices=Substances, default=Substances.UNKNOWN)
    status = models.CharField(max_length=20, choices=ProgramStatus, default=ProgramStatus.ACTIVE)
    status_note = models.CharField(max_length=300, blank=True, help_text="Why the status is uncertain.")
    status_note_es = models.CharField("status note in Spanish", max_length=300, blank=True, db_default="")
    sources = models.JSONField(
        default=list,
        blank=True,
        help_text=(
            'Where each fact comes from: a list of {"fact": attribute, "publisher", "title", "date", "url", '
            '"quote": short exact words, "confidence": high, medium or low, "note": why, if any}.'
        ),
    )
    notes = models.JSONField(
        default=dict,
        db_default=models.Value({}, output_field=models.JSONField()),
        blank=True,
        help_text='What a fact\'s value leaves out, in words: {attribute: {"en": text, "es": text}}.',
    )

    history = HistoricalRecords()

    objects = ProgramManager()

    class Meta:
        ordering = ["name"]
        constraints = [
            # A family program has no abstinence or medication stance of its own.
            models.CheckConstraint(
                condition=~Q(audience=Audience.RECOVERY) | ~Q(abstinence=Abstinence.NOT_APPLICABLE),
                name="program_recovery_abstinence_applies",
            ),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.slug,)

    def get_absolute_url(self):
        return reverse("groups:program", kwargs={"slug": self.slug})

    def listed_meetings(self):
        """The meetings shown on the program's page, in day order, ready for a Paginator."""
        return DayOrderedMeetings(self)

    def clean(self):
        if self.audience == Audience.RECOVERY and self.abstinence == Abstinence.NOT_APPLICABLE:
            raise ValidationError(
                {"abstinence": "Only a program for family and friends can have no abstinence stance."}
            )

    # The attributes a clinician compares, in the order pages show them.
    FACT_FIELDS = [
        ("approach", _("Approach")),
        ("spiritual_basis", _("Spiritual basis")),
        ("abstinence", _("Abstinence")),
        ("medication", _("Medication")),
        ("gender_focus", _("Who it is for")),
        ("audience", _("Audience")),
        ("substances", _("Substances")),
    ]

    def sources_for(self, fact):
        return [source for source in self.sources if source.get("fact") == fact]

    def confirmed(self, fact):
        """Whether some source of this fact is better than weak (high or medium confidence)."""
        return any(source.get("confidence") in ("high", "medium") for source in self.sources_for(fact))

    def doubt(self, fact):
        """Why a fact is not confirmed: the reason its best source gives, if any, as a sentence."""
        note = next((source["note"] for source in self.sources_for(fact) if source.get("note")), "")
        if note and note[-1] not in '.!?)”"':
            note += "."
        return note[:1].upper() + note[1:]

    def note(self, fact):
        """What the value leaves out, in the page's language (English where no Spanish is written)."""
        return _in_language(self.notes.get(fact) or {})

    def facts(self):
        """Each attribute in plain words, whether it is verified and confirmed, a note, and its sources."""
        facts = []
        for field, label in self.FACT_FIELDS:
            value = getattr(self, field)
            verified = value != UNKNOWN
            # "Not applicable" (a family program's abstinence or medication stance) needs no source.
            applies = value != "not-applicable"
            facts.append(
                {
                    "field": field,
                    "label": label,
                    "value": fact_display(field, value),
                    "verified": verified,
                    "confirmed": verified and (not applies or self.confirmed(field)),
                    "doubt": self.doubt(field),
                    "note": self.note(field),
                    "sources": self.sources_for(field),
                }
            )
        return facts

    @property
    def unverified_facts(self):
        return [label for field, label in self.FACT_FIELDS if getattr(self, field) == UNKNOWN]

    @property
    def unconfirmed_facts(self):
        """The labels of facts with a value whose sources are all weak."""
        return [fact["label"] for fact in self.facts() if fact["verified"] and not fact["confirmed"]]

    def localized(self, field):
        """A text field in the page's language: its Spanish version on Spanish pages when one is written."""
        spanish = getattr(self, f"{field}_es", "")
        if spanish and (get_language() or "").startswith("es"):
            return spanish
        return getattr(self, field)

    @property
    def description_text(self):
        return self.localized("description")

    @property
    def what_to_expect_text(self):
        return self.localized("what_to_expect")

    @property
    def status_note_text(self):
        return self.localized("status_note")

    @property
    def text_language(self):
        """The language the program's texts are shown in on this page (for the lang attribute)."""
        return "es" if self.description_es and (get_language() or "").startswith("es") else "en"

    def other_facts(self):
        """Founded, website and status, each with its sources, for the program's page."""
        return [
            {"label": _("Founded"), "value": self.founded, "sources": self.sources_for("founded")},
            {
                "label": _("Official website"),
                "value": self.website,
                "link": True,
                "sources": self.sources_for("website"),
            },
            {"label": _("Status"), "value": self.get_status_display(), "sources": self.sources_for("status")},
        ]


def compare_rows(programs):
    """The chosen programs' facts turned a quarter: one row per attribute, one cell per program."""
    facts = [program.facts() for program in programs]
    return [
        {
            "label": label,
            "facts": [
                dict(program_facts[i], program=program) for program, program_facts in zip(programs, facts, strict=True)
            ],
        }
        for i, (_field, label) in enumerate(Program.FACT_FIELDS)
    ]


def _in_language(texts):
    if (get_language() or "").startswith("es") and texts.get("es"):
        return texts["es"]
    return texts.get("en", "")


# Each fact's choices as a dict, built once: get_FOO_display() rebuilds one (hashing every lazy label) at
# each call, and seven calls per program were a good part of rendering the compare page and the finder.
_FACT_CHOICES = {field: dict(Program._meta.get_field(field).flatchoices) for field, _label in Program.FACT_FIELDS}


def fact_display(field, value):
    """What get_<field>_display() gives for a fact's value, in the current language."""
    return force_str(_FACT_CHOICES[field].get(value, value))


class GroupManager(models.Manager):
    def get_by_natural_key(self, program_slug, slug):
        return self.get(program__slug=program_slug, slug=slug)


class Group(models.Model):
    """A local group of a program that holds one or more meetings."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="groups")
    name = models.CharField(max_length=200, help_text="The group's name, e.g. Tuesday Night Hope Group.")
    slug = models.SlugField(max_length=220, help_text="Unique within the program; used in URLs.")
    region = models.ForeignKey(
        "meetings.Region", on_delete=models.SET_NULL, null=True, blank=True, related_name="groups"
    )
    # Anonymity: contacts are roles or first names, never full names.
    contact_role = models.CharField(
        max_length=100, blank=True, help_text="A role or first name only, e.g. Secretary or Sam. Never a last name."
    )
    contact_email = models.EmailField(blank=True, help_text="A group or service address, not a personal one.")
    contact_phone = models.CharField(max_length=40, blank=True)
    website = models.URLField(blank=True)
    notes = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    objects = GroupManager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["program", "slug"], name="group_slug_unique_per_program"),
        ]

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.program.slug, self.slug)

    natural_key.dependencies = ["groups.program"]
