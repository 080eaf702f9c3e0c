from unittest import mock

import pytest
from django.db import OperationalError


@pytest.mark.django_db
def test_it_answers_ok_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok\n"


@pytest.mark.django_db
def test_it_answers_503_when_the_database_does_not(client):
    with mock.patch("directory.views.connection.cursor", side_effect=OperationalError("down")):
        response = client.get("/healthz")
    assert response.status_code == 503
