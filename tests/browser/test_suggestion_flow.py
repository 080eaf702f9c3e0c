"""A visitor suggests a change to a meeting, or a new meeting; with and without JS."""

import re

from tests.browser.conftest import url_or_skip
from tests.browser.test_accessibility import WCAG_TAGS, violations


def test_it_suggests_an_update_from_the_meeting_page(page, site):
    url_or_skip("volunteers:suggest_update", site.in_person_slug)
    page.goto(site(f"/meetings/{site.in_person_slug}/"))
    page.get_by_role("link", name="Suggest an update").click()
    page.wait_for_url(re.compile(r"/suggest/$"))
    page.get_by_role("radio", name="The time or day changed").check()
    page.get_by_label("Starts at").fill("19:45")
    page.get_by_role("button", name="Send suggestion").click()
    page.wait_for_load_state()
    assert "/thanks/" in page.url, page.locator("main").inner_text()


def test_it_says_what_is_missing_in_a_new_meeting_suggestion(page, site, js):
    url_or_skip("volunteers:suggest_new")
    page.goto(site("/meetings/suggest/"))
    assert page.locator("input[name=website]").is_hidden()
    page.get_by_role("button", name="Send suggestion").click()
    page.wait_for_load_state()
    assert page.get_by_role("alert").first.is_visible()
    if js:
        # The form with its errors is a page state of its own: zero WCAG violations there too. (axe needs JS:
        # without it, its promise never settles.)
        options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
        found, report = violations(page, options)
        assert not found, report
    assert (
        page.get_by_label("Meeting name").get_attribute("aria-invalid") == "true"
        or page.locator(".field-error").count() >= 1
    )
