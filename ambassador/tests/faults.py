"""Throw-away services for the fault tests (marker `faults`): their own PostgreSQL
clusters (a primary, a streaming standby), Redis servers, gunicorn, Celery workers
and an SMTP server, all on 127.0.0.1, so a test can stop, kill and restart them without
touching the machine's shared PostgreSQL and Redis.

Fault tests need PostgreSQL (they run in CI's second pass, like `postgres` tests).
Where a binary is missing they fail in CI (CI=true) and are skipped elsewhere.

Ports come from FAULTS_PG_PORTS, FAULTS_REDIS_PORTS and FAULTS_HTTP_PORTS (ranges like
`5601-5609`); data lives in temporary folders named `/tmp/amb-faults-*`, removed after
the test whatever happened. Running as root (CI), PostgreSQL runs as the `postgres`
system user, since initdb refuses root.
"""

import contextlib
import email
import email.policy
import glob
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

import pytest
from django.conf import settings

from ambassador.celery import app as celery_app

BASE_DIR = Path(settings.BASE_DIR)
BIN = Path(sys.executable).parent
_handed_out: set[int] = set()
_handed_out_lock = threading.Lock()


def unavailable(message: str):
    """A missing tool fails the test in CI and skips it on a developer's machine."""
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the fault tests: {message}")
    pytest.skip(message)


def port_range(variable: str, default: str) -> range:
    low, high = (int(part) for part in os.environ.get(variable, default).split("-"))
    return range(low, high + 1)


