from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
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
    ANY = "any", _("Any substance or behaviour")
    UNKNOWN = UNKNOWN, _("Not verified")


class ProgramStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    UNCERTAIN = "uncertain", _("Current status not verified")


class ProgramQuerySet(models.QuerySet):
    def for_people_in_recovery(self):
        return self.filter(audience=Audience.RECOVERY)

    def for_family(self):
        return self.filter(audience=Audience.FAMILY)

    def with_meeting_counts(self):
        from meetings.models import Status

        return self.annotate(
            meeting_count=models.Count(
                "meetings", filter=~Q(meetings__status=Status.INACTIVE) & Q(meetings__deleted_at__isnull=True)
            )
        ).order_by("name")


class ProgramManager(models.Manager.from_queryset(ProgramQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Program(models.Model):
    """A fellowship or mutual-help program, such as AA or SMART Recovery."""

    name = models.CharField(max_length=120, unique=True, help_text="Full name, e.g. Narcotics Anonymous.")
    short_name = models.CharField(max_length=30, help_text="Abbreviation shown in lists, e.g. NA.")
    slug = models.SlugField(max_length=60, unique=True, help_text="Used in URLs and feeds; do not change.")
    description = models.TextField(help_text="What the program is, in plain and neutral words.")
    what_to_expect = models.TextField(blank=True, help_text="What a newcomer can expect at a first meeting.")
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
    sources = models.JSONField(
        default=list,
        blank=True,
        help_text='Where each fact comes from: a list of {"fact": attribute, "text": citation, "url": link}.',
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
        return reverse("groups:program", args=[self.slug])

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

    def facts(self):
        """Each attribute in plain words, whether it is verified, and its sources."""
        return [
            {
                "field": field,
                "label": label,
                "value": getattr(self, f"get_{field}_display")(),
                "verified": getattr(self, field) != UNKNOWN,
                "sources": self.sources_for(field),
            }
            for field, label in self.FACT_FIELDS
        ]

    @property
    def unverified_facts(self):
        return [fact["label"] for fact in self.facts() if not fact["verified"]]


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
