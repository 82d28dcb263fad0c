"""Redis is optional: with it the throttle counts there; without it pages still answer."""

import pytest
from django.core.cache import cache
from django.urls import reverse

pytestmark = pytest.mark.django_db


def redis_cache(location):
    from django.conf import settings

    return {
        # The site's header and footer stay in each process's memory, as configured.
        "fragments": settings.CACHES["fragments"],
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": location,
            "OPTIONS": {
                "IGNORE_EXCEPTIONS": True,
                "SOCKET_CONNECT_TIMEOUT": 0.2,
                "SOCKET_TIMEOUT": 0.2,
            },
        }
    }


def test_a_redis_outage_slows_nothing_and_breaks_nothing(client, settings, seed_release):
    # Nothing listens on port 1: every cache call fails, and is ignored.
    settings.CACHES = redis_cache("redis://127.0.0.1:1/0")
    assert client.get("/").status_code == 200
    assert client.get(seed_release.get_absolute_url()).status_code == 200
    response = client.post(
        reverse("newsroom:subscribe"), {"email": "a@example.org", "all_releases": "True"}
    )
    assert response.status_code == 200


def test_throttle_counts_in_a_real_redis(client, settings):
    import redis

    try:
        redis.Redis(host="127.0.0.1", port=6379, socket_connect_timeout=0.5).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    settings.CACHES = redis_cache("redis://127.0.0.1:6379/15")
    cache.clear()
    from common import throttle

    results = [throttle.allow("test", "someone", limit=2, period=60) for _ in range(3)]
    assert results == [True, True, False]
    cache.clear()
