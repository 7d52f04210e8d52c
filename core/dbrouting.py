"""Report reads on a read replica, everything else on the primary.

With `DATABASE_REPLICA_URL` set, the settings add a `replica` database alias and
`ReplicaRouter` sends *reads made while serving a report* to it:

- `ReplicaReadsMiddleware` (last in MIDDLEWARE, so sign-in and role checks run first,
  on the primary) runs the views of the URL namespaces in `REPLICA_READ_NAMESPACES`
  (the `reports` app: pages and exports) inside `replica_reads()`, including the
  rendering of a lazy template response and the streaming of a CSV export.
- Every other read, and every write from anywhere, goes to the primary: a learner's
  own pages read what they have just written (read-your-own-writes), and the user and
  session of a report request are loaded on the primary before the view runs.
- The replica is used only while it is current enough: `replica_available()` asks it
  for its replay lag at most every `REPLICA_CHECK_SECONDS` per process, and reports
  fall back to the primary when it is unreachable or more than
  `REPLICA_MAX_LAG_SECONDS` behind. A replica that fails in the middle of a report
  is marked down and the (read-only) view runs again on the primary.

Without `DATABASE_REPLICA_URL` the router never answers and Django uses `default`.
"""

import contextvars
import logging
import threading
import time
from contextlib import contextmanager

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import FileResponse, StreamingHttpResponse

logger = logging.getLogger(__name__)

REPLICA = "replica"

_reading_reports = contextvars.ContextVar("reading_reports", default=False)

# Seconds the replica is behind the primary, as the replica sees it: 0 when it has
# replayed everything it received and is still streaming from the primary (an idle
# primary sends nothing, so "time since the last replayed commit" would grow for
# nothing); else the age of the last transaction it replayed. A server that is not in
# recovery (a primary given as replica) is current by definition.
LAG_SQL = """
SELECT CASE
  WHEN NOT pg_is_in_recovery() THEN 0
  WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()
       AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming') THEN 0
  ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 'Infinity')
END
"""


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


@contextmanager
def replica_reads():
    """Reads inside this block may go to the replica (the router still checks it)."""
    token = _reading_reports.set(True)
    try:
        yield
    finally:
        _reading_reports.reset(token)


def replica_reads_active() -> bool:
    return _reading_reports.get()


class _Verdict:
    """Whether the replica is usable, as last measured by this process."""

    lock = threading.Lock()
    usable = False
    checked_at = float("-inf")


def replica_lag_seconds() -> float:
    """Ask the replica how far behind it is (raises DatabaseError when unreachable)."""
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(LAG_SQL)
        return float(cursor.fetchone()[0])


def replica_available() -> bool:
    """True when a replica is configured, reachable and at most REPLICA_MAX_LAG_SECONDS
    behind; measured at most every REPLICA_CHECK_SECONDS by each process."""
    if not replica_configured():
        return False
    now = time.monotonic()
    with _Verdict.lock:
        if now - _Verdict.checked_at < settings.REPLICA_CHECK_SECONDS:
            return _Verdict.usable
        try:
            lag = replica_lag_seconds()
        except DatabaseError as error:
            logger.warning("Read replica unreachable, reports read the primary: %s", error)
            _close_replica()
            usable = False
        else:
            usable = lag <= settings.REPLICA_MAX_LAG_SECONDS
            if not usable:
                logger.warning(
                    "Read replica %.1f s behind (limit %s s), reports read the primary",
                    lag,
                    settings.REPLICA_MAX_LAG_SECONDS,
                )
        _Verdict.usable, _Verdict.checked_at = usable, time.monotonic()
        return usable


def replica_mark_down() -> None:
    """Stop using the replica until the next check is due (it just failed a query)."""
    with _Verdict.lock:
        _Verdict.usable, _Verdict.checked_at = False, time.monotonic()
    _close_replica()


def _close_replica() -> None:
    if replica_configured():
        connections[REPLICA].close()


class ReplicaRouter:
    """Reads inside `replica_reads()` go to the replica while it is available; nothing
    else is routed (writes, and every other read, use the primary)."""

    def db_for_read(self, model, **hints):
        if replica_reads_active() and replica_available():
            return REPLICA
        return None

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two copies of it

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != REPLICA  # the replica follows the primary's schema by itself


def _streamed_on_replica(content):
    with replica_reads():
        yield from content


class ReplicaReadsMiddleware:
    """Runs the report views (REPLICA_READ_NAMESPACES) with their reads on the replica.

    Must be the last middleware: it calls the view itself, after every other
    middleware's `process_view` (sign-in required, roles) has let the request through.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if (
            request.method not in ("GET", "HEAD")
            or match is None
            or match.namespace not in settings.REPLICA_READ_NAMESPACES
            or not replica_available()
        ):
            return None  # Django calls the view on the primary
        # Who is asking is read on the primary: a deactivated account is out at once.
        request.user.is_authenticated  # noqa: B018 - loads the lazy user here
        try:
            with replica_reads():
                response = view_func(request, *view_args, **view_kwargs)
                if hasattr(response, "render") and not getattr(response, "is_rendered", True):
                    response.render()
        except DatabaseError as error:
            logger.warning("Read replica failed during %s, using the primary: %s", match, error)
            replica_mark_down()
            return None  # a report only reads: Django runs it again on the primary
        if isinstance(response, StreamingHttpResponse) and not isinstance(response, FileResponse):
            # A CSV export reads its rows while it is sent, after this method returns.
            response.streaming_content = _streamed_on_replica(response.streaming_content)
        return response
