import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import Status
from tests.factories import make_meeting, make_program

pytestmark = pytest.mark.django_db


def test_it_lists_programs_for_people_in_recovery_and_for_families_apart(client):
    make_program(name="Alcoholics Anonymous")
    make_program(name="Al-Anon Family Groups", audience="family", abstinence="not-applicable")
    response = client.get(reverse("groups:list"))
    assert response.status_code == 200
    recovery = [p.name for p in response.context["recovery_programs"]]
    family = [p.name for p in response.context["family_programs"]]
    assert recovery == ["Alcoholics Anonymous"]
    assert family == ["Al-Anon Family Groups"]


def test_it_counts_listed_meetings_per_program_but_not_inactive_ones(client):
    program = make_program(name="SMART Recovery")
    make_meeting(program=program)
    make_meeting(program=program)
    make_meeting(program=program, status=Status.INACTIVE)
    response = client.get(reverse("groups:list"))
    assert "2 meetings listed" in response.content.decode()


def test_it_does_not_count_deleted_meetings(client):
    program = make_program(name="SMART Recovery")
    make_meeting(program=program)
    make_meeting(program=program, deleted_at=timezone.now())
    assert "1 meeting listed" in client.get(reverse("groups:list")).content.decode()


def test_it_runs_a_fixed_number_of_queries_whatever_the_number_of_programs(client, django_assert_num_queries):
    make_meeting(program=make_program())
    # The programs, every program's meeting counts in one grouped query, and the "is this sample data?"
    # check every page makes; the last two are then kept (tests/groups/test_program_counts_cache.py).
    with django_assert_num_queries(3):
        client.get(reverse("groups:list"))
    with django_assert_num_queries(1):
        client.get(reverse("groups:list"))
    for _ in range(5):
        make_meeting(program=make_program())
    with django_assert_num_queries(1):
        response = client.get(reverse("groups:list"))
    assert len(response.context["recovery_programs"]) == 6


def test_it_says_when_listings_are_sample_data(client):
    response = client.get(reverse("groups:list"))
    assert "Sample data." not in response.content.decode()
    make_meeting(source="demo")
    from demo.samples import forget_demo_state

    forget_demo_state()
    response = client.get(reverse("groups:list"))
    assert "Sample data." in response.content.decode()


def test_it_has_a_skip_link_and_help_now(client):
    html = client.get(reverse("groups:list")).content.decode()
    assert 'href="#main"' in html and 'id="main"' in html
    assert "tel:988" in html


def test_it_sets_no_cookies(client):
    response = client.get(reverse("groups:list"))
    assert not response.cookies
