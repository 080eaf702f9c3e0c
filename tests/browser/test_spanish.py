"""Spanish at /es/...: every message translated, pages in Spanish with no cookie, a plain link between languages."""

import re
from pathlib import Path

import polib
import pytest

from tests.browser.conftest import PUBLIC_PAGES, public_path

PO_FILE = Path(__file__).resolve().parents[2] / "locale" / "es" / "LC_MESSAGES" / "django.po"
# Interface words that must not be left in English on a Spanish page (names and descriptions may be).
ENGLISH = [
    "Skip to main content",
    "Find a meeting",
    "Need help now?",
    "Privacy: no cookies",
    "Search",
    "Programs for people in recovery",
    "Add to calendar",
    "Suggest an update",
    "Meetings to try",
    "Compare programs",
]
WORDS_NEVER_USED = ["adicto", "adicta", "limpio", "sucio"]


def test_the_catalogue_has_no_untranslated_or_fuzzy_entries():
    catalogue = polib.pofile(str(PO_FILE))
    untranslated = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not untranslated, f"{len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"
    plural = [entry.msgid for entry in catalogue if entry.msgid_plural and not all(entry.msgstr_plural.values())]
    assert not plural, f"plural forms missing: {plural[:5]}"
    words = [
        entry.msgstr
        for entry in catalogue
        for word in WORDS_NEVER_USED
        if re.search(rf"\b{word}s?\b", entry.msgstr + " ".join(entry.msgstr_plural.values()), re.IGNORECASE)
    ]
    assert not words, f"person-first words, please: {words[:5]}"


@pytest.mark.parametrize("name", ["search", "search-results", "meeting-in-person", "program", "compare", "finder"])
def test_a_spanish_page_is_in_spanish_without_a_cookie(new_page, site, name):
    path = public_path(site, name)
    page = new_page(java_script_enabled=False)
    response = page.goto(site("/es" + path))
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == "es"
    text = page.locator("body").inner_text()
    assert "Saltar al contenido principal" in page.locator(".skip-link").inner_text()
    leftovers = [phrase for phrase in ENGLISH if re.search(rf"(?<![\w/]){re.escape(phrase)}\b", text)]
    assert not leftovers, f"/es{path} still says: {leftovers}"
    assert page.context.cookies() == []
    # Links stay in Spanish.
    assert page.locator(".site-header nav a").first.get_attribute("href") == "/es/"


def test_the_language_switch_keeps_the_page_and_the_query(new_page, site):
    page = new_page()
    page.goto(site("/?attendance=online&tz=Europe%2FBerlin"))
    switch = page.get_by_role("link", name="Español")
    assert switch.get_attribute("lang") == "es" and switch.get_attribute("hreflang") == "es"
    switch.click()
    page.wait_for_url(re.compile(r"/es/\?attendance=online&tz=Europe%2FBerlin$"))
    assert page.locator("html").get_attribute("lang") == "es"
    # Online meetings in the visitor's time, in Spanish.
    assert "tu hora" in page.locator(".meeting-when").first.inner_text()
    english = page.get_by_role("link", name="English")
    assert english.get_attribute("lang") == "en"
    english.click()
    page.wait_for_url(re.compile(r"/\?attendance=online&tz=Europe%2FBerlin$"))
    assert page.locator("html").get_attribute("lang") == "en"


def test_meeting_types_are_named_in_spanish(new_page, site):
    from meetings.models import Meeting

    meeting = Meeting.objects.get(slug=site.in_person_slug)
    types = [t for t in meeting.types.all() if t.name_es and t.name_es != t.name]
    if not types:
        pytest.skip("this demo meeting has no type with a distinct Spanish name")
    page = new_page(java_script_enabled=False)
    page.goto(site(f"/es/meetings/{meeting.slug}/"))
    names = page.locator(".types dt").all_inner_texts()
    assert types[0].name_es in names
    assert types[0].name not in names


def test_the_search_form_names_meeting_types_in_spanish(new_page, site):
    page = new_page(java_script_enabled=False)
    page.goto(site(f"/es{PUBLIC_PAGES['search-all-filters']}"))
    labels = [label.strip() for label in page.locator(".type-group label").all_inner_texts()]
    assert "Acceso en silla de ruedas" in labels
    assert "Wheelchair Access" not in labels


def test_english_is_the_default_with_no_prefix(new_page, site):
    page = new_page(locale="es-MX", java_script_enabled=False)
    page.goto(site(PUBLIC_PAGES["search"]))
    # The URL, not the browser's language, decides: / is English even for a Spanish-speaking browser.
    assert page.locator("html").get_attribute("lang") == "en"
    # The language switch (exactly "Español"; the front page also offers the Spanish site in a sentence).
    assert page.get_by_role("link", name="Español", exact=True).get_attribute("href").startswith("/es/")
