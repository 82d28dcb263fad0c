"""Where a request reads with a replica configured (common.replica), decided from the request
alone; the real standby is in tests/deploy/test_replica.py."""

import time

import pytest
from django.test import RequestFactory

from common import replica

factory = RequestFactory()


@pytest.mark.parametrize(
    ("method", "path", "cookies", "expected"),
    [
        ("get", "/", {}, True),
        ("head", "/feeds/rss/", {}, True),
        ("get", "/api/v1/releases/", {}, True),
        ("get", "/pressemeddelelser/x/", {"sessionid": "s"}, False),  # staff
        ("get", "/admin/", {}, False),
        ("get", "/embargo/token/", {}, False),  # logs its opening
        ("get", "/en/embargo/token/", {}, False),
        ("get", "/en/", {}, True),
        ("post", "/abonnement/", {}, False),
        ("get", "/", {"messages": "m"}, False),
        ("get", "/", {replica.WROTE_COOKIE: str(int(time.time()) + 3600)}, False),
        ("get", "/", {replica.WROTE_COOKIE: str(int(time.time()) - 1)}, True),
    ],
)
def test_who_reads_the_replica(settings, method, path, cookies, expected):
    request = getattr(factory, method)(path)
    request.COOKIES.update(cookies)
    assert replica.reads_replica(request) is expected


def test_the_router_reads_as_the_request_decided_and_writes_the_primary(monkeypatch):
    monkeypatch.setattr(replica, "has_replica", lambda: True)
    router = replica.ReplicaRouter()
    assert router.db_for_read(None) == replica.PRIMARY  # commands, workers
    token = replica._reads_from.set(replica.REPLICA)
    try:
        assert router.db_for_read(None) == replica.REPLICA
        assert router.db_for_write(None) == replica.PRIMARY
    finally:
        replica._reads_from.reset(token)
    monkeypatch.setattr(replica, "_primary_down_until", time.monotonic() + 5)
    assert router.db_for_read(None) == replica.REPLICA  # the primary down: the replica
    assert router.allow_migrate(replica.REPLICA, "newsroom") is False


def test_a_write_by_the_way_is_skipped_while_the_primary_is_down(monkeypatch):
    monkeypatch.setattr(replica, "has_replica", lambda: True)
    monkeypatch.setattr(replica, "_primary_down_until", time.monotonic() + 5)
    calls = []
    assert replica.quietly(lambda: calls.append(1), default="skipped")() == "skipped"
    assert calls == []
