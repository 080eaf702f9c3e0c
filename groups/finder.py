"""The program finder: plain questions, the programs that fit the answers, why, and their soonest meetings."""

from datetime import timedelta

from django import forms
from django.core.cache import cache
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, Window
from django.db.models.functions import RowNumber
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from core import places
from core.geo import KM_PER_MILE
from core.time import clock, get_zone, next_start, validate_timezone, zone_city
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
            ("teen", _("For a teenager affected by someone else's drinking (Alateen)")),
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
        choices=[("in_person", _("In person")), ("online", _("Online only")), ("either", _("Either"))],
        required=False,
        widget=forms.RadioSelect,
    )
    near = forms.CharField(
        label=_("Where is the person? (city or US ZIP code)"),
        help_text=_("Meetings in person are looked for near this place; leave it empty for online meetings only."),
        max_length=100,
        required=False,
    )
    # The time zone of a person with no place given: the browser's (static/js/finder.js). With a place, the
    # place's zone is the person's, whoever fills in the form (a clinician may sit in another zone).
    tz = forms.CharField(label=_("Time zone"), max_length=64, required=False, validators=[], widget=forms.HiddenInput)

    # Questions asked with a choice of answers (the radio buttons); near and tz are drawn on their own.
    CHOICE_QUESTIONS = ("who", "substances", "basis", "medication", "gender", "attendance")

    def clean_tz(self):
        value = self.cleaned_data.get("tz", "")
        if value:
            try:
                validate_timezone(value)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("“%(value)s” is not a time zone we know. Leave it out, or use a name such as America/New_York."),
                    params={"value": value[:64]},
                ) from None
        return value

    def clean(self):
        data = super().clean()
        # The place is kept on the form (as on the search page), not in the answers.
        self.place = None
        if data.get("near"):
            self.place = places.resolve(data["near"])
            if self.place is None:
                self.add_error(
                    "near",
                    _("We could not find “%(place)s”. Try a US ZIP code or a city name.") % {"place": data["near"]},
                )
        return data

    @property
    def zone(self):
        """The person's zone: the place's (where the person is), else the one given (the browser's), else None."""
        data = getattr(self, "cleaned_data", {})
        place = getattr(self, "place", None)
        name = (place.timezone if place else "") or data.get("tz")
        return get_zone(name) if name else None


