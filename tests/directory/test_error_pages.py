"""A wrong address, an unreadable request and an expired form get the site's own page (in the visitor's
language, with the way back to the search and the help-now lines), or JSON from an API; never Django's stock
pages, and nothing of the request echoed."""

import pytest
from django.conf import settings
from django.test import Client
from django.utils.html import escape

pytestmark = pytest.mark.django_db

HELP_LINE = escape(str(settings.HELP_NOW[0]["label"]))


def test_a_missing_meeting_gets_the_sites_404_page_with_the_search_and_help_now(client):
    response = client.get("/meetings/no-such-meeting/")

    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Page not found</h1>" in html
    assert '<a href="/">Search meetings</a>' in html
    assert HELP_LINE in html and "tel:988" in html
    assert "no-such-meeting" not in html


def test_the_404_page_is_in_the_visitors_language(client):
    html = client.get("/es/meetings/no-such-meeting/").content.decode()

    assert 'lang="es"' in html and "Página no encontrada" in html
    assert '<a href="/es/">Buscar reuniones</a>' in html


def test_the_404_page_sets_no_cookie(client):
    assert not client.get("/no/such/page/").cookies


def test_a_host_we_do_not_serve_gets_the_sites_400_page():
    response = Client(HTTP_HOST="attacker.example").get("/")

    assert response.status_code == 400
    html = response.content.decode()
    assert "This request could not be read" in html and HELP_LINE in html
    assert "attacker.example" not in html


def test_an_api_answers_a_bad_request_in_json():
    response = Client(HTTP_HOST="attacker.example").get("/api/meetings")

    assert response.status_code == 400
    assert response.json() == {"error": "The address or the form sent could not be read. Start again."}


def test_too_many_parameters_get_the_sites_400_page(client):
    query = "&".join(f"k{number}=1" for number in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))

    response = client.get(f"/?{query}")

    assert response.status_code == 400
    assert "This request could not be read" in response.content.decode()


def test_a_form_sent_without_its_token_gets_the_sites_403_page():
    response = Client(enforce_csrf_checks=True).post("/meetings/suggest/", {"name": "Hope at noon"})

    assert response.status_code == 403
    html = response.content.decode()
    assert "This form could not be sent" in html and "reload it and send it again" in html
    assert "CSRF" not in html
