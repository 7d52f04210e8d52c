"""The request id (header in, header out, in every log line, into queued tasks), the
JSON log format, the metrics endpoint and optional Sentry."""

import json
import logging
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from core import outbox
from core.models import OutboxTask
from core.observability import REQUEST_ID_HEADER, current_request_id, request_id_bound
from core.tasks import outbox_relay_pending_task

pytestmark = pytest.mark.django_db

GENERATED = re.compile(r"[0-9a-f]{32}")


def test_a_well_formed_incoming_request_id_is_kept_and_returned(client):
    response = client.get(reverse("healthz"), headers={REQUEST_ID_HEADER: "lb-4f2a9c11.7"})
    assert response[REQUEST_ID_HEADER] == "lb-4f2a9c11.7"


@pytest.mark.parametrize(
    "incoming", [None, "", "short", "has space 123456", "x" * 200, "<script>alert(1)</script>"]
)
def test_otherwise_a_new_one_is_made(client, incoming):
    headers = {REQUEST_ID_HEADER: incoming} if incoming is not None else {}
    response = client.get(reverse("healthz"), headers=headers)
    assert GENERATED.fullmatch(response[REQUEST_ID_HEADER])


def test_every_request_gets_its_own(client):
    first = client.get(reverse("healthz"))[REQUEST_ID_HEADER]
    assert client.get(reverse("healthz"))[REQUEST_ID_HEADER] != first
    assert current_request_id() == ""  # nothing leaks out of a request


def test_log_lines_of_a_request_carry_its_id(client_for, employee, caplog):
    client = client_for(employee)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.get("/no-such-page/", headers={REQUEST_ID_HEADER: "trace-12345678"})
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    assert record.request_id == "trace-12345678"


def json_formatter():
    config = dict(settings.LOGGING["formatters"]["json"])
    factory = config.pop("()")
    module, _, name = factory.rpartition(".")
    return getattr(__import__(module, fromlist=[name]), name)(**config)


def test_the_json_format_writes_one_object_per_line_with_the_request_id():
    with request_id_bound("trace-abcdefgh"):
        record = logging.getLogger("ambassador.test").makeRecord(
            "ambassador.test", logging.INFO, __file__, 1, "Hello %s", ("world",), None
        )
    line = json_formatter().format(record)
    assert "\n" not in line
    data = json.loads(line)
    assert data["message"] == "Hello world"
    assert data["request_id"] == "trace-abcdefgh"
    assert data["level"] == "INFO" and data["logger"] == "ambassador.test"
    assert "timestamp" in data


def test_an_eager_task_queued_by_a_request_logs_under_its_id(
    caplog, django_capture_on_commit_callbacks
):
    """Through the outbox: the row stores the id, the task's log lines carry it."""
    caplog.set_level(logging.INFO, logger="core.outbox")
    with request_id_bound("req-eager-0001"), django_capture_on_commit_callbacks(execute=True):
        row = outbox.enqueue(outbox_relay_pending_task)
    assert OutboxTask.objects.get(pk=row.pk).request_id == "req-eager-0001"
    ran = [r for r in caplog.records if "ran" in r.getMessage() and r.name == "core.outbox"]
    assert [r.request_id for r in ran] == ["req-eager-0001"]


def test_a_row_run_later_by_the_sweep_restores_the_id(caplog):
    with request_id_bound("req-later-0002"):
        row = outbox.enqueue(outbox_relay_pending_task)  # on commit never runs here
    assert current_request_id() == ""
    with caplog.at_level(logging.INFO, logger="core.outbox"):
        assert outbox.outbox_run(outbox_id=row.pk)
    (record,) = [r for r in caplog.records if "ran" in r.getMessage()]
    assert record.request_id == "req-later-0002"
    assert current_request_id() == ""


# --- Metrics -----------------------------------------------------------------------------


def test_metrics_are_not_served_without_a_token(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get(reverse("metrics")).status_code == 404


def test_metrics_need_the_token(client, settings):
    settings.METRICS_TOKEN = "s3cret-token"
    url = reverse("metrics")
    assert client.get(url).status_code == 403
    assert client.get(url, headers={"Authorization": "Bearer wrong"}).status_code == 403
    assert client.get(url, headers={"Authorization": "s3cret-token"}).status_code == 403


def _metric(text, name, **labels):
    for line in text.splitlines():
        if line.startswith(name + "{") and all(f'{k}="{v}"' in line for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_metrics_count_requests_tasks_and_emails(client, settings, employee):
    from people.services import employee_invite

    settings.METRICS_TOKEN = "s3cret-token"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    auth = {"Authorization": "Bearer s3cret-token"}

    def scrape():
        response = client.get(reverse("metrics"), headers=auth)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/plain")
        return response.content.decode()

    before = scrape()
    client.get(reverse("healthz"))
    outbox_relay_pending_task.delay()
    assert employee_invite(employee_id=employee.pk)
    after = scrape()

    def grew(name, **labels):
        return _metric(after, name, **labels) - _metric(before, name, **labels)

    assert grew("ambassador_http_request_duration_seconds_count", view="healthz", status="200") == 1
    assert (
        grew("ambassador_celery_tasks_total", task="core.outbox.relay_pending", outcome="succeeded")
        == 1
    )
    assert grew("ambassador_emails_total", email="invitation", outcome="sent") == 1
    assert len(mail.outbox) == 1


# --- Sentry ------------------------------------------------------------------------------


def _sentry_state(extra_env):
    environment = {key: value for key, value in os.environ.items() if not key.startswith("SENTRY_")}
    environment.update(extra_env)
    result = subprocess.run(  # noqa: S603 - our own interpreter and settings
        [
            sys.executable,
            "-c",
            "import django, json, sentry_sdk; django.setup(); "
            "client = sentry_sdk.get_client(); "
            "print(json.dumps({'active': client.is_active(), "
            "'pii': client.options.get('send_default_pii'), "
            "'integrations': sorted(getattr(client, 'integrations', {}))}))",
        ],
        cwd=settings.BASE_DIR,
        env={**environment, "DJANGO_SETTINGS_MODULE": "ambassador.settings"},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_sentry_is_off_without_a_dsn():
    assert _sentry_state({})["active"] is False


def test_sentry_reports_django_and_celery_errors_without_personal_data():
    state = _sentry_state({"SENTRY_DSN": "https://public@sentry.invalid/1"})
    assert state["active"] is True
    assert state["pii"] is False
    assert {"django", "celery"} <= set(state["integrations"])