# Why a program fits, one plain sentence per matching answer, keyed by (question, program value).
REASONS = {
    ("who", Audience.RECOVERY): _("It is for people who want to change their own drinking or drug use."),
    ("who", Audience.FAMILY): _("It is for family and friends of someone who drinks or uses drugs."),
    ("who_teen", "alateen"): _("Its Alateen meetings are for teenagers; only those are shown."),
    ("substances", Substances.ALCOHOL): _("It focuses on alcohol."),
    ("substances", Substances.DRUGS): _("It focuses on drugs."),
    ("substances", Substances.ANY): _("It welcomes people whatever the substance or behaviour."),
    ("substances", Substances.ALCOHOL_AND_DRUGS): _("It is for alcohol and other drugs."),
    ("basis", SpiritualBasis.SPIRITUAL): _("It is spiritual: a higher power of your own understanding."),
    ("basis", SpiritualBasis.NON_THEISTIC): _("It is a spiritual practice without a higher power."),
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
    ("medication", Medication.RESTRICTED): _(
        "Its literature restricts members on medication (see the program's page), "
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
    # Alateen is part of Al-Anon: a family program fits through its meetings of the type "Alateen".
    ("who", "teen"): ("audience", [Audience.FAMILY]),
    ("substances", "alcohol"): ("substances", [Substances.ALCOHOL, Substances.ALCOHOL_AND_DRUGS, Substances.ANY]),
    ("substances", "drugs"): ("substances", [Substances.DRUGS, Substances.ALCOHOL_AND_DRUGS, Substances.ANY]),
    ("basis", "spiritual"): (
        "spiritual_basis",
        [SpiritualBasis.SPIRITUAL, SpiritualBasis.NON_THEISTIC, SpiritualBasis.RELIGIOUS],
    ),
    ("basis", "secular"): ("spiritual_basis", [SpiritualBasis.SECULAR]),
    # A program whose welcome "varies", or whose literature restricts members on medication, fits only through
    # its meetings marked medication-friendly.
    ("medication", "yes"): (
        "medication",
        [Medication.WELCOMING, Medication.INDIVIDUAL_CHOICE, Medication.VARIES, Medication.RESTRICTED],
    ),
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
TYPE_CODES = ("medication-friendly", "women", "men", "alateen")
# "Near" a place, as on the search page's default radius (25 miles).
NEAR_KM = 25 * KM_PER_MILE
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
    if answers.get("who") == "teen":
        codes.append("alateen")
        reasons.append(REASONS[("who_teen", "alateen")])
    if answers.get("medication") == "yes" and program.medication in (Medication.VARIES, Medication.RESTRICTED):
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
        if answers.get(question) not in ("", None, "either", "any", "teen"):
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


def where_to_meet(place):
    """The meetings a person can go to: near the place (as the search page's `near`) or online; online only
    without a place (a meeting in person somewhere else in the world is of no use)."""
    online = Q(attendance=Attendance.ONLINE)
    if place is None:
        return online
    return Q(pk__in=Meeting.objects.near(place, NEAR_KM).values("pk")) | online


def _label(meeting, zone):
    """When the meeting next starts, in the person's zone, and in its own when that differs (online meetings)."""
    start = meeting.next_start
    shown = start.astimezone(zone) if zone is not None else start
    meeting.when_label = f"{date_format(shown, 'l')} {clock(shown)} {shown.tzname()}"
    own = start.astimezone(meeting.zone)
    if zone is not None and own.utcoffset() != shown.utcoffset():
        meeting.own_label = f"{date_format(own, 'l')} {clock(own)} {own.tzname()} ({zone_city(meeting.timezone)})"
    else:
        meeting.own_label = ""


def _soonest_starts(wanted, type_ids, *, now, where=None):
    """{meeting pk: next start} for the SOONEST fitting meetings of each program, in one or two queries.

    `wanted` is {(type codes, attendances or None): [program ids]}. The database ranks the fitting meetings
    starting in the next WINDOW_HOURS (exactly, in each meeting's zone: search.clock.Clock), then all
    the fitting meetings of the programs with fewer than SOONEST there, by minutes until their next start
    from the indexed UTC minute of the week. Python then computes the exact next start, across any DST
    change, of the CANDIDATES best-ranked per program and keeps the soonest.
    """
    meetings = Meeting.objects.active().order_by()
    if where is not None:
        meetings = meetings.filter(where)
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


def find_programs(answers, *, now, where=None, zone=None):
    """Programs that fit the finder's answers, each with why it fits and its next meetings.

    `where` limits the meetings offered (where_to_meet()); their times are shown in `zone` when given.
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

    soonest = _soonest_starts(wanted, type_ids, now=now, where=where) if wanted else {}
    loaded = Meeting.objects.filter(pk__in=soonest).select_related("location").only(*MEETING_FIELDS).order_by()
    programs_by_id = {program.pk: program for program in programs}
    by_program = {}
    for meeting in sorted(loaded, key=lambda meeting: soonest[meeting.pk]):
        meeting.next_start = soonest[meeting.pk]
        meeting.program = programs_by_id[meeting.program_id]  # loaded already: not joined again per meeting
        _label(meeting, zone)
        by_program.setdefault(meeting.program_id, []).append(meeting)
    for match in matches:
        match["meetings"] = by_program.get(match["program"].pk, [])
    # The counts may be minutes old: a program whose fitting meetings have all gone since is not shown.
    return [match for match in matches if match["meetings"] or not match["needs_meetings"]]
