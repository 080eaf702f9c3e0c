import pytest
from django.core.cache import cache
from django.urls import reverse

from meetings.models import Status
from tests.factories import make_meeting, make_program, make_type

pytestmark = pytest.mark.django_db


def test_it_shows_the_program_facts_and_marks_unverified_ones(client):
    program = make_program(
        name="Refuge Recovery",
        medication="unknown",
        sources=[{"fact": "approach", "text": "S32: Refuge Recovery book", "url": "https://example.org/s32"}],
    )
    html = client.get(reverse("groups:program", args=[program.slug])).content.decode()
    assert "Refuge Recovery" in html
    assert "Not verified" in html
    assert "S32: Refuge Recovery book" in html


def test_it_lists_the_program_meetings_but_not_inactive_ones(client):
    program = make_program()
    make_meeting(program=program, name="Tuesday Hope")
    make_meeting(program=program, name="Gone Group", status=Status.INACTIVE)
    make_meeting(name="Another Program Meeting")
    html = client.get(reverse("groups:program", args=[program.slug])).content.decode()
    assert "Tuesday Hope" in html
    assert "Gone Group" not in html
    assert "Another Program Meeting" not in html
    assert "1 meeting listed." in html


def test_it_shows_time_with_a_zone_label(client):
    program = make_program()
    make_meeting(program=program, timezone="Australia/Melbourne")
    html = client.get(reverse("groups:program", args=[program.slug])).content.decode()
    assert "7:00 PM–8:00 PM AE" in html  # AEST or AEDT depending on the date


def test_it_runs_a_fixed_number_of_queries_whatever_the_number_of_meetings(client, django_assert_num_queries):
    program = make_program()
    open_type = make_type(is_key=True)
    for _ in range(3):
        make_meeting(program=program, types=[open_type])
    with django_assert_num_queries(5) as few:
        client.get(reverse("groups:program", args=[program.slug]))
    for _ in range(12):
        make_meeting(program=program, types=[open_type])
    cache.clear()
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("groups:program", args=[program.slug]))


def test_it_answers_404_for_an_unknown_program(client):
    assert client.get("/programs/no-such-program/").status_code == 404
