"""Public search pages are shared for the rest of their minute; anything personal never is."""

from datetime import UTC, datetime
from unittest import mock

import pytest
from django.core.cache import cache

from tests.factories import make_meeting

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 11, 23, 12, 0, 5, tzinfo=UTC)


@pytest.fixture
def page_cache(settings):
    settings.PAGE_CACHE_SECONDS = 60
    cache.clear()
    with mock.patch("directory.pagecache.timezone.now", return_value=NOON) as now:
        yield now
    cache.clear()


def test_a_second_visitor_in_the_same_minute_gets_the_same_page_without_a_query(
    client, page_cache, django_assert_num_queries
):
    make_meeting(name="Morning Light")
    first = client.get("/meetings/?sort=day")
    assert b"Morning Light" in first.content
    with django_assert_num_queries(0):
        second = client.get("/meetings/?sort=day")
    assert second.status_code == 200
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]
    assert not second.cookies


def test_a_change_shows_up_in_the_next_minute(client, page_cache):
    meeting = make_meeting(name="Morning Light")
    client.get("/meetings/?sort=day")
    meeting.name = "Evening Light"
    meeting.save()
    assert b"Morning Light" in client.get("/meetings/?sort=day").content  # same minute: the kept page
    page_cache.return_value = NOON.replace(minute=1)
    assert b"Evening Light" in client.get("/meetings/?sort=day").content


def test_while_one_request_makes_the_new_minutes_page_the_others_get_the_previous_one(client, page_cache):
    from directory.pagecache import page_cache_key

    meeting = make_meeting(name="Morning Light")
    client.get("/meetings/?sort=day")
    meeting.name = "Evening Light"
    meeting.save()
    page_cache.return_value = NOON.replace(minute=1)
    request = client.get("/meetings/?sort=day").wsgi_request
    cache.delete(page_cache_key(request))
    client.get("/meetings/?sort=day")  # a fresh page for 12:01 ...
    page_cache.return_value = NOON.replace(minute=2)
    meeting.name = "Night Light"
    meeting.save()
    cache.add(page_cache_key(request) + ":refreshing", 1, 30)  # ... and someone is making 12:02's
    assert b"Evening Light" in client.get("/meetings/?sort=day").content
    cache.delete(page_cache_key(request) + ":refreshing")
    assert b"Night Light" in client.get("/meetings/?sort=day").content


def test_a_bad_search_is_kept_as_the_same_400(client, page_cache, django_assert_num_queries):
    assert client.get("/api/meetings?day=9").status_code == 400
    with django_assert_num_queries(0):
        again = client.get("/api/meetings?day=9")
    assert again.status_code == 400
    assert b"errors" in again.content


def test_a_request_with_a_cookie_is_neither_served_from_nor_stored_in_the_cache(client, page_cache):
    meeting = make_meeting(name="Morning Light")
    client.cookies["sessionid"] = "volunteer"
    client.get("/meetings/?sort=day")
    meeting.name = "Evening Light"
    meeting.save()
    assert b"Evening Light" in client.get("/meetings/?sort=day").content
    del client.cookies["sessionid"]
    assert b"Evening Light" in client.get("/meetings/?sort=day").content


def test_other_queries_and_languages_are_kept_apart(client, page_cache):
    make_meeting(name="Morning Light")
    english = client.get("/meetings/?sort=day").content
    spanish = client.get("/es/meetings/?sort=day").content
    assert english != spanish
    assert client.get("/meetings/?sort=day&page=1").status_code == 200


def test_a_page_asked_for_by_another_host_name_is_kept_apart(client, page_cache, settings):
    settings.ALLOWED_HOSTS = ["meetings.example.org", "evil.example"]
    make_meeting(name="Morning Light")

    poisoned = client.get("/api/meetings?sort=day", HTTP_HOST="evil.example")
    honest = client.get("/api/meetings?sort=day", HTTP_HOST="meetings.example.org")

    assert poisoned.json()["results"][0]["url"].startswith("http://evil.example/")
    assert honest.json()["results"][0]["url"].startswith("http://meetings.example.org/")


def test_a_page_asked_for_over_another_scheme_is_kept_apart(client, page_cache, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    make_meeting(name="Morning Light")

    plain = client.get("/api/meetings?sort=day", HTTP_X_FORWARDED_PROTO="http")
    secure = client.get("/api/meetings?sort=day", HTTP_X_FORWARDED_PROTO="https")

    assert plain.json()["results"][0]["url"].startswith("http://testserver/")
    assert secure.json()["results"][0]["url"].startswith("https://testserver")
