"""Choosing the programs a clinician weighs, the finder near a place, the list in the patient's zone, and the
Spanish pages: on a phone and a desktop, with and without JavaScript, with axe-core finding nothing."""

import io
import re

import pytest
from pypdf import PdfReader

from tests.browser.test_accessibility import WCAG_TAGS, violations

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]}
THREE = "/programs/compare/?program=aa&program=smart-recovery&program=mara"


@pytest.fixture(params=[PHONE, DESKTOP], ids=["phone", "desktop"])
def viewport(request):
    return request.param


@pytest.fixture
def screen(new_page, js, viewport):
    page = new_page(java_script_enabled=js, viewport=viewport, is_mobile=viewport is PHONE)
    page.js_off = not js
    return page


# The pages (address and size) axe has checked with JavaScript on, in this test process.
CHECKED = set()


@pytest.fixture
def assert_accessible(new_page):
    """axe-core on the page a flow reached; axe is a script, so a flow run without JavaScript is checked on
    the same address (the same HTML) in a page of the same size with JavaScript on, unless the flow's run
    with JavaScript has just checked that page (its twin would be the same check again)."""

    def check(page):
        key = (page.url, page.viewport_size["width"], page.viewport_size["height"])
        if getattr(page, "js_off", False):
            if key in CHECKED:
                return
            twin = new_page(viewport=page.viewport_size)
            twin.goto(page.url)
            page = twin
        found, report = violations(page, AXE_OPTIONS)
        assert not found, f"{page.url}\n{report}"
        CHECKED.add(key)

    return check


def test_a_clinician_chooses_three_programs_to_compare(screen, site, viewport, assert_accessible):
    page = screen
    page.goto(site("/programs/compare/"))
    for name in ("Alcoholics Anonymous", "SMART Recovery", "Medication-Assisted Recovery Anonymous"):
        page.get_by_role("checkbox", name=name, exact=True).check()
    page.get_by_role("button", name="Compare these programs").click()
    page.wait_for_url(re.compile(r"program=aa&program=mara&program=smart-recovery|program=aa.*program=smart"))
    assert page.get_by_text("3 programs.", exact=True).is_visible()
    headers = page.locator("table.compare-columns thead th")
    assert headers.count() == 3
    assert page.locator("#share-link").input_value().startswith(site("/programs/compare/?program="))
    # Each fact cites its source as a reader expects, the quote one click away.
    assert page.locator("table.compare-columns .citation cite").count() >= 7
    assert page.locator("table.compare-columns details.quote").count() >= 7
    if viewport is PHONE:
        # Two programs side by side, the third a scroll away.
        boxes = [headers.nth(i).bounding_box() for i in range(3)]
        assert boxes[1]["x"] + boxes[1]["width"] <= PHONE["width"] + 40
        assert boxes[2]["x"] + boxes[2]["width"] > PHONE["width"]
        wrap = page.locator(".compare-chosen")
        assert wrap.evaluate("el => el.scrollWidth > el.clientWidth")
    assert_accessible(page)


def test_a_bad_choice_is_a_400_with_the_rest_kept(screen, site, assert_accessible):
    page = screen
    response = page.goto(site("/programs/compare/?program=aa&program=narconon"))
    assert response.status == 400
    assert page.get_by_role("alert").first.inner_text().startswith("We do not know the program “narconon”")
    assert page.get_by_role("checkbox", name="Alcoholics Anonymous", exact=True).is_checked()
    seven = "&".join(f"program={slug}" for slug in ("aa", "na", "ca", "cma", "dra", "dtr", "sos"))
    response = page.goto(site(f"/programs/compare/?{seven}"))
    assert response.status == 400
    assert "Choose at most 6 programs to compare (you chose 7)." in page.content()
    assert_accessible(page)


def test_printing_the_comparison_of_three_programs_gives_one_page(new_page, site):
    page = new_page()
    page.goto(site(THREE))
    page.emulate_media(media="print")
    # As Chromium prints it: on the page size the stylesheet asks for (A4 landscape, @page compare).
    pdf = PdfReader(io.BytesIO(page.pdf(format="Letter", print_background=False, prefer_css_page_size=True)))
    text = " ".join(p.extract_text() for p in pdf.pages)
    assert len(pdf.pages) == 1, f"the comparison took {len(pdf.pages)} pages"
    assert pdf.pages[0].mediabox.width > pdf.pages[0].mediabox.height  # landscape
    for name in ("Alcoholics Anonymous", "SMART Recovery", "Medication-Assisted"):
        assert name in re.sub(r"\s+", " ", text)
    assert "Find a meeting" not in text  # no navigation chrome


