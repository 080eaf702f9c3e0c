"""The search page in a real browser: filters, near me, the visitor's time zone, paging; with and without JS."""

import re

from tests.browser.conftest import PHILADELPHIA


def result_count(page):
    text = page.locator("#results-title").inner_text()
    return int(re.match(r"\d+", text.strip()).group())


def test_it_searches_by_filters(page, site, js):
    page.goto(site("/"))
    total = result_count(page)
    # Every filter beyond the bar and its quick choices is one tap away, on the "All filters" page.
    page.get_by_role("link", name="All filters", exact=True).click()
    page.wait_for_url(re.compile(r"/filters/"))
    page.select_option("#id_attendance", "in_person")
    page.get_by_role("checkbox", name="Monday").check()
    page.get_by_role("button", name="Show meetings", exact=True).click()
    page.wait_for_url(re.compile(r"attendance=in_person"))

    assert "day=1" in page.url
    assert 0 < result_count(page) < total
    for meta in page.locator(".meeting-meta").all_inner_texts():
        assert "In person" in meta or "Hybrid" in meta
    assert page.locator(".meeting-when").first.inner_text().startswith(("Monday", "Mon"))
    active = page.locator(".active-filters").inner_text()
    assert "Attend" in active and "Monday" in active
    # A new keyword from the bar keeps the filters chosen there.
    page.fill("#id_q", "a")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url(re.compile(r"q=a"))
    assert "attendance=in_person" in page.url and "day=1" in page.url
    if js:
        # search.js moves focus to the results heading, so a screen reader starts there.
        assert page.evaluate("document.activeElement.id") == "results-title"


def test_it_drops_a_filter_from_the_empty_state(page, site):
    page.goto(site("/?q=zzzznothingmatches&attendance=online"))
    assert page.locator("#results-title").inner_text().startswith("0 meetings")
    assert "No meetings match all of these filters." in page.locator(".empty").inner_text()
    page.locator(".empty a", has_text="Keyword").click()
    page.wait_for_url(lambda url: "zzzz" not in url)
    assert result_count(page) > 0


def test_it_shows_errors_for_bad_input(page, site, js):
    response = page.goto(site("/?near=Nowhereville+Qxz"))
    assert response.status == 400
    errors = page.locator("#search-errors")
    assert "Nowhereville" in errors.inner_text()
    assert errors.get_attribute("role") == "alert"
    if js:
        assert page.evaluate("document.activeElement.id") == "search-errors"


def test_it_finds_meetings_near_me_with_granted_geolocation(new_page, site):
    page = new_page(geolocation=PHILADELPHIA, permissions=["geolocation"])
    page.goto(site("/"))
    page.locator("#near-me").click()
    page.wait_for_url(re.compile(r"lat=39\.9566"))

    assert "lng=-75.1899" in page.url and "sort=distance" in page.url
    metas = page.locator(".meeting-meta").all_inner_texts()
    distances = [float(found) for meta in metas for found in re.findall(r"([\d.]+) mi", meta)]
    assert distances and distances == sorted(distances)
    assert distances[0] < 10
    assert "your location" in page.locator(".active-filters").inner_text()


def test_it_hides_near_me_without_javascript_and_takes_a_typed_place(new_page, site):
    page = new_page(java_script_enabled=False)
    page.goto(site("/"))
    assert page.locator("#near-me").is_hidden()
    page.get_by_role("link", name="All filters", exact=True).click()
    page.fill("#id_near", "19104")
    page.select_option("#id_sort", "distance")
    page.get_by_role("button", name="Show meetings", exact=True).click()
    page.wait_for_url(re.compile(r"near=19104"))
    first = page.locator(".meeting-meta").first.inner_text()
    assert re.search(r"[\d.]+ mi", first), first


def test_it_shows_online_meetings_in_the_visitors_time_zone(new_page, site, js):
    page = new_page(timezone_id="Europe/Berlin", java_script_enabled=js)
    if js:
        # search.js finds the zone and shows "... your time" from each row's <time datetime>, without
        # reloading; the links to meeting pages then carry tz=.
        page.goto(site("/?attendance=online"))
        page.locator(".visitor-time").first.wait_for()
        assert "tz=" not in page.url
    else:
        # Without JS the zone cannot be detected; a link that carries tz= (a shared search) still works.
        page.goto(site("/?attendance=online&tz=Europe%2FBerlin"))
    first = page.locator(".meeting-when").first.inner_text()
    assert "your time" in first
    assert re.search(r"\bin \w", first), "the meeting's own zone is shown as well"
    # The detail link keeps the zone, so the meeting page shows the visitor's time too.
    page.locator(".meeting-name a").first.click()
    page.wait_for_load_state()
    assert "your time" in page.locator(".meeting-when").inner_text()


def test_it_pages_through_results_keeping_the_filters(page, site):
    page.goto(site("/?attendance=in_person"))
    total = result_count(page)
    assert total > 25, "the demo directory must span more than one page"
    links = ".meeting-name a"
    first_page = [a.get_attribute("href") for a in page.locator(links).all()]
    pagination = page.get_by_role("navigation", name="Pages")
    assert "Page 1 of" in pagination.inner_text()
    pagination.get_by_role("link", name="Next").click()
    page.wait_for_url(re.compile(r"page=2"))

    assert "attendance=in_person" in page.url
    assert "Page 2 of" in page.get_by_role("navigation", name="Pages").inner_text()
    assert {a.get_attribute("href") for a in page.locator(links).all()}.isdisjoint(first_page)
    page.get_by_role("navigation", name="Pages").get_by_role("link", name="Previous").click()
    page.wait_for_url(re.compile(r"page=1"))
    assert [a.get_attribute("href") for a in page.locator(links).all()] == first_page
