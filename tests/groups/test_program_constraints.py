import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from groups.models import Program
from tests.factories import make_program

pytestmark = pytest.mark.django_db


def test_it_refuses_a_recovery_program_without_an_abstinence_stance():
    program = make_program()
    with pytest.raises(IntegrityError) as caught, transaction.atomic():
        Program.objects.filter(pk=program.pk).update(abstinence="not-applicable")
    assert "program_recovery_abstinence_applies" in str(caught.value)
    program.abstinence = "not-applicable"
    with pytest.raises(ValidationError) as caught:
        program.full_clean()
    assert "abstinence" in caught.value.message_dict


def test_it_lists_unverified_facts_by_name():
    program = make_program(medication="unknown", gender_focus="unknown")
    assert [str(label) for label in program.unverified_facts] == ["Medication", "Who it is for"]
