"""Filters over programs: the attribute filters the compare page (and any other program list) uses."""

import django_filters
from django.utils.translation import gettext_lazy as _

from groups.models import Abstinence, Approach, Audience, GenderFocus, Medication, Program, SpiritualBasis


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
