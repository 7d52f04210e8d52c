"""Observability: a request id that follows a request into the tasks it queues, log
records that carry it, and the Celery signal handlers behind both (metrics: see
`core.metrics`; Sentry: `ambassador.settings`).

The request id lives in a context variable. The `core.middleware.request_id`
middleware sets it for each request (and `request_finished` clears it, as Django logs a
4xx response after the middleware has returned): from an incoming `X-Request-ID` header when it is
well formed (8 to 128 letters, digits, `.`, `_`, `:` or `-`; a load balancer's own id),
otherwise a new random one, and returns it in the response's `X-Request-ID`.

Into tasks:
- a task sent to the broker carries it as the message header `request_id`
  (`before_task_publish`); the worker restores it for the task's run (`task_prerun`) and
  clears it afterwards (`task_postrun`);
- a task recorded in the outbox stores it on its row (`core.outbox.enqueue`), and
  `outbox_run` restores it when the row runs, even when the beat sweep relays it hours
  later, outside any request;
- an eager task (no broker) runs inside the request, in the same context.

Every log record gets a `request_id` attribute (empty outside a request or task) from a
log-record factory installed at start-up, so every handler and formatter can show it
(`settings.LOGGING` writes JSON lines with python-json-logger).
"""

import logging
import re
import uuid
from contextlib import contextmanager
from contextvars import ContextVar

REQUEST_ID_HEADER = "X-Request-ID"
TASK_HEADER = "request_id"
_WELL_FORMED = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,127}")

_request_id: ContextVar[str] = ContextVar("request_id", default="")


def current_request_id() -> str:
    """The id of the request or task being served ("" outside one)."""
    return _request_id.get()


def request_id_from(value: str | None) -> str:
    """`value` if it is a well-formed request id, else a new one."""
    if value and _WELL_FORMED.fullmatch(value):
        return value
    return uuid.uuid4().hex


def request_id_start(value: str) -> None:
    """Serve the current request under `value` until it is finished (see below)."""
    _request_id.set(value)


def request_id_end(sender=None, **kwargs) -> None:
    """request_finished: the request is over, including what Django logs about its
    response after the middleware (a 404's warning) and the streaming of its body."""
    _request_id.set("")


@contextmanager
def request_id_bound(value: str):
    """Serve the block under request id `value` (restored afterwards)."""
    token = _request_id.set(value)
    try:
        yield value
    finally:
        _request_id.reset(token)


def install_log_record_factory() -> None:
    """Give every log record a `request_id` attribute (idempotent)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "adds_request_id", False):
        return

    def factory(*args, **kwargs):
        record = previous(*args, **kwargs)
        record.request_id = _request_id.get()
        return record

    factory.adds_request_id = True
    logging.setLogRecordFactory(factory)


# --- Celery signals (connected in CoreConfig.ready) ------------------------------------

_task_tokens: dict[str, object] = {}  # task id -> context token to reset after the run


def add_request_id_header(sender=None, headers=None, **kwargs) -> None:
    """before_task_publish: the message carries the current request id."""
    request_id = _request_id.get()
    if request_id and headers is not None:
        headers.setdefault(TASK_HEADER, request_id)


def restore_request_id(sender=None, task_id=None, task=None, **kwargs) -> None:
    """task_prerun: a task from the broker runs under the id its message carries (an
    eager task keeps the request's)."""
    request = getattr(task, "request", None)
    carried = getattr(request, TASK_HEADER, None) or (getattr(request, "headers", None) or {}).get(
        TASK_HEADER
    )
    if carried and task_id:
        _task_tokens[task_id] = _request_id.set(request_id_from(carried))


def clear_request_id(sender=None, task_id=None, **kwargs) -> None:
    """task_postrun: back to the id (if any) from before the task."""
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        _request_id.reset(token)
