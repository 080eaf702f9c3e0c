"""The programs the seed documents name are found by search: CDA, Co-Anon, Alateen meetings; Narconon is not."""

import pytest
from django.urls import reverse

from groups.models import Program
from meetings.models import MeetingType
from tests.factories import load_reference_data, make_meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(settings):
    load_reference_data()
    programs = {program.slug: program for program in Program.objects.all()}
    alateen = MeetingType.objects.get(code="alateen")
    make_meeting(program=programs["cda"], name="CDA Kensington Group")
    make_meeting(program=programs["co-anon"], name="Co-Anon Boyle Heights Family Group")
    make_meeting(program=programs["al-anon"], name="Courage to Change Alateen", types=[alateen])
    make_meeting(program=programs["al-anon"], name="Courage to Change AFG")
    make_meeting(program=programs["na"], name="Narcotics Anonymous Hope Group")
    return programs


def names(client, **params):
    response = client.get(reverse("home"), params)
    assert response.status_code == 200
    return sorted(meeting.name for meeting in response.context["page"])


def test_cda_and_co_anon_meetings_are_found_by_keyword_and_by_program(client, directory):
    assert names(client, q="CDA") == ["CDA Kensington Group"]
    assert names(client, q="Co-Anon") == ["Co-Anon Boyle Heights Family Group"]
    assert names(client, program="cda") == ["CDA Kensington Group"]
    assert names(client, program="co-anon") == ["Co-Anon Boyle Heights Family Group"]


def test_alateen_finds_al_anons_alateen_meetings(client, directory):
    assert names(client, q="alateen") == ["Courage to Change Alateen"]
    assert names(client, type="alateen") == ["Courage to Change Alateen"]


def test_narconon_finds_no_meeting(client, directory):
    assert names(client, q="narconon") == []
