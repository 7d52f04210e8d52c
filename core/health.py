"""Liveness and readiness probes for load balancers and systemd (django-health-check).

`/healthz` answers as long as the process serves requests; it touches nothing else.
`/readyz` answers 200 only when the database, the cache and the Celery broker are
reachable and every migration is applied, else 503. Both answer the public with one
word; which check failed goes to the log (logger `health_check`), never to the client.
"""

import asyncio
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from health_check.base import HealthCheck
from health_check.checks import Cache, Database
from health_check.contrib.redis import Redis
from health_check.exceptions import ServiceUnavailable
from redis.asyncio import Redis as RedisClient


class Migrations(HealthCheck):
    """Every migration of the running code is applied to the database."""

    def run(self):
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise ServiceUnavailable("Unapplied migrations")

    def __repr__(self):
        return "Migrations()"


class _ClosingExecutor(ThreadPoolExecutor):
    """Runs the synchronous checks in threads that close their database connections,
    so a probe never leaves a connection behind."""

    def submit(self, fn, /, *args, **kwargs):
        def run_then_close():
            try:
                return fn(*args, **kwargs)
            finally:
                connections.close_all()

        return super().submit(run_then_close)


def _broker_client():
    return RedisClient.from_url(
        settings.CELERY_BROKER_URL, socket_connect_timeout=2, socket_timeout=2
    )


def readiness_checks():
    checks = [Database(), Cache(), Migrations()]
    # Without a broker Celery runs tasks in-process (development): nothing to reach.
    if settings.CELERY_BROKER_URL:
        checks.append(Redis(client_factory=_broker_client))
    return checks


_PLAIN = "text/plain; charset=utf-8"


def readiness_failures():
    """Run the checks concurrently on their own event loop, in a thread of its own (the
    request's thread may already run one, e.g. under Playwright); return the failed ones."""

    async def gather():
        with _ClosingExecutor(max_workers=2, thread_name_prefix="readyz") as executor:
            return await asyncio.gather(
                *(check.get_result(executor) for check in readiness_checks())
            )

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="readyz-loop") as runner:
        results = runner.submit(asyncio.run, gather()).result()
    return [result.check for result in results if result.error]


@login_not_required
@never_cache
def readiness(request):
    if readiness_failures():
        return HttpResponse("unavailable\n", status=503, content_type=_PLAIN)
    return HttpResponse("ok\n", content_type=_PLAIN)


@login_not_required
@never_cache
def liveness(request):
    return HttpResponse("ok\n", content_type=_PLAIN)
