"""A clinician picks meetings into a referral list and opens it to print or share; with and without JS."""

import re

from tests.browser.conftest import url_or_skip


def test_it_builds_a_referral_list_from_search_results(page, site):
    url_or_skip("referrals:list")
    page.goto(site("/?attendance=in_person"))
    # Rows offer "Add to referral list" once a list is being made.
    assert page.locator("a", has_text="Add to referral list").count() == 0
    page.get_by_role("link", name="Make a referral list from these meetings").click()
    page.wait_for_url(re.compile(r"list="))
    names = []
    for _ in range(2):
        add = page.locator("a", has_text="Add to referral list").first
        names.append(add.locator(".visually-hidden").inner_text().lstrip(": "))
        add.click()
        page.wait_for_load_state()
    bar = page.locator(".referral-bar")
    assert "Your list: 2 meetings" in bar.inner_text()
    bar.get_by_role("link", name="view").click()
    page.wait_for_url(re.compile(r"/list/[\w-]+/"))

    assert page.get_by_role("heading", name="Meetings to try", level=1).is_visible()
    listed = page.locator(".referral-meeting").all_inner_texts()
    assert len(listed) == 2
    for name in names:
        assert any(name in text for text in listed)


def test_it_explains_a_mistyped_list(page, site):
    url_or_skip("referrals:list")
    response = page.goto(site("/list/not-a-list!/"))
    assert response.status in (400, 404)
    assert page.get_by_role("heading", name="This list cannot be shown").is_visible()
