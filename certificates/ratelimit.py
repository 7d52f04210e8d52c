"""A fixed-window rate limit per client address, kept in Django's cache."""

from django.core.cache import cache
from django.utils import timezone


def client_address(request) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is spoofable unless a trusted proxy rewrites
    # REMOTE_ADDR (configure the proxy / WSGI server to do so).
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def hit(*, scope: str, key: str, limit: int, window_seconds: int = 60) -> bool:
    """Count one hit; False when `key` has exceeded `limit` hits in the current window."""
    window = int(timezone.now().timestamp()) // window_seconds
    cache_key = f"ratelimit:{scope}:{key}:{window}"
    if cache.add(cache_key, 1, timeout=window_seconds + 5):
        return True
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, timeout=window_seconds + 5)
        return True
    return count <= limit
