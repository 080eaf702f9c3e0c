"""A typed word that names a kind of room or a program finds it (fixtures/search_keywords.json); a note word
shows its note and filters nothing."""

from datetime import UTC, datetime, time
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import translation

from search.meaning import fold, meaning_of, note_of
from tests.factories import make_meeting, make_program, make_type

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 16, 21, 0, tzinfo=UTC)


@pytest.fixture
def rooms():
    med = make_type(code="medication-friendly", name="Medication-Friendly", name_es="Abierta a la medicación")
    women = make_type(code="women", name="Women", category="audience")
    spanish = make_type(code="spanish", name="Spanish", category="language")
    program = make_program(slug="aa", name="Alcoholics Anonymous", short_name="AA")
    make_meeting(name="Med room", program=program, types=[med], start_time=time(19))
    make_meeting(name="Women room", program=program, types=[women], start_time=time(19, 30))
    make_meeting(name="Reunión", program=program, types=[spanish], start_time=time(20), end_time=time(21))
    make_meeting(name="Talk about methadone", notes="methadone", start_time=time(20, 30), end_time=time(21, 30))
    make_meeting(name="Basement men's", start_time=time(21), end_time=time(22))
    with mock.patch("search.views.timezone.now", return_value=NOW):
        yield


@pytest.mark.parametrize("word", ["methadone", "Suboxone", "buprenorphine", "MAT", "moud", "medication", "metadona"])
def test_a_medication_word_finds_medication_friendly_meetings(client, rooms, word):
    response = client.get(reverse("home"), {"q": word})
    assert [meeting.name for meeting in response.context["page"]] == ["Med room"]
    assert "showing Medication-Friendly meetings" in response.content.decode()


@pytest.mark.parametrize(("word", "found"), [("women", "Women room"), ("woman", "Women room"), ("español", "Reunión")])
def test_a_room_word_finds_its_meeting_type(client, rooms, word, found):
    response = client.get(reverse("home"), {"q": word})
    assert [meeting.name for meeting in response.context["page"]] == [found]


def test_a_word_without_a_meaning_is_matched_as_text(client, rooms):
    response = client.get(reverse("home"), {"q": "basement"})
    assert [meeting.name for meeting in response.context["page"]] == ["Basement men's"]


def test_a_meaning_is_combined_with_other_words(client, rooms):
    response = client.get(reverse("home"), {"q": "women AA"})
    assert [meeting.name for meeting in response.context["page"]] == ["Women room"]


def test_a_missing_code_is_ignored_and_the_word_matched_as_text(client, rooms):
    # "alateen" maps to a meeting type this database does not hold.
    make_meeting(name="Alateen at the library")
    response = client.get(reverse("home"), {"q": "alateen"})
    assert [meeting.name for meeting in response.context["page"]] == ["Alateen at the library"]


def test_narconon_shows_its_note_and_finds_no_meeting(client, rooms):
    make_program(slug="na", name="Narcotics Anonymous", short_name="NA")
    make_program(slug="nar-anon", name="Nar-Anon Family Groups", short_name="Nar-Anon")
    response = client.get(reverse("home"), {"q": "narconon"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Narconon is not Narcotics Anonymous or Nar-Anon" in html
    assert "ici.radio-canada.ca" in html  # its sources
    assert 'href="/programs/na/"' in html and 'href="/programs/nar-anon/"' in html
    assert response.context["page"].paginator.count == 0


def test_the_note_is_in_spanish_on_spanish_pages(client, rooms):
    try:
        html = client.get("/es/", {"q": "Narconon"}).content.decode()
    finally:
        translation.deactivate()  # the request leaves Spanish active in this thread
    assert "Narconon no es Narcóticos Anónimos ni Nar-Anon" in html


def test_words_are_folded_case_and_accents_aside():
    assert fold("Español") == "espanol"
    assert fold("women's") == "women"
    assert meaning_of("MOUD").types == ("medication-friendly",)
    assert note_of("narconon") is not None and meaning_of("narconon") is None
