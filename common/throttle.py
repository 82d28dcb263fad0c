"""A small counter in the cache, to keep public forms from being used to send mail in bulk."""

import hashlib

from django.core.cache import cache


def allow(scope: str, identity: str, *, limit: int, period: int) -> bool:
    """True while `identity` has done `scope` fewer than `limit` times in `period` seconds.

    The identity is hashed, so the cache holds no addresses. If the cache is down the answer
    is yes: a Redis outage may weaken the limit, never block a journalist.
    """
    digest = hashlib.sha256(identity.encode()).hexdigest()[:32]
    key = f"throttle:{scope}:{digest}"
    if cache.add(key, 1, timeout=period):
        return True
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=period)
        return True
    return count is None or count <= limit
