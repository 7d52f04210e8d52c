"""Settings for the HTTP benchmarks: production settings (DEBUG off) and two differences.

- Cookies without the Secure flag: the benchmarks speak plain HTTP on loopback, where a
  TLS proxy would stand in production, and their clients keep to the cookie rules.
- `bench.site_urls`: the project's URLs plus the floor, a bare view behind the same
  middleware (`/bench/bare/`).
"""

from ambassador.settings import *  # noqa: F403

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
ROOT_URLCONF = "bench.site_urls"
