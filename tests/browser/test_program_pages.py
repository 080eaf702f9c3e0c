"""Program pages, comparison and finder in a real browser; with and without JS."""

import re

from tests.browser.conftest import url_or_skip


def test_it_goes_from_the_program_list_to_a_programs_meetings(page, site):
    page.goto(site("/programs/"))
    assert page.get_by_role("heading", name="Programs for people in recovery").is_visible()
    page.locator(".program-card h3 a").first.click()
    page.wait_for_url(re.compile(r"/programs/[\w-]+/$"))
    assert page.get_by_role("heading", name="At a glance").is_visible()
    # Program descriptions stay in the program's own words, marked as English for screen readers.
    assert page.locator("main p[lang=en]").count() >= 1
    page.get_by_role("link", name=re.compile(r"^Search .+ meetings by day")).click()
    page.wait_for_url(re.compile(r"program="))
    assert "Program" in page.locator(".active-filters").inner_text()


def test_it_compares_programs_with_a_filter(page, site):
    path = url_or_skip("groups:compare")
    page.goto(site(path))
    rows = page.locator("table.compare tbody tr")
    total = rows.count()
    assert total > 3
    panel = page.locator("details.filter-panel:not(.choose-programs)")
    if not panel.get_attribute("open"):
        panel.locator("summary").click()
    page.select_option("#id_spiritual_basis", "secular")
    page.get_by_role("button", name="Show programs").click()
    page.wait_for_url(re.compile(r"spiritual_basis=secular"))
    assert 0 < rows.count() < total


def test_it_finds_programs_that_fit_a_few_answers(page, site):
    path = url_or_skip("groups:finder")
    page.goto(site(path))
    page.get_by_role("radio", name=re.compile("^For yourself")).check()
    page.get_by_role("radio", name="Yes", exact=True).check()
    page.get_by_role("button", name="Show programs that fit").click()
    page.wait_for_url(re.compile(r"who=self"))
    assert re.match(r"\d+ programs? fits?", page.locator("#results-title").inner_text())
    assert page.locator(".finder-result").count() >= 1
