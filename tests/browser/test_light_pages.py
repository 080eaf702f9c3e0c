"""Light, private pages: nothing leaves our origin, no cookies, the first search page under 50 kB compressed,
and static files compressed and cache-busted by whitenoise's manifest storage."""

import gzip
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser.conftest import ARTIFACTS, PUBLIC_PAGES, public_path

BASE_DIR = Path(__file__).resolve().parents[2]
FIRST_PAGE_BUDGET = 30 * 1024
# Forms that POST carry Django's CSRF token, and so its cookie; every other public page sets none.
FORM_PAGES = {"suggest-update", "suggest-new", "suggest-program"}
# Measured weights, printed in pytest's terminal summary (see conftest.py) and written to test-artifacts/.
WEIGHTS = {}


def record(page):
    """Collects every request the page makes, and each response's body size raw and gzip-compressed."""
    requests, responses = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("response", lambda response: responses.append(response))
    return requests, responses


def weigh(responses):
    rows = []
    for response in responses:
        if response.status in (301, 302, 303, 307, 308):
            body = b""
        else:
            body = response.body()
        kind = response.headers.get("content-type", "").split(";")[0]
        rows.append((response.url, kind, len(body), len(gzip.compress(body, 6)) if body else 0))
    return rows


def write_weights():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    lines = ["Page weights (bytes; gzip -6 of each response body, as whitenoise and a proxy would send them)", ""]
    for name, rows in WEIGHTS.items():
        raw, packed = sum(row[2] for row in rows), sum(row[3] for row in rows)
        lines.append(f"{name}: {packed:,} compressed ({raw:,} raw) in {len(rows)} responses")
        for url, kind, size, compressed in rows:
            lines.append(f"    {compressed:>8,} {size:>8,}  {kind:<24} {re.sub(r'^https?://[^/]+', '', url)}")
    (ARTIFACTS / "page-weights.txt").write_text("\n".join(lines) + "\n")
    return lines


def test_the_first_visit_is_one_document_under_30_kb_transferred(new_page, site):
    page = new_page()
    rows = []

    def weigh_in_passing(route):
        # Through a route, so the first document's body is weighed even though search.js navigates away.
        response = route.fetch()
        body = response.body()
        kind = response.headers.get("content-type", "").split(";")[0]
        rows.append((route.request.url, kind, len(body), len(gzip.compress(body, 6)) if body else 0))
        route.fulfill(response=response)

    page.route("**/*", weigh_in_passing)
    # A first visit, as a phone would make it: search.js shows the visitor's times without reloading.
    documents = []
    page.on("framenavigated", lambda frame: documents.append(frame.url))
    page.goto(site("/"), wait_until="networkidle")
    page.wait_for_timeout(300)
    WEIGHTS["first search page (/, with CSS and JS)"] = rows
    assert documents == [site("/")], documents
    assert [row for row in rows if row[1] == "text/html"] == rows[:1], "one HTML document per visit"
    total = sum(row[3] for row in rows)
    for line in write_weights():
        print(line)
    kinds = {row[1] for row in rows}
    assert "text/html" in kinds and "text/css" in kinds and any("javascript" in kind for kind in kinds), kinds
    assert total < FIRST_PAGE_BUDGET, f"{total:,} bytes compressed"


def test_no_public_page_leaves_our_origin_sets_a_cookie_or_inlines_code(new_page, site):
    # One page visits them all (a fresh context per page would only cost time); cookies are checked per page.
    page = new_page()
    requests, responses = record(page)
    problems, missing = [], []
    for name in PUBLIC_PAGES:
        try:
            path = public_path(site, name)
        except pytest.skip.Exception:
            missing.append(name)
            continue
        requests.clear()
        responses.clear()
        page.context.clear_cookies()
        page.goto(site(path))
        page.wait_for_load_state("load")
        foreign = [url for url in requests if not url.startswith(site.url + "/")]
        if foreign:
            problems.append(f"{path} asked another origin for: {foreign}")
        WEIGHTS[name] = weigh(responses)
        if name not in FORM_PAGES and page.context.cookies():
            problems.append(f"{path} set a cookie: {page.context.cookies()}")
        # All script and style come from files: nothing inline for a strict Content-Security-Policy to block.
        inline = page.evaluate(
            """() => ({scripts: document.querySelectorAll('script:not([src])').length,
                       styles: document.querySelectorAll('style, [style]').length})"""
        )
        if inline != {"scripts": 0, "styles": 0}:
            problems.append(f"{path}: inline script or style {inline}")
    write_weights()
    assert not problems, "\n".join(problems)
    if missing:
        pytest.skip(f"not part of this build yet: {missing}")


def test_static_files_are_compressed_and_cache_busted(tmp_path):
    # collectstatic in a subprocess with production's storage, into a throwaway STATIC_ROOT.
    script = (
        "import sys, django; django.setup(); from django.conf import settings; "
        "settings.STATIC_ROOT = sys.argv[1]; from django.core.management import call_command; "
        "call_command('collectstatic', interactive=False, verbosity=0)"
    )
    env = os.environ | {
        "DJANGO_SETTINGS_MODULE": "directory.settings",
        "STATIC_MANIFEST": "true",
        "DEBUG": "false",
        "SECRET_KEY": "collectstatic-test-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    }
    subprocess.run([sys.executable, "-c", script, str(tmp_path)], cwd=BASE_DIR, env=env, check=True, timeout=120)

    assert (tmp_path / "staticfiles.json").exists()
    hashed = [p for p in (tmp_path / "css").glob("site.*.css") if re.fullmatch(r"site\.[0-9a-f]{12}\.css", p.name)]
    assert hashed, sorted(p.name for p in (tmp_path / "css").iterdir())
    assert hashed[0].with_name(hashed[0].name + ".gz").exists()
    assert list((tmp_path / "js").glob("search.*.js.gz"))
