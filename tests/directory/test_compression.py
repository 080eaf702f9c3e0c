"""HTML and JSON are compressed by the project's own stack when the client accepts gzip."""

import gzip

import pytest
from django.urls import reverse

from tests.factories import make_meeting

pytestmark = pytest.mark.django_db


def test_it_compresses_the_search_page_and_the_api(client):
    for _ in range(5):
        make_meeting()
    for url in (reverse("home"), reverse("search:api")):
        response = client.get(url, headers={"accept-encoding": "gzip"})
        assert response.status_code == 200
        assert response["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in response["Vary"]
        assert len(gzip.decompress(response.content)) > 2 * len(response.content)


def test_it_sends_plain_text_to_a_client_without_gzip(client):
    response = client.get(reverse("home"))
    assert not response.has_header("Content-Encoding")
    assert b"<!doctype html>" in response.content
