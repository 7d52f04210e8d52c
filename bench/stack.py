"""The production stack for the HTTP benchmarks (`bench/page_cost.py`, `bench/load.py`).

A throwaway PostgreSQL database holding the curriculum and the demo organisation, and
gunicorn started from `deploy/gunicorn.conf.py` (2 workers) with production settings
(DEBUG off) on a loopback port. Only the bench settings module (`bench/site_settings.py`)
differs from production: plain-HTTP cookies, and one extra bare view, the floor.
"""

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/amb_load"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/9"
# One key for this run, shared by the server and this process (which signs people in: a
# session names its user with a hash made from the key).
SECRET_KEY = secrets.token_urlsafe(48)


def database_parts(url: str) -> tuple[str, str]:
    """(server URL without the database, database name)."""
    base, _, name = url.rpartition("/")
    if not name or not base.startswith("postgres"):
        raise SystemExit(f"A PostgreSQL URL is needed (postgres://user@host:port/name), not {url}")
    return base, name


def setup_env(database_url: str) -> dict:
    """Environment for the setup commands (migrate, curriculum, demo): development
    settings, the bench database."""
    return os.environ | {
        "DEBUG": "1",
        "SECRET_KEY": SECRET_KEY,
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": "",
    }


def prepare_database(database_url: str, employees: int) -> None:
    """A fresh database: dropped if present, migrated, the curriculum and the demo
    organisation (with its training history) loaded."""
    import psycopg

    base, name = database_parts(database_url)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    env = setup_env(database_url)
    for command in (
        ["migrate", "--noinput", "-v0"],
        ["load_curriculum"],
        ["seed_demo", "--employees", str(employees)],
    ):
        done = subprocess.run(
            [PYTHON, "manage.py", *command], cwd=ROOT, env=env, capture_output=True, text=True
        )
        if done.returncode:
            raise SystemExit(f"manage.py {' '.join(command)} failed:\n{done.stdout}{done.stderr}")


def migrate(database_url: str) -> None:
    """Bring a reused database up to this checkout's schema (a reused database was
    seeded by an older checkout, perhaps)."""
    done = subprocess.run(
        [PYTHON, "manage.py", "migrate", "--noinput", "-v0"],
        cwd=ROOT,
        env=setup_env(database_url),
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise SystemExit(f"manage.py migrate failed:\n{done.stdout}{done.stderr}")


def django_setup(database_url: str) -> None:
    """Django in this process, on the bench database (to create users and read results)."""
    os.environ.update(setup_env(database_url))
    os.environ["DJANGO_SETTINGS_MODULE"] = "ambassador.settings"
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def server_env(*, database_url: str, redis_url: str, port: int, workers: int | None = 2) -> dict:
    """The environment of the server under test; `workers=None` keeps the config's own
    default (two per core, plus one), as a production host runs it."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("GUNICORN_", "DJANGO_", "CACHE_", "CELERY_"))
    }
    return env | {
        "DJANGO_SETTINGS_MODULE": "bench.site_settings",
        "DEBUG": "0",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SITE_URL": f"http://127.0.0.1:{port}",
        "DATABASE_URL": database_url,
        "CACHE_URL": redis_url,
        # Tasks (certificate PDFs, emails) go through the outbox to a broker no worker
        # reads: the web side of the work is measured, the PDFs are not rendered.
        "CELERY_BROKER_URL": redis_url,
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_MANIFEST": "0",
        "LOG_LEVEL": "WARNING",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(workers or ""),
        "GUNICORN_LOG_LEVEL": "warning",
        # No access log line per request (stdout is discarded anyway).
        "GUNICORN_CMD_ARGS": "--access-logfile=/dev/null",
    }


@contextlib.contextmanager
def gunicorn(
    *,
    database_url: str,
    redis_url: str,
    port: int,
    log_path: Path | None = None,
    workers: int | None = 2,
):
    """gunicorn (deploy/gunicorn.conf.py, 2 workers unless told otherwise; None: the
    config's default) on 127.0.0.1:port until the block ends."""
    flush_redis(redis_url)
    log = open(log_path, "wb") if log_path else subprocess.DEVNULL  # noqa: SIM115
    process = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "-c", "deploy/gunicorn.conf.py"],
        cwd=ROOT,
        env=server_env(database_url=database_url, redis_url=redis_url, port=port, workers=workers),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_until_ready(f"http://127.0.0.1:{port}/healthz", process)
        yield process
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        if log_path:
            log.close()
        flush_redis(redis_url)


def wait_until_ready(url: str, process, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {process.returncode} before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer {url} within {timeout} s")


def flush_redis(redis_url: str) -> None:
    """Empty the bench's own Redis database (never another one: the URL names it)."""
    import redis

    if not redis_url.rstrip("/").rsplit("/", 1)[-1].isdigit():
        raise SystemExit(f"Give the Redis database number in the URL: {redis_url}")
    redis.Redis.from_url(redis_url).flushdb()


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())
