"""The field's own clients, unchanged, read our directory: crouton (BMLT, JSONP) and TSML UI (the Meeting Guide feed).

Each is mounted the documented way on a page served from a second loopback origin (clients.ClientServer), as
on an intergroup's website, so CORS and JSONP are exercised as a real site exercises them. The clients' files
are pinned copies (tests/browser/clients/README.md); nothing may ask for anything off this machine.
"""

import datetime as dt
import json
import re
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from interop.meeting_guide import JOIN_ON_REQUEST_NOTE
from tests.browser.clients import ClientServer
from tests.browser.conftest import ARTIFACTS, DEMO_COUNT

SCREENSHOTS = ARTIFACTS / "screenshots"
SPEC_TYPES = Path(__file__).resolve().parents[2] / "interop" / "data" / "spec-types.json"


@pytest.fixture(scope="package")
def client_site():
    """The static server of the client pages, on another port: another origin than the live server."""
    server = ClientServer()
    yield server
    server.stop()


def watched(page, site, client_site):
    """The page, with its console errors and any request off the two loopback origins collected (and refused)."""
    problems = {"console": [], "offsite": []}
    page.on("console", lambda message: message.type == "error" and problems["console"].append(message.text))
    page.on("pageerror", lambda error: problems["console"].append(str(error)))
    allowed = {urlsplit(site.url).netloc, urlsplit(client_site.url).netloc}

    def guard(route):
        if urlsplit(route.request.url).netloc in allowed or route.request.url.startswith("data:"):
            route.continue_()
        else:
            problems["offsite"].append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    return problems


def api(site, path):
    with urllib.request.urlopen(site(path), timeout=30) as response:
        return json.load(response)


# -- crouton -------------------------------------------------------------------------------------------------

WEEKDAYS = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"]


def crouton_url(site, client_site, programs):
    # A root URL ending in "/", as many sites paste it: crouton then asks for //client_interface/jsonp/.
    root = quote(site.url + "/", safe="")
    return f"{client_site.url}/crouton/?root={root}&services={','.join(programs)}"


def on_request(meeting):
    """A BMLT meeting online whose link is given on request: virtual, with notes and no link or phone."""
    return meeting["venue_type"] == "2" and not meeting["virtual_meeting_link"] and not meeting["phone_meeting_number"]


def test_crouton_lists_every_meeting_by_weekday_with_formats(new_page, site, client_site):
    bodies = api(site, "/client_interface/json/?switcher=GetServiceBodies")
    programs = [body["id"] for body in bodies if body["type"] == "WS"]
    ours = api(
        site, f"/client_interface/json/?switcher=GetSearchResults&get_used_formats&services={','.join(programs)}"
    )
    page = new_page()
    problems = watched(page, site, client_site)
    jsonp = []
    page.on("request", lambda request: "client_interface" in request.url and jsonp.append(request.url))

    page.goto(crouton_url(site, client_site, programs))
    page.wait_for_selector("[data-crouton-done]", timeout=20_000)
    page.wait_for_selector("#bmlt-tabs tr.bmlt-data-row", state="attached", timeout=20_000)
    page.screenshot(path=str(SCREENSHOTS / "crouton.png"))

    # Only JSONP, from the intergroup's origin to ours, through the doubled slash of the pasted root URL.
    assert jsonp and all("//client_interface/jsonp/" in url for url in jsonp)
    rows = page.locator("#bmlt-tabs tr.bmlt-data-row")
    assert rows.count() == len(ours["meetings"]) == DEMO_COUNT
    shown = Counter(
        page.eval_on_selector_all("#bmlt-tabs tr.bmlt-data-row", "rows => rows.map(r => r.dataset.weekdays)")
    )
    expected = Counter(WEEKDAYS[int(item["weekday_tinyint"]) - 1] for item in ours["meetings"])
    assert shown == expected
    # Formats matched to meetings by root_server_uri: the filter lists them by name.
    options = set(page.locator("#filter-dropdown-formats option").all_inner_texts())
    assert {entry["name_string"] for entry in ours["formats"]} <= options
    asked = [item for item in ours["meetings"] if on_request(item)]
    assert asked, "the demo directory has meetings whose link is given on request"
    for item in asked:
        row = page.locator(f"#meeting-data-row-{item['id_bigint']}")
        assert row.get_attribute("data-venues") == "virtual"
        assert item["virtual_meeting_additional_info"] in row.inner_text()
    assert problems == {"console": [], "offsite": []}


# -- TSML UI -------------------------------------------------------------------------------------------------


def tsml_ui_page(new_page, site, client_site, query=""):
    page = new_page()
    problems = watched(page, site, client_site)
    problems["warnings"] = []
    page.on(
        "console",
        lambda message: (
            message.type == "warning"
            and message.text.startswith("TSML UI")
            and problems["warnings"].append(message.text)
        ),
    )
    page.goto(f"{client_site.url}/tsml-ui/?feed={quote(site.url + '/meetings.json', safe='')}{query}")
    page.wait_for_selector("#tsml-ui td.tsml-name", timeout=20_000)
    return page, problems


