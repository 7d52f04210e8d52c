"""A broker stopped under use: the test starts its own Redis on a free port, stops it
between two HR imports and starts it again. Every invitation is sent once: none lost
(neither those queued before the stop, whose messages died with the broker, nor those
of the import made while it was down) and none twice (relayed twice, run once)."""

import os
import re
import shutil
import socket
import subprocess
import time
from contextlib import contextmanager

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import close_old_connections
from django.urls import reverse

from core.models import OutboxTask
from core.outbox import outbox_relay_pending
from people.models import Employee

# PostgreSQL: the worker thread and the test share the database (an in-memory SQLite
# test database locks whole tables across threads).
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

HEADER = "employee_number,email,first_name,last_name,department_code,department_name,parent_department_code,line_manager_number\n"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisProcess:
    """A throw-away redis-server (no persistence) on a port of its own, in a temp dir."""

    def __init__(self, directory):
        self.port = free_port()
        self.directory = directory
        self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(  # noqa: S603 - a fixed binary and arguments
            [
                shutil.which("redis-server"),
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the test's redis-server did not start")

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def redis_server(tmp_path):
    if shutil.which("redis-server") is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the broker-outage test: install redis-server.")
        pytest.skip("needs redis-server (apt-get install redis-server)")
    server = RedisProcess(tmp_path)
    server.start()
    yield server
    server.stop()


@contextmanager
def celery_on(broker_url):
    """Send tasks to `broker_url` (not eagerly) for the duration; then restore."""
    from ambassador.celery import app

    # The read/write URLs, because CELERY_BROKER_URL in the environment (CI's PostgreSQL
    # pass) wins over `broker_url` set here.
    names = ("broker_read_url", "broker_write_url", "task_always_eager")
    previous = {name: app.conf.get(name) for name in names}

    def reset_pools():
        # Forget the app's pools (kombu keeps one per broker URL) without closing them:
        # the one for the previous URL is picked up again afterwards.
        app._pool = None
        app.amqp._producer_pool = None

    app.conf.update(
        broker_read_url=broker_url, broker_write_url=broker_url, task_always_eager=False
    )
    reset_pools()
    try:
        yield app
    finally:
        reset_pools()
        app.conf.update(previous)


def hr_import(client, *numbers):
    """The page's two steps: upload (checked, staged), then "Import this file now" with
    invitations chosen on the confirmation."""
    rows = "".join(f"{n},person{n}@example.com,P,{n},OPS,Operations,ACME,\n" for n in numbers)
    upload = SimpleUploadedFile("hr.csv", (HEADER + rows).encode(), content_type="text/csv")
    url = reverse("people:employee-import")
    checked = client.post(url, {"file": upload})
    token = re.search(r'name="token" value="([^"]+)"', checked.content.decode()).group(1)
    return client.post(url, {"token": token, "send_invitations": "on"})


def test_invitations_survive_a_stopped_broker_and_are_sent_once(
    client_for, hr, redis_server, settings
):
    from celery.contrib.testing.worker import start_worker

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.OUTBOX_REDELIVER_SECONDS = 0  # re-send at once what was relayed but never ran
    mail.outbox = []
    client = client_for(hr)
    with celery_on(redis_server.url) as app:
        # 1. Broker up, no worker yet: the invitations are relayed to Redis on commit.
        response = hr_import(client, "N1", "N2")
        assert response.status_code == 200
        relayed = OutboxTask.objects.filter(relayed_at__isnull=False)
        assert relayed.filter(task_name="people.tasks.employee_invite").count() == 2
        assert relayed.count() == 3  # and the assignment sync that every import queues

        # 2. The broker stops: its queued messages are gone (no persistence), and an
        #    import made now still shows its success page.
        redis_server.stop()
        response = hr_import(client, "N3")
        assert response.status_code == 200
        assert "Import complete" in response.content.decode()
        assert Employee.objects.filter(employee_number="N3").exists()
        unsent = OutboxTask.objects.get(
            kwargs__employee_id=Employee.objects.get(employee_number="N3").pk
        )
        assert unsent.relayed_at is None and "relay" in unsent.last_error

        # 3. The broker is back (empty). The sweep relays all five (three invitations,
        #    two assignment syncs), twice (as two sweeps racing would), and a worker runs
        #    each task once.
        redis_server.start()
        deadline = time.monotonic() + 30
        while OutboxTask.objects.filter(relayed_at__isnull=True).exists():
            assert time.monotonic() < deadline, "the sweep could not reach the broker again"
            outbox_relay_pending()
        outbox_relay_pending()
        assert OutboxTask.objects.filter(relay_count__gte=2).count() == 5
        assert mail.outbox == []

        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            deadline = time.monotonic() + 60
            while OutboxTask.objects.filter(done_at__isnull=True).exists():
                assert time.monotonic() < deadline, "the worker did not run every task"
                time.sleep(0.2)
            time.sleep(1)  # let the duplicate messages be consumed too
    close_old_connections()

    assert sorted(message.to[0] for message in mail.outbox) == [
        "personn1@example.com",
        "personn2@example.com",
        "personn3@example.com",
    ]
    assert (
        Employee.objects.filter(invited_at__isnull=True, employee_number__startswith="N").count()
        == 0
    )
    assert not OutboxTask.objects.filter(failures__gt=0).exists()
