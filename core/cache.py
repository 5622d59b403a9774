"""A Redis cache that fails soft: with Redis down every page still works.

The portal's cache holds only what can be recomputed (import-job progress, dashboard
figures), so a Redis error reads as a miss and a write is dropped, with a warning in the
log, instead of a 500 on every page until Redis is back."""

from __future__ import annotations

import functools
import logging
from typing import Any

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

# Method -> value returned when Redis fails (a miss, nothing written, nothing deleted).
SOFT_RESULTS: dict[str, Any] = {
    "add": False,
    "set": None,
    "touch": False,
    "delete": False,
    "get_many": {},
    "has_key": False,
    "set_many": [],
    "delete_many": None,
}


def _soft(name: str, fallback: Any):
    method = getattr(RedisCache, name)

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except RedisError as exc:
            logger.warning("cache %s failed, Redis unavailable: %s", name, exc)
            return fallback

    return wrapper


class TolerantRedisCache(RedisCache):
    def clear(self) -> bool:
        """Delete the portal's keys only. Django's clear() flushes the whole Redis database,
        which is also Celery's broker: queued tasks would vanish."""
        try:
            client = self._cache.get_client(write=True)
            # Our keys are "<KEY_PREFIX>:<version>:<key>" (Django's make_key), the broker's are not.
            keys = list(client.scan_iter(match=f"{self.key_prefix}:*", count=1000))
            for start in range(0, len(keys), 1000):
                client.delete(*keys[start : start + 1000])
        except RedisError as exc:
            logger.warning("cache clear failed, Redis unavailable: %s", exc)
            return False
        return True

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except RedisError as exc:
            logger.warning("cache get failed, Redis unavailable: %s", exc)
            return default


for _name, _fallback in SOFT_RESULTS.items():
    setattr(TolerantRedisCache, _name, _soft(_name, _fallback))
