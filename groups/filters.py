"""Filters over programs: the attribute filters the compare page (and any other program list) uses."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

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

# A comparison a person can read side by side (two columns on a phone, the rest a scroll away), and a
# bound on the work one request can ask for.
MAX_COMPARED = 6


class ProgramChoiceField(forms.ModelMultipleChoiceField):
    """Programs chosen by slug: too many is refused before the database is asked about any of them."""

    def clean(self, value):
        if value and len(value) > MAX_COMPARED:
            raise ValidationError(
                ngettext_lazy(
                    "Choose at most %(most)d program to compare (you chose %(count)d).",
                    "Choose at most %(most)d programs to compare (you chose %(count)d).",
                    "most",
                ),
                code="too_many",
                params={"most": MAX_COMPARED, "count": len(value)},
            )
        return super().clean(value)


class ProgramMultipleChoiceFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = ProgramChoiceField


class ProgramFilter(django_filters.FilterSet):
    """The programs a clinician is weighing, and program attributes, each optional, from the model's choices."""

    program = ProgramMultipleChoiceFilter(
        field_name="slug",
        to_field_name="slug",
        queryset=Program.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        label=_("Programs to compare"),
        error_messages={
            "invalid_choice": _("We do not know the program “%(value)s”. Choose programs from the list."),
            "invalid_pk_value": _("We do not know the program “%(pk)s”. Choose programs from the list."),
        },
    )
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
    substances = django_filters.ChoiceFilter(choices=Substances.choices, label=_("Substances"), empty_label=_("Any"))

    class Meta:
        model = Program
        fields = ["program", "approach", "spiritual_basis", "abstinence", "medication", "gender_focus", "audience"]
