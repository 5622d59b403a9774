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
    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except RedisError as exc:
            logger.warning("cache get failed, Redis unavailable: %s", exc)
            return default


for _name, _fallback in SOFT_RESULTS.items():
    setattr(TolerantRedisCache, _name, _soft(_name, _fallback))
