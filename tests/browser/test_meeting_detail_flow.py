"""From a result to the meeting page, and the meeting into a calendar; with and without JS."""

import re


def test_it_opens_a_meeting_from_the_results(page, site):
    page.goto(site("/?attendance=in_person"))
    link = page.locator(".meeting-name a").first
    name = link.inner_text()
    link.click()
    page.wait_for_url(re.compile(r"/meetings/[\w-]+/"))

    assert page.get_by_role("heading", level=1).inner_text() == name
    assert page.locator("address").count() == 1
    facts = page.locator(".facts").inner_text()
    assert "Program" in facts and "Attendance" in facts
    directions = page.get_by_role("link", name="Directions (OpenStreetMap)")
    # A map is something the visitor clicks: a plain link, nothing embedded.
    assert directions.get_attribute("href").startswith("https://www.openstreetmap.org/directions?to=")
    assert page.locator("iframe").count() == 0


def test_it_shows_how_to_join_an_online_meeting(page, site):
    page.goto(site(f"/meetings/{site.online_slug}/"))
    assert page.get_by_role("heading", name="Join online").is_visible()


def test_it_downloads_the_meeting_as_a_calendar_event(page, site, tmp_path):
    page.goto(site(f"/meetings/{site.in_person_slug}/"))
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Add to calendar (.ics)").click()
    download = download_info.value
    assert download.suggested_filename == f"{site.in_person_slug}.ics"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    text = target.read_text()
    assert text.startswith("BEGIN:VCALENDAR")
    assert "BEGIN:VEVENT" in text and "RRULE:FREQ=WEEKLY" in text
    assert re.search(r"DTSTART;TZID=[\w/]+:\d{8}T\d{6}", text)


def test_it_answers_a_missing_meeting_with_a_404(page, site):
    response = page.goto(site("/meetings/no-such-meeting/"))
    assert response.status == 404
