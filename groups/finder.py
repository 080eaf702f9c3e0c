"""The program finder: plain questions, the programs that fit the answers, why, and their soonest meetings."""

from datetime import timedelta

from django import forms
from django.core.cache import cache
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, Window
from django.db.models.functions import RowNumber
from django.utils.translation import gettext_lazy as _

from core.time import get_zone, next_start
from groups.models import (
    MEETING_COUNTS_SECONDS,
    Audience,
    GenderFocus,
    Medication,
    Program,
    SpiritualBasis,
    Substances,
)
from meetings.models import Attendance, Meeting, MeetingType
from meetings.querysets import has_type
from search.clock import Clock


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
# Meeting types an answer can ask a program's meetings to have.
TYPE_CODES = ("medication-friendly", "women", "men")
SOONEST = 3
# Meetings ranked per program by the database, before the exact (DST-aware) order is computed; the
# margin covers a DST change in the coming week, which moves a zone's meetings by an hour.
CANDIDATES = 12
# The soonest meetings are looked for in the next few hours first: one short range of the covering index on
# utc_start, where ranking every fitting meeting of the week reads up to all of them. Only programs with
# fewer than SOONEST there are ranked over the week, which reads all their meetings: cheap for a small
# program. Longer windows cost more than they saved (docs/performance.md, "Measurements behind the code").
WINDOW_HOURS = 6
# How many active meetings each program has of each kind the answers ask about, kept as long as the
# program counts (groups.models.MEETING_COUNTS_SECONDS): a program with none is not looked for at all
# (for a large program, finding that it has none read all its meetings). So a program's first fitting
# meeting can take that long to make it fit; the meetings shown are always read live.
FIT_COUNTS_KEY = "finder-fit-counts"
# What a soonest meeting shows (templates/groups/finder.html), and nothing else. (A field the template
# starts to show and this lacks costs a query per meeting: tests/groups/test_finder.py pins the queries.)
MEETING_FIELDS = (
    *("name", "slug", "weekday", "start_time", "end_time", "timezone", "attendance", "program"),
    *("location__name", "location__city"),
)


def _meeting_needs(program, answers):
    """What a program's meetings must also be for it to fit: (type codes, attendances or None, reasons)."""
    codes, attendance, reasons = [], None, []
    if answers.get("medication") == "yes" and program.medication == Medication.VARIES:
        codes.append("medication-friendly")
    gender = answers.get("gender")
    if gender in ("women", "men") and program.gender_focus == GenderFocus.EVERYONE:
        codes.append(gender)
        reasons.append(REASONS[("gender_meetings", gender)])
    answer = answers.get("attendance")
    if answer in ATTENDANCE:
        attendance = tuple(ATTENDANCE[answer])
        reasons.append(REASONS[("attendance", answer)])
    return tuple(codes), attendance, reasons


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


def _fit_counts():
    """({type code: id}, {program id: [(attendance, frozenset of the TYPE_CODES it has, active meetings)]})."""
    return cache.get_or_set(FIT_COUNTS_KEY, _count_fits, MEETING_COUNTS_SECONDS)


def _count_fits():
    type_ids = dict(MeetingType.objects.filter(code__in=TYPE_CODES).values_list("code", "pk"))
    names = {code.replace("-", "_"): code for code in type_ids}
    flags = {name: ExpressionWrapper(has_type(type_ids[code]), BooleanField()) for name, code in names.items()}
    # One grouped query (a few hundred rows), answered from the covering index of listed meetings.
    rows = Meeting.objects.active().order_by().annotate(**flags).values("program_id", "attendance", *names)
    counts = {}
    for row in rows.annotate(n=Count("*")):
        has = frozenset(code for name, code in names.items() if row[name])
        counts.setdefault(row["program_id"], []).append((row["attendance"], has, row["n"]))
    return type_ids, counts


def _fitting(wanted, type_ids):
    """Meetings fitting `wanted`: {(type codes, attendances or None): [program ids]}."""
    condition = Q(pk__in=[])
    for (codes, attendance), program_ids in wanted.items():
        fits = Q(program_id__in=program_ids)
        for code in codes:
            fits &= has_type(type_ids[code])
        if attendance is not None:
            fits &= Q(attendance__in=attendance)
        condition |= fits
    return condition


