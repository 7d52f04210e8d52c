"""A Redis cache that keeps the site up while Redis is down.

`FallbackRedisCache` is Django's Redis cache with two changes:

- connections give up fast (`socket_connect_timeout`, `socket_timeout`: 0.5 s by
  default, from the cache's OPTIONS), so no request waits on a Redis that is away;
- when Redis fails, the operation is served by a per-process memory cache instead, and
  Redis is left alone for `RETRY_SECONDS` (5) before it is tried again, so only one
  request per process and interval pays the failed attempt.

What degrades while Redis is down: the rate limits (sign-in, certificate look-ups)
count in each web process's memory, so they still stop a guesser but a limit is
multiplied by the number of web processes; cached values are rebuilt per process. What
does not: sessions (in the database), every page. Counts kept in memory meanwhile are
not copied back; Redis's own counts resume when it is back.
"""

import logging
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

REDIS_DOWN = (RedisConnectionError, RedisTimeoutError)
FAST_TIMEOUTS = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
OPERATIONS = (
    "add",
    "get",
    "set",
    "touch",
    "delete",
    "get_many",
    "has_key",
    "incr",
    "set_many",
    "delete_many",
    "clear",
)

# Per process and Redis address: until when (time.monotonic()) Redis is left alone.
_down_until: dict[str, float] = {}
_down_lock = threading.Lock()


class FallbackRedisCache(RedisCache):
    def __init__(self, server, params):
        params = {**params}
        options = {**FAST_TIMEOUTS, **params.get("OPTIONS", {})}
        self.retry_seconds = float(options.pop("RETRY_SECONDS", 5))
        params["OPTIONS"] = options
        super().__init__(server, params)
        # Shared by every thread of the process (LocMemCache keeps its data by name).
        self.fallback = LocMemCache(
            f"redis-fallback:{server}",
            {"TIMEOUT": params.get("TIMEOUT", 300), "OPTIONS": {"MAX_ENTRIES": 10_000}},
        )
        self._address = str(server)

    def redis_down(self) -> bool:
        return time.monotonic() < _down_until.get(self._address, 0.0)

    def _mark_down(self, error: Exception) -> None:
        with _down_lock:
            first = not self.redis_down()
            _down_until[self._address] = time.monotonic() + self.retry_seconds
        if first:
            logger.warning(
                "Redis cache unreachable (%s): serving from process memory, retrying in %s s",
                error,
                self.retry_seconds,
            )


def _with_fallback(name: str):
    redis_method = getattr(RedisCache, name)

    def method(self, *args, **kwargs):
        if not self.redis_down():
            try:
                return redis_method(self, *args, **kwargs)
            except REDIS_DOWN as error:
                self._mark_down(error)
        return getattr(self.fallback, name)(*args, **kwargs)

    method.__name__ = name
    method.__doc__ = f"RedisCache.{name}, or the process's memory while Redis is down."
    return method


for _name in OPERATIONS:
    setattr(FallbackRedisCache, _name, _with_fallback(_name))
