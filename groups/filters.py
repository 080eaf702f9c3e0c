"""Filters over programs: the attribute filters the compare page (and any other program list) uses."""

from datetime import UTC

import django_filters
from django import forms
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When, Window
from django.db.models.functions import ExtractHour, ExtractMinute, Mod, RowNumber
from django.utils.translation import gettext_lazy as _

from groups.models import (
    Abstinence,
    Approach,
    Audience,
    GenderFocus,
    Medication,
    Program,
    SpiritualBasis,
    Substances,
)
from meetings.models import Attendance, Meeting
from meetings.timeutil import get_zone, next_start, sunday_weekday


class ProgramFilter(django_filters.FilterSet):
    """Program attributes, each an optional choice from the model's own choices."""

    approach = django_filters.ChoiceFilter(choices=Approach.choices, label=_("Approach"), empty_label=_("Any"))
    spiritual_basis = django_filters.ChoiceFilter(
        choices=SpiritualBasis.choices, label=_("Spiritual basis"), empty_label=_("Any")
    )
    abstinence = django_filters.ChoiceFilter(
        choices=Abstinence.choices, label=_("Abstinence stance"), empty_label=_("Any")
    )
    medication = django_filters.ChoiceFilter(
        choices=Medication.choices, label=_("Medication stance"), empty_label=_("Any")
    )
    gender_focus = django_filters.ChoiceFilter(
        choices=GenderFocus.choices, label=_("Who it is for"), empty_label=_("Any")
    )
    audience = django_filters.ChoiceFilter(choices=Audience.choices, label=_("Audience"), empty_label=_("Any"))

    class Meta:
        model = Program
        fields = ["approach", "spiritual_basis", "abstinence", "medication", "gender_focus", "audience"]


