"""The one FilterSet of meeting search, shared by the search page and its JSON API."""

import copy
import functools
from datetime import time, timedelta

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import places
from core.geo import KM_PER_MILE
from core.time import validate_timezone
from groups.models import Abstinence, Approach, Audience, GenderFocus, Medication, SpiritualBasis
from meetings.models import Attendance, Weekday
from search import vocabulary
from search.clock import Clock, intersect_pieces, time_of_day_q

MAX_RADIUS = 500  # km or miles: wider than a metro area is not "near"
DEFAULT_RADIUS = 25
MAX_HOURS = 24
# How many values a repeated parameter may hold: a visitor ticks a few boxes, a longer list is a script. It is
# answered with the form's error (400); no value is looked up in the database (see `program` below).
MAX_PROGRAMS = 30  # the directory has 22; ticking every one is the same as ticking none
MAX_TYPES = 20  # "all must match", and a meeting has a handful of types (at most 7 in generated data)
MAX_DAYS = 8  # "today" and the seven days of the week


def max_values(limit):
    """A validator of a list of chosen values: at most `limit` of them."""

    def validate(values):
        if isinstance(values, list | tuple) and len(values) > limit:
            raise ValidationError(
                _("Choose at most %(limit)d (%(count)d were chosen)."),
                code="max_values",
                params={"limit": limit, "count": len(values)},
            )

    return validate


def _choices(*pairs):
    """Fixed choices as a function: every search copies its filters and fields (copy.deepcopy), and a function
    is copied for nothing where a list of lazily translated labels was copied whole."""
    return lambda: list(pairs)


def _known(choices):
    """A program attribute's choices but "not verified", as a function (see _choices)."""
    return lambda: [(value, label) for value, label in choices.choices if value != "unknown"]


def validate_tz(value):
    if value:
        validate_timezone(value)


class MeetingSearchForm(forms.Form):
    # Place, radius, order and time zone are not filters of their own: MeetingFilter.filter_queryset() and
    # search.paging read them together. Plain fields, so a search copies only the filters it can apply.
    near = forms.CharField(label=_("Near (city or US ZIP code)"), max_length=100, required=False)
    lat = forms.DecimalField(
        label=_("Latitude"), min_value=-90, max_value=90, widget=forms.HiddenInput, required=False
    )
    lng = forms.DecimalField(
        label=_("Longitude"), min_value=-180, max_value=180, widget=forms.HiddenInput, required=False
    )
    include_online = forms.ChoiceField(
        label=_("Also online"), choices=_choices(("1", _("Near or online"))), required=False
    )
    radius = forms.DecimalField(label=_("Within"), min_value=0.1, max_value=MAX_RADIUS, required=False)
    unit = forms.ChoiceField(label=_("Unit"), choices=_choices(("mi", _("miles")), ("km", _("km"))), required=False)
    sort = forms.ChoiceField(
        label=_("Order"),
        choices=_choices(
            ("soonest", _("Soonest first")), ("distance", _("Nearest first")), ("day", _("By day and time"))
        ),
        required=False,
    )
    tz = forms.CharField(
        label=_("Your time zone"), max_length=64, validators=[validate_tz], widget=forms.HiddenInput, required=False
    )

    def clean(self):
        data = super().clean()
        # The place is kept on the form, not in cleaned_data, which django-filter maps to filters.
        self.place = self._place(data)
        if data.get("sort") == "distance" and not self.place and not self.errors.get("near"):
            self.add_error("sort", _("Sorting by distance needs a place or your location."))
        if data.get("include_online") and not self.place and not self.errors.get("near"):
            self.add_error("include_online", _("“Near or online” needs a place: type a city or ZIP code."))
        if data.get("starts_after") and data.get("starts_before") and data["starts_after"] > data["starts_before"]:
            self.add_error("starts_before", _("“Starts before” must be later than “starts after”."))
        return data

    def _place(self, data):
        # A typed place wins over coordinates: after "Use my location" the bar's form carries them, and a place
        # typed into the bar next is the visitor's newer choice.
        if data.get("near"):
            place = places.resolve(data["near"])
            if place is None:
                message = _("We could not find “%(place)s”. Try a US ZIP code or a city name.")
                self.add_error("near", message % {"place": data["near"]})
            return place
        lat, lng = data.get("lat"), data.get("lng")
        if "lat" in self.errors or "lng" in self.errors:
            return None  # its own error says what is wrong with it ("Enter a number", "at most 90")
        if (lat is None) != (lng is None):
            raise ValidationError(_("Give both latitude and longitude, or use a place name."))
        if lat is not None:
            return places.Place(_("your location"), float(lat), float(lng))
        return None


class MeetingFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Keyword"), method="filter_keyword", max_length=100)
    # Programs, types and languages are checked against the process's copy of the vocabularies
    # (search.vocabulary), not looked up in the database on every search.
    program = django_filters.MultipleChoiceFilter(
        label=_("Program"),
        choices=vocabulary.program_choices,
        method="filter_programs",
        widget=forms.CheckboxSelectMultiple,
        validators=[max_values(MAX_PROGRAMS)],
    )
    approach = django_filters.ChoiceFilter(
        label=_("Approach"), field_name="program__approach", choices=_known(Approach)
    )
    spiritual_basis = django_filters.ChoiceFilter(
        label=_("Spiritual basis"), field_name="program__spiritual_basis", choices=_known(SpiritualBasis)
    )
    abstinence = django_filters.ChoiceFilter(
        label=_("Abstinence"), field_name="program__abstinence", choices=_known(Abstinence)
    )
    medication = django_filters.ChoiceFilter(
        label=_("Program's medication stance"), field_name="program__medication", choices=_known(Medication)
    )
    gender_focus = django_filters.ChoiceFilter(
        label=_("Program for"), field_name="program__gender_focus", choices=_known(GenderFocus)
    )
    audience = django_filters.ChoiceFilter(
        label=_("Audience"), field_name="program__audience", choices=Audience.choices
    )
    attendance = django_filters.ChoiceFilter(
        label=_("Attend"),
        method="filter_attendance",
        choices=_choices(
            (Attendance.IN_PERSON, _("In person (includes hybrid)")),
            (Attendance.ONLINE, _("Online (includes hybrid)")),
            (Attendance.HYBRID, _("Hybrid only")),
        ),
    )
    day = django_filters.MultipleChoiceFilter(
        label=_("Day"),
        method="filter_day",
        widget=forms.CheckboxSelectMultiple,
        choices=_choices(("today", _("Today")), *((str(value), label) for value, label in Weekday.choices)),
        validators=[max_values(MAX_DAYS)],
    )
    time_of_day = django_filters.ChoiceFilter(
        label=_("Time of day"),
        method="filter_time_of_day",
        choices=_choices(
            ("morning", _("Morning")), ("midday", _("Midday")), ("evening", _("Evening")), ("night", _("Night"))
        ),
    )
    starts_after = django_filters.TimeFilter(label=_("Starts at or after"), field_name="start_time", lookup_expr="gte")
    starts_before = django_filters.TimeFilter(
        label=_("Starts at or before"), field_name="start_time", lookup_expr="lte"
    )
    # The quick choices of the filter bar: each a named condition in each meeting's own zone (WHEN below).
    when = django_filters.ChoiceFilter(
        label=_("When"),
        method="filter_when",
        choices=_choices(
            ("now", _("Now")),
            ("later_today", _("Later today")),
            ("tonight", _("Tonight")),
            ("tomorrow_morning", _("Tomorrow morning")),
        ),
    )
    now = django_filters.NumberFilter(
        label=_("In progress or starting within (hours)"), method="filter_now", min_value=0, max_value=MAX_HOURS
    )
    type = django_filters.MultipleChoiceFilter(
        label=_("Meeting types (all must match)"),
        choices=vocabulary.type_choices,
        method="filter_types",
        widget=forms.CheckboxSelectMultiple,
        validators=[max_values(MAX_TYPES)],
    )
    language = django_filters.ChoiceFilter(
        label=_("Language"), choices=vocabulary.language_choices, method="filter_types", empty_label=None
    )

    class Meta:
        form = MeetingSearchForm
        fields = []

    def __init__(self, data=None, *args, now=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.now = now or timezone.now()
        # The pieces of the week (search.clock.week_pieces) where every match starts, when a time filter
        # says so: soonest first then reads only those (search.paging).
        self.window = None

    @property
    def visitor_tz(self):
        """The zone the visitor's times are shown in: `tz` when given, else the place's zone ("your time")."""
        data = self.form.cleaned_data
        place = self.place
        return data.get("tz") or (place.timezone if place is not None else "")

    def get_form_class(self):
        """The search form's class, built once: django-filter builds a class and all 25 of its fields anew for
        every search (the form still copies its fields for each search, as every Django form does)."""
        return _form_class(type(self))

    @property
    def place(self):
        return getattr(self.form, "place", None) if self.is_valid() else None

    @property
    def radius_km(self):
        data = self.form.cleaned_data
        radius = float(data.get("radius") or DEFAULT_RADIUS)
        return radius if data.get("unit") == "km" else radius * KM_PER_MILE

    @property
    def order(self):
        """ "soonest" (the default), "distance" (with a place) or "day"."""
        return self.form.cleaned_data.get("sort") or "soonest"

    def filter_queryset(self, queryset):
        # django-filter's loop over the filters (its own goes over every cleaned field, and the place, order and
        # zone fields of the form are no filters: they are read here and in search.paging).
        data = self.form.cleaned_data
        for name, filter_ in self.filters.items():
            queryset = filter_.filter(queryset, data.get(name))
        place = self.place
        if place is None:
            return queryset
        if self.form.cleaned_data.get("include_online"):
            return queryset.near_or_online(place, self.radius_km)
        return queryset.near(place, self.radius_km)

    @property
    def includes_online(self):
        """Whether a place's search also holds every online meeting ("near or online")."""
        return self.place is not None and bool(self.form.cleaned_data.get("include_online"))

    def filter_keyword(self, queryset, name, value):
        return queryset.matching(value)

    def filter_programs(self, queryset, name, slugs):
        # By id, not by slug through a join: the id is in the clock index that soonest first reads.
        ids = vocabulary.program_ids_by_slug()
        return queryset.filter(program__in=[ids[slug] for slug in slugs if slug in ids])

    def filter_types(self, queryset, name, codes):
        ids = vocabulary.type_ids_by_code()
        chosen = [codes] if isinstance(codes, str) else codes  # `language` gives one, `type` several
        return queryset.having_types([ids[code] for code in chosen if code in ids])

    def filter_attendance(self, queryset, name, value):
        if value == Attendance.HYBRID:
            return queryset.filter(attendance=Attendance.HYBRID)
        return queryset.filter(attendance__in=[value, Attendance.HYBRID])

    def filter_day(self, queryset, name, values):
        days = [int(value) for value in values if value != "today"]
        if "today" not in values:
            return queryset.filter(weekday__in=days)
        clock = Clock.at(self.now)
        if days:
            return queryset.filter(clock.today() | Q(weekday__in=days))
        self._narrow(clock.today_window())
        return queryset.filter(clock.today())

    def filter_when(self, queryset, name, value):
        condition, window = WHEN[value](self.now)
        self._narrow(window)
        return queryset.filter(condition)

    def filter_time_of_day(self, queryset, name, value):
        return queryset.filter(time_of_day_q(value))

    def filter_now(self, queryset, name, value):
        hours = float(value)
        clock = Clock.at(self.now, hours)
        self._narrow(clock.current_or_upcoming_window(hours))
        return queryset.filter(clock.current_or_upcoming(hours))

    def _narrow(self, pieces):
        self.window = intersect_pieces(self.window, pieces)


def _now(now):
    """In progress, or starting within the hour."""
    clock = Clock.at(now, 1)
    return clock.current_or_upcoming(1), clock.current_or_upcoming_window(1)


def _later_today(now):
    """In progress, or starting later today where the meeting is."""
    clock = Clock.at(now, 24)
    return clock.today() & clock.current_or_upcoming(24), clock.today_window()


def _tonight(now):
    """Later today, starting from 5 p.m. where the meeting is (or in progress from then)."""
    condition, window = _later_today(now)
    return condition & Q(start_time__gte=TONIGHT_FROM), window


def _tomorrow_morning(now):
    """Tomorrow where the meeting is, in the morning."""
    clock = Clock.at(now + timedelta(days=1))
    return clock.today() & time_of_day_q("morning"), clock.today_window()


TONIGHT_FROM = time(17, 0)
# The quick choices of "when": (condition, pieces of the week where every match starts).
WHEN = {"now": _now, "later_today": _later_today, "tonight": _tonight, "tomorrow_morning": _tomorrow_morning}


@functools.cache
def _form_class(filterset_class):
    """What FilterSet.get_form_class() builds, from copies of the class's filters (every one of which has a
    label): a filter keeps the field it made, and each search deep-copies the class's filters."""
    filters = copy.deepcopy(filterset_class.base_filters)
    fields = {name: filter_.field for name, filter_ in filters.items()}
    return type(f"{filterset_class.__name__}Form", (filterset_class._meta.form,), fields)
