"""The time limit on anonymous public database work (PostgreSQL): a 503 when it is hit, and no leak.

Each test runs real statements (pg_sleep) on PostgreSQL, outside a test transaction (a cancelled statement
would break it), through the views of tests/directory/timeout_urls.py and the BMLT interface.
"""

import pytest
from django.contrib.auth import get_user_model
from django.db import OperationalError, connection
from django.test import Client

from interop import bmlt

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="statement_timeout is PostgreSQL's"),
]

LIMIT_MS = 200


@pytest.fixture(autouse=True)
def limited(settings):
    settings.PUBLIC_STATEMENT_TIMEOUT_MS = LIMIT_MS
    settings.ROOT_URLCONF = "tests.directory.timeout_urls"


@pytest.fixture
def visitor():
    # A new client loads the middleware with the settings above; failures become pages, as in production.
    return Client(raise_request_exception=False)


def session_limit():
    with connection.cursor() as cursor:
        cursor.execute("SHOW statement_timeout")
        return cursor.fetchone()[0]


def test_it_limits_an_anonymous_request(visitor):
    assert visitor.get("/limit/").content == f"{LIMIT_MS}ms".encode()


def test_a_slow_statement_is_cut_off_with_a_friendly_503(visitor):
    response = visitor.get("/sleep/", {"seconds": "5"})

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    html = response.content.decode()
    assert "The directory is busy" in html
    assert "988" in html  # the help-now lines
    assert "pg_sleep" not in html and "canceling statement" not in html


def test_the_bmlt_interface_answers_a_slow_statement_with_a_503_in_json(visitor, monkeypatch):
    def slow_formats():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(5)")

    monkeypatch.setattr(bmlt, "used_format_ids", slow_formats)
    response = visitor.get("/client_interface/json/", {"switcher": "GetFormats"})

    assert response.status_code == 503
    assert response["Retry-After"] == "60"
    assert "took too long" in response.json()["error"]


def test_the_limit_holds_while_a_streamed_answer_is_written(visitor):
    response = visitor.get("/sleep-while-streaming/", {"seconds": "5"})
    chunks = iter(response.streaming_content)

    assert next(chunks) == b"first chunk\n"
    with pytest.raises(OperationalError, match="statement timeout"):
        next(chunks)


def test_the_limit_does_not_outlive_the_request(visitor):
    visitor.get("/sleep/", {"seconds": "0"})
    assert session_limit() == "0"

    visitor.get("/sleep/", {"seconds": "5"})  # cut off
    assert session_limit() == "0"

    response = visitor.get("/sleep-while-streaming/", {"seconds": "0"})
    assert b"".join(response.streaming_content) == b"first chunk\nslept\n"
    assert session_limit() == "0"


def test_the_next_request_on_the_same_connection_is_not_limited_if_it_is_an_admins(visitor):
    visitor.get("/sleep/", {"seconds": "0"})
    assert visitor.get("/admin/limit/").content == b"0"


def test_a_signed_in_volunteer_is_not_limited(visitor):
    volunteer = get_user_model().objects.create_user("editor", password="a long enough password", is_staff=True)
    visitor.force_login(volunteer)

    assert visitor.get("/limit/").content == b"0"
    assert visitor.get("/sleep/", {"seconds": "0.5"}).status_code == 200


def test_it_can_be_turned_off(settings):
    settings.PUBLIC_STATEMENT_TIMEOUT_MS = 0

    assert Client().get("/limit/").content == b"0"
