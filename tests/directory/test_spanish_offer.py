"""The English front page offers the Spanish site to a browser preferring Spanish: a link, no redirect, no cookie."""

import pytest

pytestmark = pytest.mark.django_db

OFFER = "Este sitio también está en español."


@pytest.mark.parametrize(
    ("header", "offered"),
    [("es-MX,es;q=0.9,en;q=0.5", True), ("es", True), ("en-US,es;q=0.5", False), ("fr", False), ("", False)],
)
def test_it_offers_spanish_only_to_a_browser_preferring_it(client, header, offered):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=header)
    assert response.status_code == 200
    assert (OFFER in response.content.decode()) is offered
    assert not response.cookies


def test_the_shared_page_cache_keeps_the_two_front_pages_apart(client, settings):
    settings.PAGE_CACHE_SECONDS = 60
    assert OFFER in client.get("/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert OFFER not in client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert OFFER in client.get("/", HTTP_ACCEPT_LANGUAGE="es").content.decode()


def test_it_offers_nothing_on_other_pages_or_in_spanish(client):
    assert OFFER not in client.get("/about/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert OFFER not in client.get("/es/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