def free_port(ports: range) -> int:
    """A free port in `ports`; xdist workers start at different places in the range."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    start = (int(worker) if worker.isdigit() else 0) * max(len(ports) // 2, 1)
    candidates = [ports[(start + i) % len(ports)] for i in range(len(ports))]
    with _handed_out_lock:
        for port in candidates:
            if port in _handed_out:
                continue
            with socket.socket() as sock:
                try:
                    sock.bind(("127.0.0.1", port))
                except OSError:
                    continue
            _handed_out.add(port)
            return port
    raise RuntimeError(f"no free port in {ports.start}-{ports.stop - 1}")


# TOTP codes typed at the servers these tests start (processes of their own, with caches
# that outlive a test): never the same code twice in a window (ambassador.tests.mfa).
CODES_TYPED: set[tuple[str, int]] = set()


def wait_until(condition, *, seconds: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + seconds
    while True:
        try:
            result = condition()
        except Exception:  # noqa: BLE001 - not ready yet
            result = None
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {seconds} s")
        time.sleep(interval)


def scratch_dir(kind: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=f"amb-faults-{kind}-", dir="/tmp"))


# --- PostgreSQL -------------------------------------------------------------------------


def postgres_bin() -> Path | None:
    if os.environ.get("PG_BIN"):
        return Path(os.environ["PG_BIN"])
    found = shutil.which("initdb")
    if found:  # Debian links a few tools into /usr/local/bin: the real folder has them all
        return Path(found).resolve().parent
    versions = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda path: int(Path(path).parts[-3]) if Path(path).parts[-3].isdigit() else 0,
    )
    return Path(versions[-1]).parent if versions else None


class PostgresCluster:
    """A PostgreSQL cluster of the test's own: `init()` (or `standby_of(primary)`), then
    `start()`, `stop()`, `kill()`; `remove()` deletes it whatever its state."""

    def __init__(self, name: str):
        self.bin = postgres_bin()
        self.directory = scratch_dir(f"pg-{name}")
        self.data = self.directory / "data"
        self.port = free_port(port_range("FAULTS_PG_PORTS", "5601-5609"))
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.directory, "postgres", "postgres")

    def run(self, *command: str, check=True) -> subprocess.CompletedProcess:
        prefix = ["runuser", "-u", "postgres", "--"] if self.as_root else []
        result = subprocess.run(  # noqa: S603 - PostgreSQL's own tools
            [*prefix, *command], capture_output=True, text=True, timeout=120
        )
        if check and result.returncode:
            raise RuntimeError(f"{' '.join(command)} failed: {result.stdout}{result.stderr}")
        return result

    def tool(self, name: str) -> str:
        return str(self.bin / name)

    def _configure(self, **extra):
        lines = {
            "port": self.port,
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": f"'{self.directory}'",
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "max_connections": 60,
            "wal_level": "replica",
            "max_wal_senders": 4,
            "hot_standby": "on",
            "log_min_messages": "warning",
            **extra,
        }
        with open(self.data / "postgresql.conf", "a") as conf:
            conf.write("\n# the fault tests\n")
            conf.writelines(f"{key} = {value}\n" for key, value in lines.items())

    def init(self) -> "PostgresCluster":
        self.run(
            self.tool("initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
        )
        self._configure()
        return self

    def standby_of(self, primary: "PostgresCluster") -> "PostgresCluster":
        """A streaming standby: a base backup of `primary` with its standby.signal and
        primary_conninfo (`pg_basebackup -R`)."""
        self.run(
            self.tool("pg_basebackup"),
            "-h",
            "127.0.0.1",
            "-p",
            str(primary.port),
            "-U",
            "postgres",
            "-D",
            str(self.data),
            "-R",
            "-X",
            "stream",
            "--checkpoint=fast",
            "--no-sync",
        )
        self._configure()
        return self

    def start(self):
        result = self.run(
            self.tool("pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.directory / "server.log"),
            "-w",
            "-t",
            "60",
            "start",
            check=False,
        )
        if result.returncode:
            raise RuntimeError(f"PostgreSQL did not start: {result.stdout}{self.log()}")

    def stop(self, mode: str = "fast"):
        self.run(self.tool("pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop", check=False)

    def running(self) -> bool:
        return (
            self.run(self.tool("pg_ctl"), "-D", str(self.data), "status", check=False).returncode
            == 0
        )

    def log(self) -> str:
        path = self.directory / "server.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres", **kwargs):
        import psycopg

        return psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            user="postgres",
            dbname=database,
            autocommit=True,
            connect_timeout=5,
            **kwargs,
        )

    def sql(self, query: str, params=(), database: str = "postgres"):
        """Run one statement; the rows it returned (or [])."""
        with self.connect(database) as conn:
            cursor = conn.execute(query, params)
            return cursor.fetchall() if cursor.description else []

    def remove(self):
        if self.data.exists() and self.running():
            self.stop("immediate")
        shutil.rmtree(self.directory, ignore_errors=True)


def manage(*arguments: str, env: dict, timeout: float = 300) -> str:
    """`manage.py ARGUMENTS` in a child process with `env` (the development defaults)."""
    result = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", *arguments],
        cwd=BASE_DIR,
        env={**os.environ, "DEBUG": "1", **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@pytest.fixture
def postgres_cluster():
    """`postgres_cluster(name)` makes an initialised, stopped cluster of the test's own;
    every cluster made is stopped and deleted at the end of the test."""
    if postgres_bin() is None:
        unavailable("PostgreSQL server binaries not found (apt-get install postgresql)")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        unavailable("runuser not found (util-linux): PostgreSQL cannot run as root")
    made = []

    def make(name: str = "primary") -> PostgresCluster:
        cluster = PostgresCluster(name)
        made.append(cluster)
        return cluster

    yield make
    for cluster in made:
        cluster.remove()


@pytest.fixture
def demo_primary(postgres_cluster):
    """A running primary with the site's schema, the curriculum and a small demo company
    (`seed_demo`: demo logins, password `ambassador-demo`) in database `ambassador`."""
    primary = postgres_cluster("primary").init()
    primary.start()
    primary.sql("CREATE DATABASE ambassador")
    database = {"DATABASE_URL": primary.url("ambassador"), "CELERY_BROKER_URL": ""}
    manage("migrate", "--noinput", "-v0", env=database)
    manage("load_curriculum", env=database)
    manage("seed_demo", "--employees", "40", env=database)
    return primary


# --- Redis ------------------------------------------------------------------------------


class RedisServer:
    """A redis-server without persistence, on a port of its own."""

    def __init__(self):
        self.directory = scratch_dir("redis")
        self.port = free_port(port_range("FAULTS_REDIS_PORTS", "6601-6609"))
        self.process = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

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
        wait_until(self.ping, seconds=15, what="the test's redis-server answering")

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def remove(self):
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


@pytest.fixture
def redis_server():
    """A running redis-server of the test's own (stop and start it at will)."""
    if shutil.which("redis-server") is None:
        unavailable("redis-server not found (apt-get install redis-server)")
    server = RedisServer()
    server.start()
    yield server
    server.remove()


# --- Processes: gunicorn and Celery workers ----------------------------------------------