def test_the_finder_offers_meetings_near_19104_or_online(screen, site, assert_accessible):
    page = screen
    page.goto(site("/programs/finder/"))
    page.get_by_role("radio", name=re.compile("^For yourself")).check()
    page.get_by_label("Where is the person? (city or US ZIP code)").fill("19104")
    page.get_by_role("button", name="Show programs that fit").click()
    page.wait_for_url(re.compile(r"near=19104"))
    assert page.get_by_text("Meetings near 19104 (Philadelphia, PA) or online, soonest first.").is_visible()
    assert page.get_by_text("Times are in the time zone America/New_York.").is_visible()
    places = page.locator(".finder-result .meeting-meta").all_inner_texts()
    assert places
    for text in places:
        # An in-person meeting is in Philadelphia; anything else is online.
        assert "Philadelphia" in text or text.startswith("Online"), text
    assert_accessible(page)


def test_a_place_the_gazetteer_does_not_know_is_a_400_with_the_answers_kept(screen, site, assert_accessible):
    page = screen
    response = page.goto(site("/programs/finder/?who=self&basis=secular&near=Qwxzzy+Nowhere"))
    assert response.status == 400
    assert "We could not find “Qwxzzy Nowhere”" in page.get_by_role("alert").first.inner_text()
    assert page.get_by_role("radio", name="Secular (no higher power)").is_checked()
    assert_accessible(page)


def test_the_referral_list_keeps_the_zone_it_was_built_in(new_page, site, js, assert_accessible):
    # The clinician's browser is in New York; the patient is in Denver.
    page = new_page(java_script_enabled=js, timezone_id="America/New_York")
    page.js_off = not js
    page.goto(site("/programs/finder/?who=self&near=Denver%2C+CO"))
    add = page.locator("a", has_text="Add to referral list").first
    add.click()
    page.wait_for_load_state()
    page.locator(".referral-bar").get_by_role("link", name="view").click()
    page.wait_for_url(re.compile(r"/list/[\d-]+/\?tz=America%2FDenver|/list/[\d-]+/\?tz=America/Denver"))
    assert page.locator("#id_tz").input_value() == "America/Denver"
    assert re.search(r"\b(MST|MDT)\b", page.locator("main").inner_text())
    assert_accessible(page)


def test_the_spanish_pages_read_in_spanish(screen, site, assert_accessible):
    page = screen
    page.goto(site("/es/programs/na/"))
    description = page.locator("main > p[lang=es]").first
    assert description.inner_text().startswith("Narcóticos Anónimos (NA) es una comunidad")
    assert page.get_by_text("Con límites en su literatura").first.is_visible()
    assert page.locator("cite[lang=en]").count() >= 5  # source titles stay in their own language
    assert_accessible(page)
    page.goto(site("/es" + THREE))
    assert page.get_by_text("3 programas.", exact=True).is_visible()
    assert_accessible(page)
    page.goto(site("/es/programs/finder/?who=self&near=19104&medication=yes"))
    near = "Reuniones cerca de 19104 (Philadelphia, PA) o en línea, las más próximas primero."
    assert page.get_by_text(near).is_visible()
    reason = "Es para personas que quieren cambiar su propia relación con el alcohol o las drogas."
    assert page.get_by_text(reason).first.is_visible()
    assert_accessible(page)


def test_a_browser_preferring_spanish_is_offered_the_spanish_site_without_a_redirect_or_cookie(new_page, site, js):
    page = new_page(java_script_enabled=js, locale="es-MX")
    response = page.goto(site("/"))
    assert response.url == site("/") and response.status == 200
    offer = page.get_by_role("link", name="Este sitio también está en español.")
    assert offer.get_attribute("href") == "/es/"
    assert page.context.cookies() == []
    english = new_page(java_script_enabled=js, locale="en-US")
    english.goto(site("/"))
    assert english.get_by_role("link", name="Este sitio también está en español.").count() == 0
