"""Browser tests: Debian's headless Chromium, driven by Playwright, against a live server on the test database.

Playwright's sync API runs an asyncio event loop in this thread, which Django would take for async code and
refuse database access; the browser fixture sets DJANGO_ALLOW_ASYNC_UNSAFE for the browser package only (set
for the whole run it would leak into other tests' subprocesses, e.g. `check --deploy` refuses it).
"""

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.urls import NoReverseMatch, Resolver404, resolve, reverse

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# Playwright cannot download its own browser here; these flags keep Chromium from calling home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Philadelphia (University City): demo data has meetings within a few miles.
PHILADELPHIA = {"latitude": 39.9566, "longitude": -75.1899}
DEMO_COUNT = 150


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            # Makes pytest-django create the test database; each test runs in a transaction that is rolled
            # back (the package's seed is committed before, and flushed after the package).
            item.add_marker(pytest.mark.django_db)


def pytest_configure(config):
    # Spanish pages need the compiled catalogue; a checkout that skipped `make setup` gets it here.
    from scripts.compile_messages import compile_messages

    compile_messages()


def pytest_terminal_summary(terminalreporter):
    """Prints the page weights measured by test_light_pages.py (also in test-artifacts/page-weights.txt)."""
    import sys

    module = sys.modules.get("tests.browser.test_light_pages")
    if module is None or not module.WEIGHTS:
        return
    terminalreporter.section("page weights (gzip of each response body)")
    for name, rows in module.WEIGHTS.items():
        packed, raw = sum(row[3] for row in rows), sum(row[2] for row in rows)
        terminalreporter.write_line(f"{name}: {packed:,} bytes compressed ({raw:,} raw, {len(rows)} responses)")


def chromium_or_skip():
    """Skips locally without Chromium; in CI (env CI set) a missing browser is a failure, never a silent skip."""
    if Path(CHROMIUM).exists():
        return CHROMIUM
    message = (
        f"Chromium is not installed at {CHROMIUM}: the browser tests need Debian's chromium package "
        "(apt-get install chromium) or CHROMIUM_PATH pointing at a Chromium binary."
    )
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="package")
def browser():
    """One Chromium for the whole browser package; torn down before the rest of the suite runs.

    Package scope rather than session: Playwright's event loop must not stay running while the other
    (non-browser) tests use the database.
    """
    path = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch:
        # Before Playwright starts its event loop and before the seed touches the database.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        playwright = sync_playwright().start()
        chromium = playwright.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
        playwright.stop()


@dataclass
class Site:
    """The live server's address and a few known rows of the seeded demo directory."""

    url: str
    in_person_slug: str
    online_slug: str
    program_slug: str
    meeting_ids: list

    def __call__(self, path):
        return self.url + path


@pytest.fixture(scope="package")
def site(request, browser, django_db_setup, django_db_blocker):
    """The live server with a small demo directory, seeded once for the package and flushed afterwards.

    The tests only read (a suggestion form's POST aside), so one seed serves them all. The server is the one
    pytest-django's live_server fixture runs (its LiveServer helper, same address rules); the fixture itself is
    not used because it makes every test transactional, flushing the seed after the first test.
    """
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connections
    from pytest_django.live_server_helper import LiveServer

    from demo.data import demo_seed
    from meetings.models import Meeting

    with django_db_blocker.unblock():
        demo_seed(count=DEMO_COUNT)
        listed = Meeting.objects.listed().order_by("pk")
        in_person = listed.filter(attendance="in_person", location__isnull=False).first()
        online = listed.filter(attendance="online").first()
        address = request.config.getvalue("liveserver") or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost"
        server = LiveServer(address)
        yield Site(
            url=server.url,
            in_person_slug=in_person.slug,
            online_slug=online.slug,
            program_slug=in_person.program.slug,
            meeting_ids=[in_person.pk, online.pk],
        )
        server.stop()
        call_command("flush", interactive=False, verbosity=0)
        cache.clear()
        # Code running while Playwright's sync API is up has a context (and so a database connection) of its
        # own; left open, PostgreSQL refused to drop the test database "being accessed by other users".
        connections.close_all()


