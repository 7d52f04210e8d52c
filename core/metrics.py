"""Prometheus metrics (prometheus_client) and the internal endpoint that serves them.

Metrics:
- `ambassador_http_request_duration_seconds{method, view, status}`: request latency
  (a histogram; `view` is the URL name, so the label set stays small);
- `ambassador_celery_tasks_total{task, outcome}`: tasks run by this process
  (`succeeded`, `failed`, `retried`), including the tasks the outbox runs;
- `ambassador_emails_total{email, outcome}`: emails sent (`sent`, `failed`).

Several processes (gunicorn workers, Celery worker children) each count on their own;
with `PROMETHEUS_MULTIPROC_DIR` set (an empty directory shared by the web and worker
processes of a host, emptied at start: the systemd units do it), each writes its
counters there and the endpoint adds them up. Without it, the endpoint shows the
process that answers (fine for one process; `make run`).

The endpoint `/metrics` is internal: it answers 404 unless `METRICS_TOKEN` is set, and
then only to `Authorization: Bearer <METRICS_TOKEN>` (403 otherwise), compared in
constant time. Nothing else is needed on the proxy, though docs/deploy.md also denies
`/metrics` there.
"""

import hmac
import os

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

HTTP_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}

REQUEST_LATENCY = Histogram(
    "ambassador_http_request_duration_seconds",
    "Time to answer a request, by method, URL name and status code.",
    ["method", "view", "status"],
    buckets=(0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1, 2, 5, 10, 30),
)
TASKS = Counter(
    "ambassador_celery_tasks",
    "Celery tasks run, by task name and outcome (succeeded, failed, retried).",
    ["task", "outcome"],
)
EMAILS = Counter(
    "ambassador_emails",
    "Emails sent, by email template and outcome (sent, failed).",
    ["email", "outcome"],
)

_OUTCOMES = {"SUCCESS": "succeeded", "FAILURE": "failed", "RETRY": "retried"}


def observe_request(request, response, seconds: float) -> None:
    match = getattr(request, "resolver_match", None)
    view = (match.view_name if match else "") or "unmatched"
    method = request.method if request.method in HTTP_METHODS else "other"
    REQUEST_LATENCY.labels(method, view, str(response.status_code)).observe(seconds)


def count_task(sender=None, task=None, state=None, **kwargs) -> None:
    """task_postrun: one more run of `task` with its outcome."""
    if task is not None:
        TASKS.labels(task.name, _OUTCOMES.get(state, str(state).lower())).inc()


def _registry():
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


@login_not_required
@require_GET
@never_cache
def metrics_view(request):
    token = settings.METRICS_TOKEN
    if not token:
        raise Http404
    given = request.headers.get("Authorization", "")
    if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return HttpResponse("forbidden\n", status=403, content_type="text/plain")
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)
