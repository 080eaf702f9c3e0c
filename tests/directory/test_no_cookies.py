"""Public pages set no cookies; a page showing a form sets only csrftoken, which ends with the visit."""

import pytest
from django.test import Client
from django.utils import translation

from tests.factories import make_meeting
from volunteers.models import ChangeRequest

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/",
    "/meetings/",
    "/meetings/?q=women&day=today",
    "meeting",
    "meeting calendar",
    "program",
    "/about/",
    "/privacy/",
    "/programs/",
    "/programs/compare/",
    "/programs/finder/",
    "/list/",
    "list",
    "list calendar",
    "/meetings/suggest/thanks/",
    "/es/",
    "/es/privacy/",
    "/api/meetings",
    "/meetings.json",
    "/client_interface/json/?switcher=GetServerInfo",
]
FORM_PAGES = ["/meetings/suggest/", "suggest update", "/es/meetings/suggest/"]


@pytest.fixture(autouse=True)
def _no_language_left_behind():
    # A request to an /es/ page leaves Spanish active in this thread, where later tests reverse() URLs.
    yield
    translation.deactivate()


def page_path(page):
    meeting = make_meeting()
    paths = {
        "meeting": meeting.get_absolute_url(),
        "meeting calendar": f"{meeting.get_absolute_url()}calendar.ics",
        "program": meeting.program.get_absolute_url(),
        "list": f"/list/{meeting.pk}/",
        "list calendar": f"/list/{meeting.pk}/meetings.ics",
        "suggest update": f"/meetings/{meeting.slug}/suggest/",
    }
    return paths.get(page, page)


@pytest.mark.parametrize("page", PUBLIC_PAGES)
def test_it_sets_no_cookie_on_a_public_page(client, page):
    response = client.get(page_path(page))

    assert response.status_code == 200
    assert not response.cookies, response.cookies


@pytest.mark.parametrize("page", FORM_PAGES)
def test_a_page_with_a_form_sets_only_a_csrf_cookie_that_ends_with_the_visit(client, page):
    response = client.get(page_path(page))

    assert response.status_code == 200
    assert set(response.cookies) == {"csrftoken"}
    cookie = response.cookies["csrftoken"]
    # No Max-Age and no Expires: a session cookie, deleted when the browser closes (Django's default is a year).
    assert cookie["max-age"] == "" and cookie["expires"] == "", cookie.output()
    assert cookie["samesite"] == "Lax"


def test_a_form_shown_again_with_its_errors_sets_the_same_kind_of_cookie(client):
    meeting = make_meeting()

    response = client.post(f"/meetings/{meeting.slug}/suggest/", {"reason": "time"})

    assert response.status_code == 400
    assert set(response.cookies) == {"csrftoken"}
    assert response.cookies["csrftoken"]["max-age"] == ""


def test_a_suggestion_without_the_forms_token_is_refused():
    meeting = make_meeting()
    browser = Client(enforce_csrf_checks=True)
    form = {"reason": "time", "weekday": meeting.weekday, "start_time": "19:30", "end_time": "20:30"}

    forged = browser.post(f"/meetings/{meeting.slug}/suggest/", form)
    page = browser.get(f"/meetings/{meeting.slug}/suggest/")
    sent = browser.post(
        f"/meetings/{meeting.slug}/suggest/", form | {"csrfmiddlewaretoken": page.context["csrf_token"]}
    )

    assert forged.status_code == 403
    assert sent.status_code == 302
    assert ChangeRequest.objects.count() == 1


@pytest.mark.parametrize("path", ["/privacy/", "/es/privacy/"])
def test_the_privacy_page_names_the_one_cookie_and_when_it_is_set(client, path):
    text = client.get(path).content.decode()

    assert "csrftoken" in text
    assert 'id="cookies"' in text
    assert "sets no cookies on public pages" not in text