def _ranked(meetings, clock):
    """{program id: [(pk, weekday, start_time, zone name)]}: each program's CANDIDATES soonest by the index."""
    ranked = meetings.annotate(
        rank=Window(RowNumber(), partition_by=F("program_id"), order_by=[clock.minutes_until().asc(), F("pk").asc()])
    )
    candidates = {}
    for pk, program_id, weekday, start_time, zone_name in ranked.filter(rank__lte=CANDIDATES).values_list(
        "pk", "program_id", "weekday", "start_time", "timezone"
    ):
        candidates.setdefault(program_id, []).append((pk, weekday, start_time, zone_name))
    return candidates


def _soonest_starts(wanted, type_ids, *, now):
    """{meeting pk: next start} for the SOONEST fitting meetings of each program, in one or two queries.

    `wanted` is {(type codes, attendances or None): [program ids]}. The database ranks the fitting meetings
    starting in the next WINDOW_HOURS (exactly, in each meeting's zone: search.clock.Clock), then all
    the fitting meetings of the programs with fewer than SOONEST there, by minutes until their next start
    from the indexed UTC minute of the week. Python then computes the exact next start, across any DST
    change, of the CANDIDATES best-ranked per program and keeps the soonest.
    """
    meetings = Meeting.objects.active().order_by()
    # From a minute before now: the window starts after the clock's minute, and a meeting starting at
    # `now` itself is next (next_start); one that started seconds ago only takes a candidate's place.
    clock = Clock.at(now - timedelta(minutes=1), WINDOW_HOURS)
    window = clock.starting_within(WINDOW_HOURS)
    candidates = _ranked(meetings.filter(_fitting(wanted, type_ids) & window), clock)
    short = {}
    for needs, program_ids in wanted.items():
        if few := [pk for pk in program_ids if len(candidates.get(pk, ())) < SOONEST]:
            short[needs] = few
    if short:
        candidates.update(_ranked(meetings.filter(_fitting(short, type_ids)), clock))
    starts = {}
    for program_candidates in candidates.values():
        exact = sorted(
            (next_start(weekday, start_time, zone, now), pk)
            for pk, weekday, start_time, zone_name in program_candidates
            if (zone := get_zone(zone_name)) is not None
        )
        starts.update((pk, start) for start, pk in exact[:SOONEST])
    return starts


def find_programs(answers, *, now):
    """Programs that fit the finder's answers, each with why it fits and its next meetings.

    A fixed number of queries whatever the number of programs or meetings: the programs, the counts of
    fitting meetings (cached: two queries every few minutes), the best-ranked start times of fitting
    meetings (in the next hours, then over the week for programs with few), and the soonest few to show.
    """
    programs = Program.objects.order_by("name")
    for question, answer in answers.items():
        if (question, answer) in FITS:
            field, values = FITS[(question, answer)]
            programs = programs.filter(**{f"{field}__in": values})
    programs = list(programs)
    if not programs:
        return []
    type_ids, counts = _fit_counts()

    matches, wanted = [], {}
    for program in programs:
        codes, attendance, reasons = _meeting_needs(program, answers)
        needs_meetings = bool(codes) or attendance is not None
        fits = sum(
            n
            for kind, has, n in counts.get(program.pk, ())
            if has.issuperset(codes) and (attendance is None or kind in attendance)
        )
        # A program that fits only through some of its meetings is shown only if it has such meetings.
        if needs_meetings and not fits:
            continue
        if fits:
            wanted.setdefault((codes, attendance), []).append(program.pk)
        reasons = _program_reasons(program, answers) + reasons
        matches.append({"program": program, "reasons": reasons, "needs_meetings": needs_meetings, "meetings": []})

    soonest = _soonest_starts(wanted, type_ids, now=now) if wanted else {}
    loaded = Meeting.objects.filter(pk__in=soonest).select_related("location").only(*MEETING_FIELDS).order_by()
    programs_by_id = {program.pk: program for program in programs}
    by_program = {}
    for meeting in sorted(loaded, key=lambda meeting: soonest[meeting.pk]):
        meeting.next_start = soonest[meeting.pk]
        meeting.program = programs_by_id[meeting.program_id]  # loaded already: not joined again per meeting
        by_program.setdefault(meeting.program_id, []).append(meeting)
    for match in matches:
        match["meetings"] = by_program.get(match["program"].pk, [])
    # The counts may be minutes old: a program whose fitting meetings have all gone since is not shown.
    return [match for match in matches if match["meetings"] or not match["needs_meetings"]]