@pytest.fixture
def new_page(browser):
    """new_page(**context_options) -> a Page in a fresh context; every context is closed after the test."""
    contexts = []

    def make(**options):
        options.setdefault("locale", "en-US")
        options.setdefault("timezone_id", "America/New_York")
        context = browser.new_context(**options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(params=[True, False], ids=["js", "nojs"])
def js(request):
    """Runs a flow twice: with JavaScript, and without it (everything must work as plain HTML)."""
    return request.param


@pytest.fixture
def page(new_page, js):
    return new_page(java_script_enabled=js)


def url_or_skip(name, *args, **kwargs):
    """The path of a named URL, or a skip when a colleague's page is not part of this build yet."""
    try:
        path = reverse(name, args=args, kwargs=kwargs)
        resolve(path.split("?")[0])
    except (NoReverseMatch, Resolver404):
        pytest.skip(f"{name} is not part of this build yet")
    return path


# Every public page and state. Search pages carry tz= as search.js would add it (no redirect to wait for).
TZ = "tz=America%2FNew_York"
PUBLIC_PAGES = {
    "search": f"/?{TZ}",
    "search-results": f"/?attendance=in_person&day=1&{TZ}",
    "search-all-filters": f"/filters/?sort=day&{TZ}",
    "search-empty": f"/?q=zzzznothingmatches&{TZ}",
    "search-errors": f"/?near=Nowhereville+Qxz&radius=-3&{TZ}",
    "search-near-or-online": "/?near=19104&include_online=1&when=later_today",
    "search-keyword-note": "/?q=narconon&type=medication-friendly",
    "search-map": "/meetings/map/?near=19104",
    "meeting-in-person": lambda site: f"/meetings/{site.in_person_slug}/",
    "meeting-online": lambda site: f"/meetings/{site.online_slug}/?{TZ}",
    "programs": "/programs/",
    "program": lambda site: f"/programs/{site.program_slug}/",
    "about": "/about/",
    "privacy": "/privacy/",
    # A link to a meeting that is gone: the site's own static error page (templates/404.html).
    "not-found": "/meetings/no-such-meeting/",
    # Spanish words run longer: the Spanish results page is checked for overflow and contrast too.
    "search-es": f"/es/?attendance=online&{TZ}",
    # Colleagues' pages: (url name, args from the site, query); skipped while a URL does not resolve.
    "compare": ("groups:compare", lambda site: (), ""),
    "finder": ("groups:finder", lambda site: (), ""),
    "finder-answered": ("groups:finder", lambda site: (), "?who=self&medication=yes"),
    "referral-list": ("referrals:list", lambda site: ("-".join(str(pk) for pk in site.meeting_ids),), ""),
    "suggest-update": ("volunteers:suggest_update", lambda site: (site.in_person_slug,), ""),
    "suggest-new": ("volunteers:suggest_new", lambda site: (), ""),
    # Choosing programs, the finder near a place, and their Spanish pages (issues 23 and 24).
    "compare-chosen": ("groups:compare", lambda site: (), "?program=aa&program=smart-recovery&program=mara"),
    "compare-bad-choice": ("groups:compare", lambda site: (), "?program=aa&program=narconon"),
    "finder-near": ("groups:finder", lambda site: (), "?who=self&near=19104&medication=yes"),
    "finder-teen": ("groups:finder", lambda site: (), "?who=teen&near=19104"),
    "program-uncertain": ("groups:program", lambda site: ("activities-of-sober-living",), ""),
    "suggest-program": ("volunteers:suggest_program", lambda site: ("na",), "?fact=medication"),
    "program-es": "/es/programs/na/",
    "compare-chosen-es": "/es/programs/compare/?program=aa&program=smart-recovery&program=mara",
    "finder-near-es": "/es/programs/finder/?who=self&near=19104&medication=yes",
}
# The pages a visitor meets most, screenshotted at phone and desktop sizes.
MAIN_PAGES = [
    "search",
    "search-near-or-online",
    "search-map",
    "search-results",
    "search-all-filters",
    "meeting-in-person",
    "program",
    "compare",
    "finder-answered",
    "referral-list",
]


def public_path(site, name):
    """The path of a public page by name; a skip while a colleague's page is not part of this build."""
    entry = PUBLIC_PAGES[name]
    if isinstance(entry, str):
        return entry
    if callable(entry):
        return entry(site)
    url_name, args, query = entry
    return url_or_skip(url_name, *args(site)) + query