class FinderForm(forms.Form):
    """The program finder's plain questions; every answer is optional."""

    who = forms.ChoiceField(
        label=_("Who is the support for?"),
        choices=[
            ("self", _("For yourself (or a patient): changing one's own drinking or drug use")),
            ("family", _("For someone who cares about a person who drinks or uses drugs")),
        ],
        required=False,
        widget=forms.RadioSelect,
    )
    substances = forms.ChoiceField(
        label=_("Which substances?"),
        choices=[("alcohol", _("Alcohol")), ("drugs", _("Drugs")), ("either", _("Either, or both"))],
        required=False,
        widget=forms.RadioSelect,
    )
    basis = forms.ChoiceField(
        label=_("Spiritual or secular?"),
        choices=[
            ("spiritual", _("Spiritual or religious")),
            ("secular", _("Secular (no higher power)")),
            ("any", _("No preference")),
        ],
        required=False,
        widget=forms.RadioSelect,
    )
    medication = forms.ChoiceField(
        label=_("Taking medication for addiction treatment (such as buprenorphine or methadone)?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        required=False,
        widget=forms.RadioSelect,
    )
    gender = forms.ChoiceField(
        label=_("Which meetings?"),
        choices=[("women", _("Women only")), ("men", _("Men only")), ("anyone", _("Open to anyone"))],
        required=False,
        widget=forms.RadioSelect,
    )
    attendance = forms.ChoiceField(
        label=_("In person or online?"),
        choices=[("in_person", _("In person")), ("online", _("Online")), ("either", _("Either"))],
        required=False,
        widget=forms.RadioSelect,
    )


# Why a program fits, one plain sentence per matching answer, keyed by (question, program value).
REASONS = {
    ("who", Audience.RECOVERY): _("It is for people who want to change their own drinking or drug use."),
    ("who", Audience.FAMILY): _("It is for family and friends of someone who drinks or uses drugs."),
    ("substances", Substances.ALCOHOL): _("It focuses on alcohol."),
    ("substances", Substances.DRUGS): _("It focuses on drugs."),
    ("substances", Substances.ANY): _("It welcomes people whatever the substance or behaviour."),
    ("basis", SpiritualBasis.SPIRITUAL): _("It is spiritual: a higher power of your own understanding."),
    ("basis", SpiritualBasis.RELIGIOUS): _("It is religious."),
    ("basis", SpiritualBasis.SECULAR): _("It is secular: no higher power is involved."),
    ("medication", Medication.WELCOMING): _(
        "It explicitly welcomes people taking prescribed medication, including medication for addiction treatment."
    ),
    ("medication", Medication.INDIVIDUAL_CHOICE): _(
        "It takes no position on medication: that is between a person and their doctor."
    ),
    ("medication", Medication.VARIES): _(
        "Its official stance is neutral and welcome varies from meeting to meeting, "
        "so only its meetings marked medication-friendly are shown."
    ),
    ("gender", GenderFocus.WOMEN): _("It is for women."),
    ("gender", GenderFocus.MEN): _("It is for men."),
    ("gender", GenderFocus.EVERYONE): _("It is open to everyone."),
    ("gender_meetings", "women"): _("It is open to everyone and has women-only meetings; only those are shown."),
    ("gender_meetings", "men"): _("It is open to everyone and has men-only meetings; only those are shown."),
    ("attendance", "online"): _("It has meetings online."),
    ("attendance", "in_person"): _("It has meetings in person."),
}

# Program values that fit each answer.
FITS = {
    ("who", "self"): ("audience", [Audience.RECOVERY]),
    ("who", "family"): ("audience", [Audience.FAMILY]),
    ("substances", "alcohol"): ("substances", [Substances.ALCOHOL, Substances.ANY]),
    ("substances", "drugs"): ("substances", [Substances.DRUGS, Substances.ANY]),
    ("basis", "spiritual"): ("spiritual_basis", [SpiritualBasis.SPIRITUAL, SpiritualBasis.RELIGIOUS]),
    ("basis", "secular"): ("spiritual_basis", [SpiritualBasis.SECULAR]),
    # A program whose welcome "varies" fits only through its meetings marked medication-friendly.
    ("medication", "yes"): ("medication", [Medication.WELCOMING, Medication.INDIVIDUAL_CHOICE, Medication.VARIES]),
    # A program for everyone fits only through its women-only (or men-only) meetings.
    ("gender", "women"): ("gender_focus", [GenderFocus.WOMEN, GenderFocus.EVERYONE]),
    ("gender", "men"): ("gender_focus", [GenderFocus.MEN, GenderFocus.EVERYONE]),
}
# Hybrid meetings count as both in person and online.
ATTENDANCE = {
    "online": [Attendance.ONLINE, Attendance.HYBRID],
    "in_person": [Attendance.IN_PERSON, Attendance.HYBRID],
}
SOONEST = 3
# Meetings ranked per program by the database, before the exact (DST-aware) order is computed; the
# margin covers a DST change in the coming week, which moves a zone's meetings by an hour.
CANDIDATES = 12
DAY, WEEK = 24 * 60, 7 * 24 * 60


def _has_type(code):
    through = Meeting.types.through
    return Exists(through.objects.filter(meeting_id=OuterRef("pk"), meetingtype__code=code))


def _meeting_conditions(program, answers):
    """What a program's meetings must also be for it to fit, as (Q, reason) pairs."""
    conditions = []
    if answers.get("medication") == "yes" and program.medication == Medication.VARIES:
        conditions.append((_has_type("medication-friendly"), None))
    gender = answers.get("gender")
    if gender in ("women", "men") and program.gender_focus == GenderFocus.EVERYONE:
        conditions.append((_has_type(gender), REASONS[("gender_meetings", gender)]))
    attendance = answers.get("attendance")
    if attendance in ATTENDANCE:
        conditions.append((Q(attendance__in=ATTENDANCE[attendance]), REASONS[("attendance", attendance)]))
    return conditions


def _program_reasons(program, answers):
    reasons = []
    for question, field in (("who", "audience"), ("substances", "substances"), ("basis", "spiritual_basis")):
        if answers.get(question) not in ("", None, "either", "any"):
            reasons.append(REASONS[(question, getattr(program, field))])
    if answers.get("medication") == "yes":
        reasons.append(REASONS[("medication", program.medication)])
    if answers.get("gender") in ("women", "men") and program.gender_focus != GenderFocus.EVERYONE:
        reasons.append(REASONS[("gender", program.gender_focus)])
    return reasons


def _soonest_starts(fitting, *, now):
    """{meeting pk: next start} for the SOONEST fitting meetings of each program, in two queries.

    The database ranks each program's meetings by minutes until their next start, using each zone's
    offset from UTC right now (one CASE branch per zone in use); Python then computes the exact next
    start, across any DST change, of the CANDIDATES best-ranked per program and keeps the soonest.
    """
    meetings = Meeting.objects.active().filter(fitting).order_by()
    names = set(meetings.values_list("timezone", flat=True).distinct())
    zones = {name: zone for name in names if (zone := get_zone(name)) is not None}
    if not zones:
        return {}
    offsets = [
        When(timezone=name, then=Value(int(now.astimezone(zone).utcoffset().total_seconds() // 60)))
        for name, zone in zones.items()
    ]
    utc = now.astimezone(UTC)
    utc_minute = sunday_weekday(utc) * DAY + utc.hour * 60 + utc.minute
    local_minute = F("weekday") * DAY + ExtractHour("start_time") * 60 + ExtractMinute("start_time")
    # Two weeks added keep the dividend positive: a local minute minus an offset of up to +14 hours
    # minus the current minute is never below minus two weeks.
    delay = Mod(local_minute - Case(*offsets, default=Value(0)) - utc_minute + 2 * WEEK, WEEK)
    ranked = meetings.filter(timezone__in=zones).annotate(
        rank=Window(RowNumber(), partition_by=F("program_id"), order_by=[delay.asc(), F("pk").asc()])
    )
    starts = {}
    for pk, program_id, weekday, start_time, zone_name in ranked.filter(rank__lte=CANDIDATES).values_list(
        "pk", "program_id", "weekday", "start_time", "timezone"
    ):
        starts.setdefault(program_id, []).append((next_start(weekday, start_time, zones[zone_name], now), pk))
    return {pk: start for items in starts.values() for start, pk in sorted(items)[:SOONEST]}


def find_programs(answers, *, now):
    """Programs that fit the finder's answers, each with why it fits and its next meetings.

    A fixed number of queries whatever the number of programs or meetings: the programs, the zones and
    the best-ranked start times of their fitting meetings, and the soonest few for display (with types).
    """
    programs = Program.objects.order_by("name")
    for question, answer in answers.items():
        if (question, answer) in FITS:
            field, values = FITS[(question, answer)]
            programs = programs.filter(**{f"{field}__in": values})
    programs = list(programs)

    matches, fitting = [], Q(pk__in=[])
    for program in programs:
        conditions = _meeting_conditions(program, answers)
        query = Q(program=program)
        for condition, _reason in conditions:
            query &= condition
        fitting |= query
        reasons = _program_reasons(program, answers) + [reason for _c, reason in conditions if reason]
        matches.append({"program": program, "reasons": reasons, "needs_meetings": bool(conditions), "meetings": []})

    soonest = _soonest_starts(fitting, now=now) if programs else {}
    loaded = Meeting.objects.filter(pk__in=soonest).for_display() if soonest else []
    by_program = {}
    for meeting in sorted(loaded, key=lambda meeting: soonest[meeting.pk]):
        meeting.next_start = soonest[meeting.pk]
        by_program.setdefault(meeting.program_id, []).append(meeting)
    for match in matches:
        match["meetings"] = by_program.get(match["program"].pk, [])
    # A program that fits only through some of its meetings is shown only if it has such meetings.
    return [match for match in matches if match["meetings"] or not match["needs_meetings"]]
