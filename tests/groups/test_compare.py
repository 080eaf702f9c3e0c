import pytest
from django.urls import reverse
from django.utils import timezone

from meetings.models import Attendance, Status
from tests.factories import make_meeting, make_program

pytestmark = pytest.mark.django_db

URL = reverse("groups:compare")


def test_it_shows_every_program_by_attribute_in_plain_words(client):
    make_program(name="SMART Recovery", approach="cognitive-behavioural", spiritual_basis="secular")
    make_program(name="Alcoholics Anonymous")
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Compare programs</h1>" in html
    assert "SMART Recovery" in html and "Alcoholics Anonymous" in html
    assert "Cognitive-behavioural (science-based tools)" in html
    assert "Secular (no higher power)" in html
    assert "Spiritual (a higher power of your own understanding)" in html
    assert '<th scope="col">Medication</th>' in html


def test_it_shows_sources_as_citations_and_marks_unverified_facts(client):
    make_program(
        medication="unknown",
        sources=[
            {
                "fact": "approach",
                "publisher": "Refuge Recovery",
                "title": "FAQ",
                "date": "undated",
                "url": "https://www.example.org/faq",
                "quote": "We are a peer-led movement",
                "confidence": "high",
            }
        ],
    )
    html = client.get(URL).content.decode()
    assert 'Refuge Recovery, <cite lang="en">FAQ</cite> (undated). <a href="https://www.example.org/faq"' in html
    assert ">example.org</a>" in html
    assert "<summary>Quote</summary><blockquote" in html and "We are a peer-led movement" in html
    assert "Not verified" in html


def test_it_counts_listed_meetings_online_and_in_person(client):
    program = make_program(name="Counted")
    make_meeting(program=program, attendance=Attendance.ONLINE)
    make_meeting(program=program, attendance=Attendance.HYBRID)
    make_meeting(program=program, attendance=Attendance.IN_PERSON)
    make_meeting(program=program, attendance=Attendance.ONLINE, status=Status.INACTIVE)
    response = client.get(URL)
    counted = next(p for p in response.context["programs"] if p.name == "Counted")
    assert (counted.meeting_count, counted.online_count, counted.in_person_count) == (3, 2, 2)
    assert "Online: 2 · In person: 2" in response.content.decode()


def test_it_filters_by_program_attributes(client):
    make_program(name="Secular One", spiritual_basis="secular", medication="welcoming")
    make_program(name="Spiritual One", spiritual_basis="spiritual", medication="welcoming")
    make_program(name="Secular Two", spiritual_basis="secular", medication="varies")
    response = client.get(URL, {"spiritual_basis": "secular", "medication": "welcoming"})
    assert response.status_code == 200
    assert [p.name for p in response.context["programs"]] == ["Secular One"]


def test_it_has_a_get_form_with_real_labels(client):
    html = client.get(URL).content.decode()
    assert '<form method="get"' in html
    for name in ("approach", "spiritual_basis", "abstinence", "medication", "gender_focus", "audience"):
        assert f'<label for="id_{name}">' in html


def test_it_rejects_an_unknown_filter_value_with_400_and_the_form_error(client):
    make_program()
    response = client.get(URL, {"approach": "magic"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Select a valid choice" in html
    assert response.context["programs"] == []


def test_it_says_so_when_no_program_matches(client):
    make_program(gender_focus="everyone")
    html = client.get(URL, {"gender_focus": "men"}).content.decode()
    assert "No program matches all of these filters" in html


def test_it_sets_no_cookies_and_has_no_inline_script_or_style(client):
    make_program()
    response = client.get(URL)
    html = response.content.decode()
    assert not response.cookies
    assert "<script" not in html and "style=" not in html


def test_it_counts_no_deleted_meeting_online_or_in_person(client):
    program = make_program(name="Counted")
    make_meeting(program=program, attendance=Attendance.ONLINE)
    make_meeting(program=program, attendance=Attendance.IN_PERSON)
    for attendance in (Attendance.ONLINE, Attendance.HYBRID, Attendance.IN_PERSON):
        make_meeting(program=program, attendance=attendance, deleted_at=timezone.now())
    response = client.get(URL)
    counted = next(p for p in response.context["programs"] if p.name == "Counted")
    assert (counted.meeting_count, counted.online_count, counted.in_person_count) == (2, 1, 1)
    html = response.content.decode()
    assert "2 meetings" in html
    assert "Online: 1 · In person: 1" in html


def test_it_counts_for_every_program_still_after_a_filter(client):
    secular = make_program(name="Secular One", spiritual_basis="secular")
    make_meeting(program=secular, attendance=Attendance.HYBRID)
    make_meeting(program=make_program(name="Spiritual One"), attendance=Attendance.ONLINE)
    client.get(URL)  # the counts of every program, kept
    response = client.get(URL, {"spiritual_basis": "secular"})
    [counted] = response.context["programs"]
    assert (counted.name, counted.meeting_count, counted.online_count, counted.in_person_count) == (
        "Secular One",
        1,
        1,
        1,
    )


def test_it_runs_a_fixed_number_of_queries_whatever_the_number_of_programs(client, django_assert_num_queries):
    for _ in range(2):
        make_meeting(program=make_program(sources=[{"fact": "approach", "text": "S1"}]))
    client.get(URL)  # warms the cached "is this sample data?" check every page makes
    # Two queries: the programs, and the programs to choose from; their meeting counts are kept in the cache
    # (test_program_counts_cache.py).
    with django_assert_num_queries(2):
        client.get(URL)
    for _ in range(10):
        make_meeting(program=make_program())
    with django_assert_num_queries(2):
        response = client.get(URL)
    assert len(response.context["programs"]) == 12
