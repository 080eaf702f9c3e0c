"""The phone at 11 p.m.: at 390x844 the first result is on the first screen of / and of a place search, and a
meeting's Join link on the first screen of its page; the filter bar and the map work from the keyboard; the
whole flow works without JavaScript; the map requests nothing from its tile server until asked."""

import http.server
import re
import threading

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_accessibility import WCAG_TAGS, violations

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def within_first_screen(page, selector):
    box = page.locator(selector).first.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]


def shoot(page, name):
    target = ARTIFACTS / "screenshots" / f"{name}.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target))


@pytest.mark.parametrize("path", ["/", "/?near=19104", "/?near=19104&include_online=1"])
def test_the_first_result_is_fully_on_the_first_screen(new_page, site, js, path):
    page = new_page(viewport=PHONE, java_script_enabled=js)
    page.goto(site(path))
    assert page.locator(".meeting").count() > 0
    assert within_first_screen(page, ".meeting"), page.locator(".meeting").first.bounding_box()
    if js:
        name = "home" if path == "/" else re.sub(r"\W+", "-", path.strip("/?"))
        shoot(page, f"first-screen-{name}-390x844")
        page.set_viewport_size(DESKTOP)
        shoot(page, f"first-screen-{name}-1280x800")


def test_the_navigation_is_one_control_on_a_phone(new_page, site, js):
    page = new_page(viewport=PHONE, java_script_enabled=js)
    page.goto(site("/"))
    programs = page.locator("header nav").get_by_role("link", name="Programs", exact=True)
    assert not programs.is_visible()
    page.locator(".menu summary").click()
    assert programs.is_visible()
    page.set_viewport_size(DESKTOP)
    page.goto(site("/"))
    assert programs.is_visible() and not page.locator(".menu summary").is_visible()


def test_the_join_link_is_on_the_first_screen_of_an_online_meeting(new_page, site, js):
    page = new_page(viewport=PHONE, java_script_enabled=js)
    page.goto(site(f"/meetings/{site.online_slug}/"))
    assert within_first_screen(page, ".meeting-actions a.button")
    if js:
        shoot(page, "meeting-online-first-screen-390x844")


def test_the_address_and_directions_are_on_the_first_screen_of_an_in_person_meeting(new_page, site):
    page = new_page(viewport=PHONE)
    page.goto(site(f"/meetings/{site.in_person_slug}/"))
    assert within_first_screen(page, ".meeting-actions address")


def test_the_quick_choices_work_from_the_keyboard(new_page, site):
    page = new_page(viewport=PHONE)
    page.goto(site("/?near=19104"))
    # After a search the script puts focus on the results' heading; the bar is just above it.
    for _ in range(40):
        page.keyboard.press("Shift+Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Near or online":
            break
    else:
        pytest.fail("Tab never reached the quick choice “Near or online”")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"include_online=1"))
    assert page.locator('.quick a[aria-current="true"]', has_text="Near or online").count() == 1
    attendances = set(page.locator(".attendance").all_inner_texts())
    assert "Online" in attendances


def test_the_whole_flow_works_without_javascript(new_page, site):
    page = new_page(viewport=PHONE, java_script_enabled=False)
    page.goto(site("/"))
    page.get_by_label("Near (city or US ZIP code)").fill("19104")
    page.locator(".bar").get_by_role("button", name="Search").click()
    page.wait_for_url(re.compile(r"near=19104"))
    page.locator(".quick a", has_text="Later today").click()
    page.wait_for_url(re.compile(r"when=later_today"))
    page.locator(".quick a", has_text="Near or online").click()
    page.wait_for_url(re.compile(r"include_online=1"))
    assert "near=19104" in page.url and "when=later_today" in page.url
    page.locator(".meeting-name a").first.click()
    page.wait_for_url(re.compile(r"/meetings/[^/]+/\?tz=America%2FNew_York"))
    assert page.locator(".meeting-actions").count() == 1


def test_a_medication_word_finds_medication_friendly_meetings(new_page, site):
    page = new_page(viewport=PHONE)
    page.goto(site("/"))
    page.get_by_label("Keyword").fill("methadone")
    page.get_by_label("Keyword").press("Enter")
    page.wait_for_url(re.compile(r"q=methadone"))
    assert "showing Medication-Friendly" in page.locator(".understood").inner_text()
    assert page.locator(".meeting").count() > 0


@pytest.fixture
def tile_server():
    """A stand-in tile server on another origin, recording what it is asked for."""
    asked = []
    png = bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c63f8cfc0f01f0005000201a5d3c1f20000000049454e44ae426082"
    )

    class Tiles(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            asked.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(png)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Tiles)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", asked
    server.shutdown()


def test_the_map_asks_nothing_of_another_origin_until_the_visitor_asks(new_page, site, settings, tile_server):
    origin, asked = tile_server
    settings.MAP_TILE_URL = origin + "/{z}/{x}/{y}.png"
    page = new_page(viewport=PHONE)
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    # A query of its own: the page cache keeps a map page (with its tile address) for a minute.
    page.goto(site("/meetings/map/?near=19104&radius=24"), wait_until="networkidle")
    assert [url for url in requests if not url.startswith(site.url + "/")] == []
    assert asked == []
    assert "come from 127.0.0.1" in page.locator(".map-privacy").inner_text()
    # From the keyboard: the button, then a pin, whose popup links to its meeting.
    page.locator("#show-map").focus()
    page.keyboard.press("Enter")
    page.locator(".map-pin").first.wait_for()
    page.wait_for_timeout(500)
    assert asked, "the tiles are requested once the visitor asks"
    assert "Showing" in page.locator("#map-status").inner_text()
    page.locator(".map-pin").first.focus()
    page.keyboard.press("Enter")
    # A pin holds each meeting closer to it than a touch target: its popup links to every one.
    links = page.locator(".leaflet-popup-content a")
    assert links.count() >= 1 and all("/meetings/" in link.get_attribute("href") for link in links.all())
    shoot(page, "map-shown-390x844")
    found, report = violations(page, {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]})
    assert not found, report


def test_without_javascript_the_map_view_is_the_list_with_distances(new_page, site):
    page = new_page(viewport=PHONE, java_script_enabled=False)
    page.goto(site("/meetings/map/?near=19104"))
    assert page.locator("#map-needs-script").is_visible()
    assert not page.locator("#show-map").is_visible()
    assert re.search(r"\d+\.\d mi", page.locator(".meeting-meta").first.inner_text())
