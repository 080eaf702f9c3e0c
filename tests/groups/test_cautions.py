"""Narconon: a short, neutral, sourced note, never a program; a whole-word keyword, never a prefix."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from groups.cautions import CAUTIONS, caution_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("query", ["narconon", "Narconon", "is narconon NA?", "NARCONON rehab"])
def test_the_keyword_narconon_finds_the_note(query):
    assert caution_for(query) is CAUTIONS["narconon"]


@pytest.mark.parametrize("query", ["narc", "narco", "narcotics", "Narcotics Anonymous", "nar-anon", "", None])
def test_narc_never_suggests_it(query):
    assert caution_for(query) is None


def test_every_claim_of_the_note_has_a_source_with_a_link_and_a_quote():
    caution = CAUTIONS["narconon"]
    assert len(caution["sources"]) >= 3
    for source in caution["sources"]:
        assert source["url"].startswith(("https://", "http://")) and source["quote"] and source["date"]


def test_the_programs_page_shows_the_note_with_links_to_na_and_nar_anon(client, settings):
    call_command("loaddata", settings.BASE_DIR / "fixtures" / "programs.json", verbosity=0)
    html = client.get(reverse("groups:list")).content.decode()
    assert "Narconon is not Narcotics Anonymous or Nar-Anon" in html
    assert 'href="/programs/na/"' in html and 'href="/programs/nar-anon/"' in html
    assert 'href="https://ici.radio-canada.ca/nouvelle/557833/narconon-avenir-incertain"' in html
    assert "/programs/narconon/" not in html
