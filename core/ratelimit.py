"""A fixed-window rate limit, kept in Django's cache.

The cache must be shared by every web process (Redis: `CACHE_URL`), or each process
counts on its own and the limit is multiplied by the number of processes; with DEBUG
off the settings refuse a per-process cache unless `CACHE_PER_PROCESS=1` says so.
"""

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