def tsml_ui_rows(page):
    """Every row TSML UI lists (those in progress are in the list too): it adds 25 rows as one scrolls."""
    # Scrolled to the bottom until a scroll adds nothing within 3 s (TSML UI adds 25 rows as its loader comes into
    # view; on a busy machine that took longer than the 300 ms a fixed wait gave it).
    count = page.locator("#tsml-ui td.tsml-name").count()
    while True:
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        try:
            page.wait_for_function(
                "n => document.querySelectorAll('#tsml-ui td.tsml-name').length > n", arg=count, timeout=3000
            )
        except PlaywrightTimeoutError:
            break
        count = page.locator("#tsml-ui td.tsml-name").count()
    return page.locator("#tsml-ui tbody").last.locator("tr:has(td.tsml-name)")


def weekday_where_viewed(item, zone="America/New_York"):
    """The weekday (0 = Sunday) a meeting falls on in the viewer's zone: TSML UI shows each at the viewer's time."""
    local = ZoneInfo(item["timezone"])
    hours, minutes = map(int, item["time"].split(":"))
    # A week in January, away from any change of clocks in either hemisphere... and the same in every run.
    sunday = dt.date(2030, 1, 6)
    start = dt.datetime.combine(sunday + dt.timedelta(days=item["day"]), dt.time(hours, minutes), tzinfo=local)
    return (start.astimezone(ZoneInfo(zone)).weekday() + 1) % 7


def test_tsml_ui_lists_every_meeting_of_our_feed_without_a_warning(new_page, site, client_site):
    feed = api(site, "/meetings.json")
    page, problems = tsml_ui_page(new_page, site, client_site)
    page.screenshot(path=str(SCREENSHOTS / "tsml-ui.png"))

    assert tsml_ui_rows(page).count() == len(feed) == DEMO_COUNT
    assert problems == {"console": [], "offsite": [], "warnings": []}


@pytest.mark.parametrize("day", [0, 1, 6])
def test_tsml_ui_counts_per_weekday_equal_our_feeds(new_page, site, client_site, day):
    feed = api(site, "/meetings.json")
    page, problems = tsml_ui_page(new_page, site, client_site, f"&weekday={WEEKDAYS[day]}")

    assert tsml_ui_rows(page).count() == sum(1 for item in feed if weekday_where_viewed(item) == day)
    assert problems["console"] == []


def test_tsml_ui_shows_online_meetings_as_online(new_page, site, client_site):
    feed = api(site, "/meetings.json")
    page, problems = tsml_ui_page(new_page, site, client_site, "&type=online")

    rows = tsml_ui_rows(page)
    assert rows.count() == sum(1 for item in feed if item.get("conference_url") or item.get("conference_phone"))
    assert problems["console"] == []


def test_tsml_ui_shows_a_meetings_types_by_name(new_page, site, client_site):
    feed = api(site, "/meetings.json")
    names = json.loads((SPEC_TYPES).read_text(encoding="utf-8"))
    # A name only one meeting has: TSML UI's first row of a shared name may be another day's meeting.
    shared = {name for name in (item["name"] for item in feed) if sum(i["name"] == name for i in feed) > 1}
    meeting = next(
        item
        for item in feed
        if len(item["types"]) >= 2
        and "TC" not in item["types"]
        and item["name"] not in shared
        and item["attendance_option"] != "inactive"
        and JOIN_ON_REQUEST_NOTE not in item.get("notes", "")  # TSML UI lists those under Inactive only
    )
    page, problems = tsml_ui_page(new_page, site, client_site, f"&search={quote(meeting['name'])}")

    page.locator("#tsml-ui td.tsml-name", has_text=meeting["name"]).first.click()
    page.wait_for_url(re.compile(re.escape(meeting["slug"])))
    detail = page.locator("#tsml-ui").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "tsml-ui-meeting.png"))
    for code in meeting["types"]:
        assert names[code]["en"] in detail
    assert problems["console"] == []


def test_tsml_ui_tells_how_to_join_a_meeting_whose_link_is_given_on_request(new_page, site, client_site):
    """TSML UI calls a meeting online only for a conference_url of a known provider or a dialable conference_phone
    (src/helpers/load-meeting-data.ts, isOnline), and drops conference_url_notes without a URL: a link given on
    request has neither, so TSML UI, unchanged, files it under Inactive whatever the feed says (attendance_option
    "online" included). What it does show is the meeting's notes, which say how to join."""
    feed = api(site, "/meetings.json")
    asked = [item for item in feed if JOIN_ON_REQUEST_NOTE in item.get("notes", "")]
    assert asked, "the demo directory has meetings whose link is given on request"
    # Online only: under Inactive in TSML UI. Hybrid (the demo data may hold only these): in person, so active.
    online = [item for item in asked if item["attendance_option"] == "online"]
    page, problems = tsml_ui_page(new_page, site, client_site, "&type=inactive" if online else "")

    listed = set(tsml_ui_rows(page).locator("td.tsml-name").all_inner_texts())
    assert {item["name"] for item in online or asked} <= listed
    shown = (online or asked)[0]
    page.locator("#tsml-ui td.tsml-name", has_text=shown["name"]).first.click()
    page.wait_for_url(re.compile(re.escape(shown["slug"])))
    page.screenshot(path=str(SCREENSHOTS / "tsml-ui-on-request.png"))
    assert JOIN_ON_REQUEST_NOTE in page.locator("#tsml-ui").inner_text()
    assert problems["console"] == []
