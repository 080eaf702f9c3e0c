"""A search's programs and types are checked against the process's copy of the vocabularies, without a query;
a value that names nothing is refused."""

import pytest
from django.core.cache import cache
from django.http import QueryDict

from groups.models import Program
from meetings.models import Meeting, MeetingType
from search.filters import MeetingFilter
from search.vocabulary import TYPES_KEY
from tests.factories import make_program, make_type

pytestmark = pytest.mark.django_db


@pytest.fixture
def vocabulary():
    cache.clear()
    make_program(slug="aa", name="Alcoholics Anonymous")
    make_program(slug="na", name="Narcotics Anonymous")
    make_type(code="women", name="Women", category="audience")
    make_type(code="open", name="Open", category="format")
    make_type(code="spanish", name="Spanish", category="language")


def cleaned(query):
    filterset = MeetingFilter(QueryDict(query), queryset=Meeting.objects.listed())
    valid = filterset.is_valid()
    return valid, filterset.form.cleaned_data if valid else filterset.errors


def test_known_programs_and_types_are_cleaned_without_a_query(vocabulary, django_assert_num_queries):
    cleaned("program=aa")  # the process reads the vocabularies once
    with django_assert_num_queries(0):
        valid, data = cleaned("program=na&program=aa&type=women&type=open")
    assert valid
    assert sorted(data["program"]) == ["aa", "na"]
    assert sorted(data["type"]) == ["open", "women"]


def test_an_unknown_value_is_refused_with_the_fields_message(vocabulary):
    valid, errors = cleaned("program=aa&program=nope")
    assert not valid
    assert errors["program"] == ["Select a valid choice. nope is not one of the available choices."]
    valid, errors = cleaned("type=women&type=nope")
    assert not valid and "nope is not one of the available choices" in errors["type"][0]


def test_a_language_is_not_a_type_choice(vocabulary):
    valid, errors = cleaned("type=spanish")
    assert not valid and "spanish is not one of the available choices" in errors["type"][0]


def test_a_choice_saved_through_django_is_accepted_at_once(vocabulary):
    cleaned("program=aa&type=women")
    Program.objects.create(slug="smart", name="SMART Recovery", description="x")
    MeetingType.objects.create(code="hybrid-x", name="Hybrid X", category="format")
    valid, data = cleaned("program=smart&type=hybrid-x")
    assert valid, data


def test_a_choice_added_without_signals_is_accepted_once_the_copy_is_read_again(vocabulary):
    cleaned("program=aa&type=women")
    Program.objects.bulk_create([Program(slug="smart", name="SMART Recovery", description="x")])
    assert not cleaned("program=smart")[0]  # the process's copy is at most TYPES_TIMEOUT seconds old
    cache.delete(TYPES_KEY)  # as the token's expiry does
    valid, data = cleaned("program=smart")
    assert valid and data["program"] == ["smart"]
