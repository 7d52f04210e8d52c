"""The Redis cache keeps answering, fast, while Redis is down (core.cache), against a
real redis-server of the test's own that the test stops and starts again."""

import time

import pytest
import redis

from core.cache import FallbackRedisCache


def make_cache(url: str, **options) -> FallbackRedisCache:
    return FallbackRedisCache(url, {"OPTIONS": options})


@pytest.fixture(autouse=True)
def _forget_outages(monkeypatch):
    monkeypatch.setattr("core.cache._down_until", {})


def test_values_live_in_redis_while_it_is_up(redis_server):
    cache = make_cache(redis_server.url(1))
    cache.set("greeting", "hello", 60)
    assert cache.get("greeting") == "hello"
    assert redis.Redis.from_url(redis_server.url(1)).exists(cache.make_key("greeting"))
    assert cache.add("counter", 1, 60) is True
    assert cache.incr("counter") == 2


def test_redis_down_every_operation_answers_from_memory_without_waiting(redis_server):
    cache = make_cache(redis_server.url(1), RETRY_SECONDS=30)
    redis_server.stop()
    started = time.monotonic()
    assert cache.get("missing") is None
    assert cache.add("hits", 1, 60) is True
    assert cache.add("hits", 1, 60) is False
    assert cache.incr("hits") == 2
    cache.set_many({"a": 1, "b": 2}, 60)
    assert cache.get_many(["a", "b"]) == {"a": 1, "b": 2}
    assert cache.has_key("a")
    assert cache.touch("a", 60)
    cache.delete("a")
    cache.delete_many(["b"])
    assert cache.get_many(["a", "b"]) == {}
    cache.clear()
    assert time.monotonic() - started < 2
    assert cache.redis_down()


def test_only_one_attempt_per_interval_pays_for_the_failure(redis_server, monkeypatch):
    cache = make_cache(redis_server.url(1), RETRY_SECONDS=30)
    redis_server.stop()
    attempts = []
    original = redis.Redis.get

    def counting_get(self, *args, **kwargs):
        attempts.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "get", counting_get)
    for _ in range(20):
        cache.get("key")
    assert len(attempts) == 1


def test_redis_is_used_again_after_the_retry_interval(redis_server):
    cache = make_cache(redis_server.url(1), RETRY_SECONDS=0.2)
    redis_server.stop()
    cache.set("during", "memory", 60)
    assert cache.get("during") == "memory"
    redis_server.start()
    time.sleep(0.3)
    cache.set("after", "redis", 60)
    assert not cache.redis_down()
    assert redis.Redis.from_url(redis_server.url(1)).exists(cache.make_key("after"))


def test_the_settings_pick_the_fallback_backend_for_a_redis_url(tmp_path):
    import os
    import subprocess
    import sys

    from django.conf import settings

    loaded = subprocess.run(  # noqa: S603 - our own interpreter and settings
        [
            sys.executable,
            "-c",
            "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])",
        ],
        cwd=settings.BASE_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "ambassador.settings",
            "DEBUG": "1",
            "CACHE_URL": "redis://127.0.0.1:6379/1",
        },
        capture_output=True,
        text=True,
        check=True,
    )
    assert loaded.stdout.strip() == "core.cache.FallbackRedisCache"
