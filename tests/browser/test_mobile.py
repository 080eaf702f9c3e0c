"""Phone first: no page scrolls sideways at 360x740 or at 1280x800; screenshots of the main pages at both sizes."""

import pytest

from tests.browser.conftest import ARTIFACTS, MAIN_PAGES, PUBLIC_PAGES, public_path

SIZES = [{"width": 360, "height": 740}, {"width": 1280, "height": 800}]
OVERFLOW = """() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth,
  wide: Array.from(document.querySelectorAll('body *'))
    .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
    .slice(0, 5).map(el => el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''))})"""


@pytest.mark.parametrize("name", PUBLIC_PAGES)
def test_nothing_overflows_horizontally(new_page, site, name):
    path = public_path(site, name)
    page = new_page(viewport=SIZES[0])
    page.goto(site(path))
    for size in SIZES:
        page.set_viewport_size(size)
        found = page.evaluate(OVERFLOW)
        assert found["scroll"] <= found["inner"], f"{path} at {size['width']}px scrolls sideways: {found['wide']}"
        if name in MAIN_PAGES:
            target = ARTIFACTS / "screenshots" / f"{name}-{size['width']}x{size['height']}.png"
            target.parent.mkdir(parents=True, exist_ok=True)
            # The first screen, which is what a visitor sees first (full-page shots of long lists cost seconds).
            page.screenshot(path=str(target))
