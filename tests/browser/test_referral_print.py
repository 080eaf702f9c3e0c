"""A clinician goes from the finder to a printed handout: the list page prints to PDF in Chromium."""

import io
import re

from pypdf import PdfReader

from tests.browser.conftest import url_or_skip

FINDER = "/programs/finder/?who=self&substances=either&basis=secular&medication=yes&gender=anyone&attendance=online"


def test_it_prints_a_handout_of_four_meetings_from_the_finder(new_page, site):
    url_or_skip("groups:finder")
    page = new_page()
    page.goto(site(FINDER))
    names = []
    for _ in range(4):
        add = page.locator("a", has_text="Add to referral list").first
        names.append(add.locator(".visually-hidden").inner_text().lstrip(": ").strip())
        add.click()
        page.wait_for_load_state()
    page.locator(".referral-bar").get_by_role("link", name="view").click()
    page.wait_for_url(re.compile(r"/list/[\w-]+/"))

    page.emulate_media(media="print")
    pdf = PdfReader(io.BytesIO(page.pdf(format="Letter", print_background=False)))
    text = " ".join(p.extract_text() for p in pdf.pages)
    squeezed = re.sub(r"\s+", "", text)
    assert 1 <= len(pdf.pages) <= 2, f"the handout took {len(pdf.pages)} pages"
    for name in names:
        assert re.sub(r"\s+", "", name) in squeezed  # each chosen meeting is on the handout
    assert "Printed" in text
    assert "Find a meeting" not in text  # no navigation chrome
