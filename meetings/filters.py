"""The one FilterSet of meeting search, shared by the search page, the JSON API and the feeds."""

import copy
from functools import cache

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groups.models import Abstinence, Approach, Audience, GenderFocus, Medication, Program, SpiritualBasis
from meetings import geo, keywords, search, search_state
from meetings.models import Attendance, Meeting, MeetingType, Weekday, has_type, validate_timezone

MAX_RADIUS = 500  # km or miles: wider than a metro area is not "near"
MAX_HOURS = 24
# How many values a repeated parameter may hold: a visitor ticks a few boxes, a longer list is a script. Each
# is checked before any value is looked up, and answered with the form's error (400).
MAX_PROGRAMS = 30  # the directory has 19; ticking every one is the same as ticking none
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


def _choices_without_unknown(choices):
    return [(value, label) for value, label in choices if value != "unknown"]


class MeetingSearchForm(forms.Form):
    def clean(self):
        data = super().clean()
        lat, lng = data.get("lat"), data.get("lng")
        if (lat is None) != (lng is None):
            raise ValidationError(_("Give both latitude and longitude, or use a place name."))
        # The resolved place lives on the form, not in cleaned_data, which django-filter maps to filters.
        self.place = None
        if lat is not None:
            self.place = geo.Place(_("your location"), float(lat), float(lng))
        elif data.get("near"):
            self.place = geo.resolve_place(data["near"])
            if self.place is None:
                self.add_error(
                    "near",
                    _("We could not find “%(place)s”. Try a US ZIP code or a city name.") % {"place": data["near"]},
                )
        if data.get("sort") == "distance" and not self.place and not self.errors.get("near"):
            self.add_error("sort", _("Sorting by distance needs a place or your location."))
        if data.get("starts_after") and data.get("starts_before") and data["starts_after"] > data["starts_before"]:
            self.add_error("starts_before", _("“Starts before” must be later than “starts after”."))
        return data


def validate_tz(value):
    if value:
        validate_timezone(value)


class EmptyListModelMultipleChoiceField(django_filters.fields.ModelMultipleChoiceField):
    """Nothing chosen cleans to [] instead of Django's queryset.none().

    django-filter tests a value's truth to skip an unused filter, and the truth of even an empty QuerySet
    compiles its SQL: about a millisecond per search for the program and type filters.
    """

    def __init__(self, *args, known=None, **kwargs):
        # known(): {value: instance} of the choices, from a copy kept in the process (search_state), so a
        # search choosing a program or a type is cleaned without a query; a value not found there is
        # looked up in the database all the same (a choice added a moment ago, or a bad one).
        self.known = known
        super().__init__(*args, **kwargs)

    def clean(self, value):
        if not self.required and not value:
            return []
        # The cap on how many (max_values) before any value is looked up; Django runs it again after.
        self.run_validators(value)
        return super().clean(value)

    def _check_values(self, value):
        if self.known is None or not isinstance(value, list | tuple):
            return super()._check_values(value)
        known, wanted = self.known(), set()
        for key in value:
            if not isinstance(key, str) or key not in known:
                return super()._check_values(value)
            wanted.add(key)
        return [instance for key, instance in known.items() if key in wanted]


class ModelMultipleChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = EmptyListModelMultipleChoiceField


def _copy_field(field):
    """A form field as Field.__deepcopy__ copies it, except that choices are shared instead of deep-copied.

    Deep-copying every choice list (dozens of lazily translated labels) for every search was a large part of
    a search's time in Python. Nothing changes a field's choices per request, so sharing them is safe.
    """
    result = copy.copy(field)
    result.widget = copy.copy(field.widget)
    result.widget.attrs = field.widget.attrs.copy()
    result.error_messages = field.error_messages.copy()
    result.validators = field.validators[:]
    if getattr(field, "queryset", None) is not None:
        result.queryset = field.queryset.all()  # as ModelChoiceField.__deepcopy__ does
    return result


class _FieldsCopiedPerForm(dict):
    """A form class's base_fields, which each form copies (with copy.deepcopy) on creation: see _copy_field."""

    def __deepcopy__(self, memo):
        return {name: _copy_field(field) for name, field in self.items()}


class _FiltersCopiedPerSearch(dict):
    """A FilterSet's base_filters, which each FilterSet copies (with copy.deepcopy) on creation.

    A search sets only `model` and `parent` on its copies, so a shallow copy of each filter is enough; a
    deep copy also copied their querysets and choices.
    """

    def __deepcopy__(self, memo):
        copies = {}
        for name, filter_ in self.items():
            copied = copies[name] = copy.copy(filter_)
            if filter_.method is not None:
                copied.method = filter_.method  # a FilterMethod bound to the copy, whose parent is the search
        return copies


class MeetingFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Keyword"), method="filter_keyword", max_length=100)
    program = ModelMultipleChoiceFilter(
        label=_("Program"),
        queryset=Program.objects.order_by("name"),
        to_field_name="slug",
        field_name="program__slug",
        known=search_state.programs_by_slug,
        distinct=False,  # a meeting has one program: no duplicate rows to remove
        widget=forms.CheckboxSelectMultiple,
        validators=[max_values(MAX_PROGRAMS)],
    )
    approach = django_filters.ChoiceFilter(
        label=_("Approach"), field_name="program__approach", choices=_choices_without_unknown(Approach.choices)
    )
    spiritual_basis = django_filters.ChoiceFilter(
        label=_("Spiritual basis"),
        field_name="program__spiritual_basis",
        choices=_choices_without_unknown(SpiritualBasis.choices),
    )
    abstinence = django_filters.ChoiceFilter(
        label=_("Abstinence"), field_name="program__abstinence", choices=_choices_without_unknown(Abstinence.choices)
    )
    medication = django_filters.ChoiceFilter(
        label=_("Program's medication stance"),
        field_name="program__medication",
        choices=_choices_without_unknown(Medication.choices),
    )
    gender_focus = django_filters.ChoiceFilter(
        label=_("Program for"),
        field_name="program__gender_focus",
        choices=_choices_without_unknown(GenderFocus.choices),
    )
    audience = django_filters.ChoiceFilter(
        label=_("Audience"), field_name="program__audience", choices=Audience.choices
    )
    attendance = django_filters.ChoiceFilter(
        label=_("Attend"),
        method="filter_attendance",
        choices=[
            (Attendance.IN_PERSON, _("In person (includes hybrid)")),
            (Attendance.ONLINE, _("Online (includes hybrid)")),
            (Attendance.HYBRID, _("Hybrid only")),
        ],
    )
    day = django_filters.MultipleChoiceFilter(
        label=_("Day"),
        method="filter_day",
        widget=forms.CheckboxSelectMultiple,
        choices=[("today", _("Today"))] + [(str(value), label) for value, label in Weekday.choices],
        validators=[max_values(MAX_DAYS)],
    )
    time_of_day = django_filters.ChoiceFilter(
        label=_("Time of day"),
        method="filter_time_of_day",
        choices=[("morning", _("Morning")), ("midday", _("Midday")), ("evening", _("Evening")), ("night", _("Night"))],
    )
    starts_after = django_filters.TimeFilter(label=_("Starts at or after"), field_name="start_time", lookup_expr="gte")
    starts_before = django_filters.TimeFilter(
        label=_("Starts at or before"), field_name="start_time", lookup_expr="lte"
    )
    now = django_filters.NumberFilter(
        label=_("In progress or starting within (hours)"), method="filter_now", min_value=0, max_value=MAX_HOURS
    )
    near = django_filters.CharFilter(label=_("Near (city or US ZIP code)"), method="skip", max_length=100)
    lat = django_filters.NumberFilter(method="skip", min_value=-90, max_value=90, widget=forms.HiddenInput)
    lng = django_filters.NumberFilter(method="skip", min_value=-180, max_value=180, widget=forms.HiddenInput)
    radius = django_filters.NumberFilter(label=_("Within"), method="skip", min_value=0.1, max_value=MAX_RADIUS)
    unit = django_filters.ChoiceFilter(
        label=_("Unit"), method="skip", choices=[("mi", _("miles")), ("km", _("km"))], empty_label=None
    )
    type = ModelMultipleChoiceFilter(
        label=_("Meeting types (all must match)"),
        method="filter_types",
        to_field_name="code",
        queryset=MeetingType.objects.exclude(category=MeetingType.Category.LANGUAGE),
        known=search_state.types_by_code,
        widget=forms.CheckboxSelectMultiple,
        validators=[max_values(MAX_TYPES)],
    )
    language = django_filters.ModelChoiceFilter(
        label=_("Language"),
        method="filter_types",
        to_field_name="code",
        queryset=MeetingType.objects.filter(category=MeetingType.Category.LANGUAGE).order_by("name"),
    )
    sort = django_filters.ChoiceFilter(
        label=_("Order"),
        method="skip",
        empty_label=None,
        choices=[("soonest", _("Soonest first")), ("distance", _("Nearest first")), ("day", _("By day and time"))],
    )
    tz = django_filters.CharFilter(
        label=_("Your time zone"), method="skip", max_length=64, validators=[validate_tz], widget=forms.HiddenInput
    )

    class Meta:
        form = MeetingSearchForm
        fields = []

    def __init__(self, data=None, *args, now=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.now = now or timezone.now()
        # Pieces of the week (search.week_pieces) outside which no match starts, when a time filter says so.
        self.utc_window = None

    @classmethod
    @cache
    def form_class(cls):
        """The search form's class, made once (django-filter makes one per search, with new fields)."""
        for filter_ in cls.base_filters.values():
            filter_.model = Meeting  # as each search's copies get it, for labels the filters derive
        fields = {name: filter_.field for name, filter_ in cls.base_filters.items()}
        form_class = type(f"{cls.__name__}Form", (cls._meta.form,), fields)
        form_class.base_fields = _FieldsCopiedPerForm(form_class.base_fields)
        return form_class

    def get_form_class(self):
        return self.form_class()

    def skip(self, queryset, name, value):
        # Place, radius, order and time zone act together in filter_queryset().
        return queryset

    def filter_keyword(self, queryset, name, value):
        # Applied last, in filter_queryset(): see `keyword` there.
        self.keyword_text, self.keyword = value, keywords.keyword_condition(value)
        return queryset

    def filter_types(self, queryset, name, value):
        """Meetings having every chosen type (one type for `language`).

        Read from the meeting's own copy of its type ids (Meeting.type_ids), which the covering clock index
        also holds: no probe of the link table per candidate meeting.
        """
        for meeting_type in value if isinstance(value, list | tuple) else [value]:
            queryset = queryset.filter(has_type(meeting_type.pk))
        return queryset

    def filter_attendance(self, queryset, name, value):
        if value == Attendance.HYBRID:
            return queryset.filter(attendance=Attendance.HYBRID)
        return queryset.filter(attendance__in=[value, Attendance.HYBRID])

    def filter_day(self, queryset, name, values):
        condition = Q(pk__in=[])
        days = [int(v) for v in values if v != "today"]
        if days:
            condition |= Q(weekday__in=days)
        if "today" in values:
            condition |= search.today_q(self.now, search.meeting_zones())
            if not days:
                self._narrow(search.today_window(self.now, search.meeting_zones()))
        return queryset.filter(condition)

    def _narrow(self, pieces):
        """Keep what a time filter says of where its matches start (None: it does not say)."""
        self.utc_window = search.intersect_pieces(self.utc_window, pieces)

    def filter_time_of_day(self, queryset, name, value):
        return queryset.filter(search.time_of_day_q(value))

    def filter_now(self, queryset, name, value):
        self._narrow(search.now_window(self.now, float(value), search.meeting_zones()))
        return queryset.filter(search.now_q(self.now, float(value), search.meeting_zones()))

    @property
    def place(self):
        return getattr(self.form, "place", None) if self.is_valid() else None

    @property
    def radius_km(self):
        data = self.form.cleaned_data
        radius = float(data.get("radius") or 25)
        return radius * geo.KM_PER_MILE if data.get("unit", "mi") != "km" else radius

    def filter_queryset(self, queryset):
        """All filters, then the order; the keyword condition last.

        `before_keyword` is the same search, in the same order, without the keyword: for a word that matches
        many meetings, a page is read from it in order, checking the keyword on a few hundred rows only
        (search.page_ids with the per-row form of meetings.keywords); a rarer word is found by its indexes.
        """
        self.keyword = None
        ordered = self._filtered_and_ordered(super().filter_queryset(queryset))
        self.before_keyword = ordered
        return ordered if self.keyword is None else ordered.filter(self.keyword)

    def _filtered_and_ordered(self, queryset):
        place, data = self.place, self.form.cleaned_data
        if place is not None:
            queryset = (
                queryset.filter(geo.box_q(place.latitude, place.longitude, self.radius_km))
                .annotate(distance_km=geo.distance_expression(place.latitude, place.longitude))
                .filter(distance_km__lte=self.radius_km)
            )
        sort = self.sort = data.get("sort") or "soonest"
        if sort == "distance" and place is not None:
            return queryset.order_by("distance_km", "weekday", "start_time", "pk")
        if sort == "day":
            return queryset.order_by("weekday", "start_time", "name", "pk")
        return search.soonest_order(queryset, self.now, search.meeting_zones())


MeetingFilter.base_filters = _FiltersCopiedPerSearch(MeetingFilter.base_filters)
