"""With the database down, visitors get a static 503 page with the help-now lines; a bug gets a static 500.

The database is made unreachable where the driver is: every new connection fails as a stopped server's
would. Neither page may need the database, and no traceback or error text reaches the visitor.
"""

from unittest import mock

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils.html import escape

from interop import bmlt

pytestmark = pytest.mark.django_db(transaction=True)

HELP_LINE = escape(str(settings.HELP_NOW[0]["label"]))


@pytest.fixture
def visitor():
    return Client(raise_request_exception=False)


@pytest.fixture
def database_down():
    """Every connection to the database fails, as it does while PostgreSQL is stopped.

    On PostgreSQL, for real: the connection is closed and pointed at a socket where no server listens. A
    SQLite test database lives in memory and cannot be stopped: there, opening a cursor fails as the driver
    would (the same error, wrapped by Django the same way).
    """
    if connection.vendor == "postgresql":
        connection.close()
        with mock.patch.dict(connection.settings_dict, {"HOST": "/nonexistent-secret-host", "PORT": ""}):
            yield
        connection.close()
        return

    def refuse():
        with connection.wrap_database_errors:
            raise connection.Database.OperationalError("unable to open database file /nonexistent-secret-host")

    with mock.patch.object(connection, "ensure_connection", side_effect=refuse):
        yield


def assert_nothing_internal(text):
    assert "Traceback" not in text
    assert "secret-host" not in text


@pytest.mark.parametrize("path", ["/", "/meetings/?q=hope", "/programs/", "/programs/compare/", "/es/programs/"])
def test_a_page_says_unavailable_with_the_help_now_lines(visitor, database_down, path):
    response = visitor.get(path)

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    html = response.content.decode()
    assert_nothing_internal(html)
    assert "tel:988" in html


def test_the_page_is_in_the_visitors_language(visitor, database_down):
    english = visitor.get("/programs/").content.decode()
    spanish = visitor.get("/es/programs/").content.decode()

    assert "The directory is unavailable for a moment" in english and HELP_LINE in english
    assert 'lang="es"' in spanish and "El directorio no está disponible por un momento" in spanish


@pytest.mark.parametrize(
    "path", ["/meetings.json", "/client_interface/json/?switcher=GetFormats", "/api/meetings", "/api/meetings.geojson"]
)
def test_an_api_says_unavailable_in_json(visitor, database_down, path):
    response = visitor.get(path)

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "cannot be reached" in response.json()["error"]
    assert_nothing_internal(response.content.decode())


def test_a_visitor_with_a_session_gets_it_too(visitor, database_down):
    # The session is looked up in a middleware, before the page's view: the same page all the same.
    visitor.cookies["sessionid"] = "abcdefghijklmnopqrstuvwxyz012345"

    response = visitor.get("/programs/")

    assert response.status_code == 503
    assert "tel:988" in response.content.decode()


def test_healthz_still_answers_503_on_its_own(visitor, database_down):
    response = visitor.get("/healthz")

    assert response.status_code == 503
    assert response.content == b"database unreachable\n"


def test_a_bug_gets_the_static_500_page(visitor, settings):
    settings.ROOT_URLCONF = "tests.directory.timeout_urls"

    response = visitor.get("/fail/")

    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html and "tel:988" in html
    assert "0xDEADBEEF" not in html and "Traceback" not in html


def test_a_bug_in_an_api_gets_a_500_in_json(visitor, monkeypatch):
    monkeypatch.setattr(bmlt, "server_info", mock.Mock(side_effect=RuntimeError("secret detail 0xDEADBEEF")))

    response = visitor.get("/client_interface/json/", {"switcher": "GetServerInfo"})

    assert response.status_code == 500
    assert response.json() == {"error": "Something went wrong on our side. Please try again later."}


def test_the_failure_pages_read_nothing_from_the_database(visitor, settings, django_assert_num_queries):
    settings.ROOT_URLCONF = "tests.directory.timeout_urls"

    with django_assert_num_queries(0):
        assert visitor.get("/fail/").status_code == 500
