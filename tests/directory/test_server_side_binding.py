"""On PostgreSQL the search's parameters travel apart from its SQL, so psycopg can prepare repeated statements."""

import pytest
from django.db import connection
from django.urls import reverse


@pytest.mark.django_db
def test_it_binds_parameters_on_the_server_on_postgresql(client):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    client.get(reverse("search:page"), {"q": "hope"})
    from psycopg import ClientCursor

    with connection.cursor() as cursor:
        assert not isinstance(cursor.cursor, ClientCursor)
