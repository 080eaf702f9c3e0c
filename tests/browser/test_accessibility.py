"""WCAG 2.2 AA in a real browser: axe-core finds zero violations on every public page and state, in light and
dark schemes; the search page works from the keyboard alone, with focus always visible."""

import pytest
from axe_playwright_python.base import AxeResults
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import PUBLIC_PAGES, TZ, public_path

AXE = Axe()
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
LANDMARKS = {
    "banner": "body > header",
    "navigation": "body > header nav",
    "main": "body > main",
    "contentinfo": "body > footer",
}


def violations(page, options):
    """axe-core's violations on the page as it is now; axe is injected once per document."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE.axe_script)
    found = page.evaluate("options => axe.run(document, options).then(r => r.violations)", options)
    return found, AxeResults({"violations": found}).generate_report() if found else ""


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_it_has_no_wcag_violations_in_light_and_dark_schemes(new_page, site, name):
    path = public_path(site, name)
    page = new_page(color_scheme="light")
    page.goto(site(path))
    found, report = violations(page, {"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]})
    assert not found, f"{path}\n{report}"
    # The same document in the dark scheme (as a color_scheme="dark" context shows it): contrast again.
    page.emulate_media(color_scheme="dark")
    assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
    found, report = violations(
        page, {"runOnly": {"type": "rule", "values": ["color-contrast"]}, "resultTypes": ["violations"]}
    )
    assert not found, f"{path} (dark scheme)\n{report}"


def test_a_dark_scheme_context_gets_the_dark_colours(new_page, site):
    page = new_page(color_scheme="dark")
    page.goto(site(public_path(site, "about")))
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(20, 23, 27)"
    found, report = violations(
        page, {"runOnly": {"type": "rule", "values": ["color-contrast"]}, "resultTypes": ["violations"]}
    )
    assert not found, report


# Landmarks come from base.html; axe checks labels on every page, this checks them without JS on the forms.
@pytest.mark.parametrize("name", ["search-all-filters", "meeting-in-person", "compare", "suggest-new"])
def test_it_has_landmarks_and_labels(new_page, site, name):
    path = public_path(site, name)
    page = new_page(java_script_enabled=False)
    page.goto(site(path))
    for role, selector in LANDMARKS.items():
        assert page.get_by_role(role).count() >= 1, f"{path}: no {role} landmark"
        assert page.locator(selector).count() == 1, f"{path}: one {selector}"
    assert page.locator("main").count() == 1
    unlabelled = page.eval_on_selector_all(
        "input:not([type=hidden]), select, textarea",
        """els => els.filter(el => !el.closest('[hidden]'))
                    .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                                  && !el.getAttribute('aria-labelledby'))
                    .map(el => el.name || el.id)""",
    )
    assert unlabelled == [], f"{path}: controls without a label: {unlabelled}"


def test_the_skip_link_moves_focus_to_main(new_page, site):
    page = new_page()
    page.goto(site(public_path(site, "search")))
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert skip.is_visible()
    assert skip.bounding_box()["y"] >= 0, "the focused skip link is on screen"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    assert page.url.endswith("#main")


KEY = """el => el.id || (el.name ? el.name + '=' + el.value
                                 : el.tagName.toLowerCase() + ':' + el.textContent.trim().slice(0, 40))"""
FOCUS_STATE = f"""() => {{
  const el = document.activeElement, style = getComputedStyle(el);
  return {{key: ({KEY})(el), tag: el.tagName.toLowerCase(), outline: style.outlineStyle,
          width: parseFloat(style.outlineWidth), open: el.tagName === 'SUMMARY' && el.parentElement.open}};
}}"""
# Every visible control of the search form (the hidden "near me" button without JS is not a control).
CONTROLS = f"""() => Array.from(document.getElementById('search-form').querySelectorAll(
    'input:not([type=hidden]), select, button, summary, a'))
  .filter(el => el.getClientRects().length > 0).map({KEY})"""


@pytest.mark.parametrize("js", [True, False], ids=["js", "nojs"])
def test_every_search_control_is_reachable_by_keyboard_with_visible_focus(new_page, site, js):
    page = new_page(java_script_enabled=js)
    # No search yet: search.js would move focus to the results heading (tested in test_search_flow.py).
    page.goto(site(f"/?{TZ}"))
    reached, invisible = [], []
    for _ in range(250):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUS_STATE)
        if state["tag"] == "body" or state["key"] in reached:
            break
        reached.append(state["key"])
        if state["outline"] == "none" or state["width"] <= 0:
            invisible.append(state)
        if state["tag"] == "summary" and not state["open"]:
            # Opening "More filters" from the keyboard reveals its controls, which the next Tabs must reach.
            page.keyboard.press("Enter")
    assert not invisible, f"focus not visible on: {invisible[:5]}"
    missing = [control for control in page.evaluate(CONTROLS) if control not in reached]
    assert not missing, f"not reachable by Tab: {missing}; reached: {reached}"
