"""gunicorn really serves the site with deploy/gunicorn.conf.py and production settings.

On PostgreSQL (CI's second pass) it serves the test database and /readyz is ready; on
SQLite it serves a fresh, unmigrated database file, so /readyz must say unavailable.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

BASE_DIR = Path(settings.BASE_DIR)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - loopback
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def database_url(tmp_path):
    if connection.vendor == "postgresql":
        db = connection.settings_dict
        return (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        )
    return f"sqlite:///{tmp_path / 'fresh.sqlite3'}"


@pytest.mark.django_db(transaction=True)
def test_gunicorn_serves_the_probes_and_the_sign_in_page(tmp_path):
    port = free_port()
    environment = {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": "gunicorn-test-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "DATABASE_URL": database_url(tmp_path),
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_MANIFEST": "0",
        # This test needs neither Redis: say so, as production settings require.
        "CACHE_PER_PROCESS": os.environ.get("CACHE_PER_PROCESS", "1"),
        "TASKS_IN_PROCESS": os.environ.get("TASKS_IN_PROCESS", "1"),
        "GUNICORN_WORKERS": "1",
        "GUNICORN_TIMEOUT": "120",  # a loaded CI machine is slow to boot Django
        "GUNICORN_BIND": f"127.0.0.1:{port}",
    }
    environment.pop("NOTIFY_SOCKET", None)
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn and config
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "deploy/gunicorn.conf.py"],
        cwd=BASE_DIR,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                status, body = fetch(f"{base}/healthz")
                break
            except OSError:
                assert server.poll() is None, server.stdout.read()
                assert time.monotonic() < deadline, "gunicorn did not answer within 90 s"
                time.sleep(0.2)
        assert (status, body) == (200, "ok\n")

        status, body = fetch(f"{base}/accounts/login/")
        if connection.vendor == "postgresql":
            assert status == 200
            assert 'name="password"' in body
        else:
            # The sign-in page lists the company sign-in providers set up in the admin:
            # the unmigrated file has no table for them, so the site says it is unavailable.
            assert status == 503

        status, body = fetch(f"{base}/readyz")
        if connection.vendor == "postgresql":
            assert (status, body) == (200, "ok\n")
        else:
            assert (status, body) == (503, "unavailable\n")
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
    assert server.returncode == 0, output
    sign_in_status = 200 if connection.vendor == "postgresql" else 503
    assert f'"GET /accounts/login/ HTTP/1.1" {sign_in_status}' in output  # the access log
