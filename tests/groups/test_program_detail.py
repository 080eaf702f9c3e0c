from datetime import time

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from meetings.models import Status
from tests.factories import make_location, make_meeting, make_program, make_type

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


def test_it_lists_no_deleted_meeting_and_does_not_count_it(client):
    program = make_program()
    make_meeting(program=program, name="Tuesday Hope")
    make_meeting(program=program, name="Deleted Group", deleted_at=timezone.now())
    html = client.get(reverse("groups:program", args=[program.slug])).content.decode()
    assert "Tuesday Hope" in html
    assert "Deleted Group" not in html
    assert "1 meeting listed." in html


@pytest.fixture
def busy_program():
    """55 meetings: more than a page of 50, in slots of several meetings with repeated names."""
    program, location = make_program(slug="busy"), make_location()
    for n in range(55):
        make_meeting(
            program=program,
            name=f"Group {n % 4}",
            weekday=n % 3,
            start_time=time(7 + n % 2),
            end_time=None,
            location=location,
        )
    return program


def test_it_pages_through_every_meeting_once_in_day_order(client, busy_program):
    url = reverse("groups:program", args=[busy_program.slug])
    first, second = client.get(url), client.get(url, {"page": 2})
    shown = [meeting.pk for response in (first, second) for meeting in response.context["page"]]
    in_order = busy_program.meetings.order_by("weekday", "start_time", "name", "pk").values_list("pk", flat=True)
    assert shown == list(in_order)
    assert "55 meetings listed." in second.content.decode()
    assert "Page 2 of 2" in second.content.decode()


def test_it_shows_the_first_page_for_a_page_that_is_not_a_number(client, busy_program):
    response = client.get(reverse("groups:program", args=[busy_program.slug]), {"page": "abc"})
    assert response.status_code == 200
    assert response.context["page"].number == 1


def test_it_shows_the_last_page_for_a_page_past_the_end(client, busy_program):
    response = client.get(reverse("groups:program", args=[busy_program.slug]), {"page": "999999"})
    assert response.status_code == 200
    assert response.context["page"].number == 2
    assert len(response.context["page"]) == 5


def test_it_runs_a_fixed_number_of_queries_whatever_the_number_of_meetings(client, django_assert_num_queries):
    program = make_program()
    open_type = make_type(is_key=True)
    for _ in range(3):
        make_meeting(program=program, types=[open_type])
    # The program, its meetings' counts per weekday and start time, the page's meetings with their places,
    # their types, and the "is this sample data?" check every page makes.
    with django_assert_num_queries(5):
        client.get(reverse("groups:program", args=[program.slug]))
    for _ in range(12):
        make_meeting(program=program, types=[open_type])
    cache.clear()
    with django_assert_num_queries(5):
        response = client.get(reverse("groups:program", args=[program.slug]))
    assert "15 meetings listed." in response.content.decode()


def test_it_reads_the_count_from_the_cache_on_the_next_request(client, django_assert_num_queries):
    program = make_program()
    make_meeting(program=program, name="Tuesday Hope")
    client.get(reverse("groups:program", args=[program.slug]))
    # The program, the page's meetings and their types; no count.
    with django_assert_num_queries(3):
        response = client.get(reverse("groups:program", args=[program.slug]))
    html = response.content.decode()
    assert "1 meeting listed." in html
    assert "Tuesday Hope" in html


def test_it_answers_404_for_an_unknown_program(client):
    assert client.get("/programs/no-such-program/").status_code == 404
