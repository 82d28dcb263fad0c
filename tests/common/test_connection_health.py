"""A kept database connection is checked before each request's first query without a round trip
to the server (common/postgresql/base.py), and one the server closed is still replaced."""

import time

import psycopg
import pytest
from django.db import connection

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the check reads a PostgreSQL connection's socket"
)


def forbid_queries(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the health check sent a query")

    monkeypatch.setattr(connection.connection, "cursor", refuse)
    monkeypatch.setattr(connection.connection, "execute", refuse)


@pytest.mark.django_db(transaction=True)
def test_an_idle_connection_is_usable_without_a_query(monkeypatch):
    connection.ensure_connection()
    forbid_queries(monkeypatch)
    assert connection.is_usable()


@pytest.mark.django_db(transaction=True)
def test_a_connection_the_server_closed_is_replaced_before_the_next_request(client, monkeypatch):
    connection.ensure_connection()
    backend = connection.connection.info.backend_pid
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    with psycopg.connect(**params, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [backend])
    # The server's "terminating connection" reaches the socket at once, but not instantly.
    deadline = time.monotonic() + 5
    while connection.is_usable() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not connection.is_usable()

    # As a request begins: Django's CONN_HEALTH_CHECKS asks is_usable() and connects anew.
    connection.health_check_enabled = True
    connection.health_check_done = False
    connection.close_if_health_check_failed()
    assert connection.connection is None
    response = client.get("/")
    assert response.status_code == 200
    assert connection.connection.info.backend_pid != backend