class Process:
    """A child process whose output goes to a file (read with `output()`)."""

    def __init__(self, name: str, command: list[str], env: dict):
        self.directory = scratch_dir(name)
        self.log_path = self.directory / "output.log"
        self._log = open(self.log_path, "w")  # noqa: SIM115 - closed in stop()
        environment = {**os.environ, **env}
        environment.pop("NOTIFY_SOCKET", None)
        self.process = subprocess.Popen(  # noqa: S603 - our own programs
            [part.replace("{dir}", str(self.directory)) for part in command],
            cwd=BASE_DIR,
            env=environment,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")

    def alive(self) -> bool:
        return self.process.poll() is None

    def children(self) -> list[int]:
        """The pids of this process's direct children (Linux /proc)."""
        found = []
        for task in Path(f"/proc/{self.pid}/task").glob("*/children"):
            found += [int(pid) for pid in task.read_text().split()]
        return found

    def stop(self, timeout: float = 30):
        if self.alive():
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        if not self._log.closed:
            self._log.close()

    def remove(self):
        self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


def production_env(**overrides) -> dict:
    """Production settings for a child process (DEBUG off, plain HTTP on loopback)."""
    return {
        "DEBUG": "0",
        # The test process's key: sessions it makes are valid in the child.
        "SECRET_KEY": settings.SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": "http://127.0.0.1:8000",
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_MANIFEST": "0",
        # Nothing inherited from the test run's own environment (CI's shared services).
        "CACHE_URL": "locmemcache://",
        "CACHE_PER_PROCESS": "1",
        "CELERY_BROKER_URL": "",
        "TASKS_IN_PROCESS": "1",
        "EMAIL_URL": "consolemail://",
        "LOG_LEVEL": "WARNING",
        **overrides,
    }


class Gunicorn(Process):
    def __init__(self, env: dict, workers: int = 2):
        self.port = free_port(port_range("FAULTS_HTTP_PORTS", "8600-8699"))
        super().__init__(
            "gunicorn",
            [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py"],
            production_env(
                GUNICORN_WORKERS=str(workers),
                GUNICORN_TIMEOUT="120",
                GUNICORN_BIND=f"127.0.0.1:{self.port}",
                GUNICORN_LOG_LEVEL="warning",
                **env,
            ),
        )

    def wait_ready(self):
        def answers():
            assert self.alive(), self.output()
            return HttpClient(self.port).get("/healthz").status == 200

        wait_until(answers, seconds=90, what="gunicorn answering /healthz")


@pytest.fixture
def gunicorn():
    """`gunicorn(env, workers=2)` starts gunicorn with production settings plus `env` and
    waits until it answers; stopped at the end of the test."""
    started = []

    def start(env: dict, workers: int = 2) -> Gunicorn:
        server = Gunicorn(env, workers)
        started.append(server)
        server.wait_ready()
        return server

    yield start
    for server in started:
        server.remove()


class CeleryWorker(Process):
    def __init__(self, env: dict, name: str, concurrency: int = 1):
        super().__init__(
            f"worker-{name}",
            [
                str(BIN / "celery"),
                "-A",
                "ambassador",
                "worker",
                "--pool",
                "prefork",
                "--concurrency",
                str(concurrency),
                "--hostname",
                f"{name}@%h",
                # The default queue (what a web process started by a test sends to) and the
                # queue this test process sends to (conftest: one per xdist process).
                "--queues",
                ",".join(dict.fromkeys(["celery", celery_app.conf.task_default_queue])),
                "--without-mingle",
                "--without-gossip",
                "--loglevel",
                "INFO",
            ],
            production_env(**env),
        )

    def wait_ready(self):
        def ready():
            assert self.alive(), self.output()
            return " ready." in self.output()

        wait_until(ready, seconds=90, what="the Celery worker ready", interval=0.2)


class CeleryBeat(Process):
    def __init__(self, env: dict):
        super().__init__(
            "beat",
            [
                str(BIN / "celery"),
                "-A",
                "ambassador",
                "beat",
                "--schedule",
                "{dir}/schedule",
                "--loglevel",
                "INFO",
            ],
            production_env(**env),
        )


@pytest.fixture
def celery_workers():
    """`celery_workers(env, name)` starts a real `celery worker` process (prefork, one
    child by default) with production settings plus `env`; stopped at the end."""
    started = []

    def start(env: dict, name: str = "w1", concurrency: int = 1) -> CeleryWorker:
        worker = CeleryWorker(env, name, concurrency)
        started.append(worker)
        worker.wait_ready()
        return worker

    yield start
    for worker in started:
        worker.remove()


@pytest.fixture
def celery_beat():
    """`celery_beat(env)` starts the beat scheduler (production settings plus `env`)."""
    started = []

    def start(env: dict) -> CeleryBeat:
        beat = CeleryBeat(env)
        started.append(beat)
        return beat

    yield start
    for beat in started:
        beat.remove()


def current_database_env() -> dict:
    """DATABASE_URL of the test database this process uses (PostgreSQL), for children."""
    from django.db import connection

    db = connection.settings_dict
    return {
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}"
    }


# --- SMTP -------------------------------------------------------------------------------


class Inbox:
    """aiosmtpd handler keeping every message accepted; `hold` makes the next
    conversation wait in RCPT (a slow mail server) until `release()`."""

    def __init__(self):
        self.messages = []
        self.holding = threading.Event()
        self.held = threading.Event()
        self.release_event = threading.Event()

    def hold_next(self):
        self.holding.set()

    def release(self):
        self.release_event.set()

    async def handle_RCPT(self, server, session, envelope, address, options):  # noqa: N802
        import asyncio

        if self.holding.is_set():
            self.holding.clear()
            self.held.set()
            while not self.release_event.is_set():
                await asyncio.sleep(0.05)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((envelope.rcpt_tos, message))
        return "250 Message accepted for delivery"

    def recipients(self) -> list[str]:
        return sorted(address for rcpt_tos, _ in self.messages for address in rcpt_tos)


@pytest.fixture
def smtp_inbox():
    """A real SMTP server on 127.0.0.1 (aiosmtpd); `smtp_inbox.url` for EMAIL_URL."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(range(8690, 8700)))
    controller.start()
    inbox.url = f"smtp://127.0.0.1:{controller.port}"
    yield inbox
    inbox.release()
    controller.stop()


# --- HTTP -------------------------------------------------------------------------------


class Response:
    def __init__(self, status: int, headers: dict, body: str, seconds: float):
        self.status, self.headers, self.body, self.seconds = status, headers, body, seconds


class HttpClient:
    """A tiny HTTP/1.1 client with a cookie jar that ignores the Secure flag (production
    settings mark cookies Secure; the test talks plain HTTP on loopback)."""

    def __init__(self, port: int, timeout: float = 30):
        self.port, self.timeout = port, timeout
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, data: dict | None = None) -> Response:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        headers = {"Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.monotonic()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            content = response.read().decode(errors="replace")
        finally:
            connection.close()
        seconds = time.monotonic() - started
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return Response(response.status, dict(response.getheaders()), content, seconds)

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, data: dict) -> Response:
        return self.request("POST", path, {**data, "csrfmiddlewaretoken": self.csrf_token()})

    def csrf_token(self) -> str:
        if "csrftoken" not in self.cookies:
            self.get("/accounts/login/")
        return self.cookies["csrftoken"]

    def submit(self, page: str, action: str, data: dict | None = None) -> Response:
        """Open `page` (a form) and post `data` to `action` with the page's CSRF token."""
        form = self.get(page)
        assert form.status == 200, (page, form.status)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.body).group(1)
        return self.request("POST", action, {**(data or {}), "csrfmiddlewaretoken": token})

    def sign_in(self, email_address: str, password: str = "ambassador-demo") -> Response:  # noqa: S107 - the demo password
        """Sign in; a demo login asked for its second factor types the code of the demo
        authenticator app (people.demo.DEMO_TOTP_SECRET), computed here."""
        from ambassador.tests.mfa import fresh_totp_code
        from people.demo import DEMO_TOTP_SECRET

        page = self.get("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.body).group(1)
        response = self.request(
            "POST",
            "/accounts/login/",
            {"login": email_address, "password": password, "csrfmiddlewaretoken": token},
        )
        second_step = "/accounts/2fa/authenticate/"
        if response.status == 302 and response.headers.get("Location") == second_step:
            response = self.submit(
                second_step,
                second_step,
                {"code": fresh_totp_code(DEMO_TOTP_SECRET, used=CODES_TYPED)},
            )
        return response

    def use_session_of(self, client) -> "HttpClient":
        """Reuse the session of a Django test client (`client.force_login(...)`)."""
        self.cookies[settings.SESSION_COOKIE_NAME] = client.cookies[
            settings.SESSION_COOKIE_NAME
        ].value
        return self


# --- Celery in the test process ---------------------------------------------------------


@contextlib.contextmanager
def tasks_sent_to(broker_url: str):
    """Send this process's tasks to `broker_url` (not eagerly) for the duration."""
    from ambassador.celery import app

    # The read/write URLs, because CELERY_BROKER_URL in the environment (CI's PostgreSQL
    # pass) wins over `broker_url` set here.
    names = ("broker_read_url", "broker_write_url", "task_always_eager")
    previous = {name: app.conf.get(name) for name in names}

    def forget_pools():
        # Drop the pools (kombu keeps one per broker URL) without closing them: the
        # previous URL's pool is picked up again afterwards.
        app._pool = None
        app.amqp._producer_pool = None

    app.conf.update(
        broker_read_url=broker_url, broker_write_url=broker_url, task_always_eager=False
    )
    forget_pools()
    try:
        yield app
    finally:
        forget_pools()
        app.conf.update(previous)
