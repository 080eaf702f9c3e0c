"""Public pages set no cookies: people looking for a meeting leave no trace on their device."""

import pytest
from django.urls import Resolver404, resolve

from tests.factories import make_meeting

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/",
    "/meetings/",
    "meeting",
    "program",
    "/about/",
    "/privacy/",
    "/programs/compare/",
    "/programs/finder/",
    "/list/",
]


def page_path(page):
    if page == "meeting":
        return make_meeting().get_absolute_url()
    if page == "program":
        return make_meeting().program.get_absolute_url()
    return page


@pytest.mark.parametrize("page", PUBLIC_PAGES)
def test_it_sets_no_cookie_on_a_public_page(client, page):
    path = page_path(page)
    try:
        match = resolve(path)
    except Resolver404:
        pytest.skip(f"{path} is not part of this build yet")
    if match.url_name == "detail" and page != "meeting":
        pytest.skip(f"{path} is not part of this build yet")

    response = client.get(path)

    assert response.status_code == 200
    assert not response.cookies, response.cookies


def test_it_sets_only_the_csrf_cookie_on_the_suggestion_form(client):
    meeting = make_meeting()

    response = client.get(f"/meetings/{meeting.slug}/suggest/")

    assert response.status_code == 200
    assert set(response.cookies) == {"csrftoken"}
