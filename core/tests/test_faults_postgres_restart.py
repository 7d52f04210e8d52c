"""PostgreSQL restarted while people use the site.

The test's own PostgreSQL (the site's schema and a small demo company), its own Redis,
gunicorn (two workers, production settings), a Celery worker and an SMTP server. Three
people keep browsing while PostgreSQL is stopped (fast shutdown: their connections are
cut), left down for a few seconds, and started again:

- every request answers: a page, or a clean 503 "back in a moment" page with
  Retry-After (no traceback, no error details), never a hang;
- without restarting anything, the web processes serve every page again as soon as
  PostgreSQL is back (`CONN_HEALTH_CHECKS` replaces their dead connections), and the
  worker runs the next task (an invitation) on a fresh connection.
"""

import threading
import time

import pytest

from ambassador.tests.faults import HttpClient, manage, production_env, wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.faults]

DOWN_SECONDS = 4
HEADER = (
    "employee_number,email,first_name,last_name,department_code,department_name,"
    "parent_department_code,line_manager_number\n"
)


def test_a_postgresql_restart_under_load_gives_clean_503s_and_everything_recovers(
    demo_primary, redis_server, gunicorn, celery_workers, smtp_inbox, tmp_path
):
    primary = demo_primary
    env = {
        "DATABASE_URL": primary.url("ambassador"),
        "CELERY_BROKER_URL": redis_server.url(0),
        "CACHE_URL": redis_server.url(1),
        "CACHE_PER_PROCESS": "0",
        "TASKS_IN_PROCESS": "0",
        "EMAIL_URL": smtp_inbox.url,
        "MEDIA_ROOT": str(tmp_path / "media"),
    }
    server = gunicorn(env, workers=2)
    worker = celery_workers(env)
    web_processes = sorted(server.children())
    worker_children = sorted(worker.children())

    def person(email):
        client = HttpClient(server.port, timeout=60)
        assert client.sign_in(email).status == 302
        return client

    people = [
        [(person("employee@example.com"), path) for path in ("/", "/courses/", "/certificates/")],
        [(person("manager@example.com"), path) for path in ("/reports/", "/people/", "/")],
        [(person("hr@example.com"), path) for path in ("/reports/dashboard/", "/assignments/")],
    ]
    for pages in people:
        for client, path in pages:
            assert client.get(path).status == 200, path

    results = []  # (started, path, status, body, seconds)
    stop = threading.Event()

    def browse(pages):
        while not stop.is_set():
            for client, path in pages:
                started = time.monotonic()
                try:
                    response = client.get(path)
                except OSError as error:  # a refused or dropped connection: a failure too
                    results.append((started, path, 0, repr(error), time.monotonic() - started))
                    continue
                results.append((started, path, response.status, response.body, response.seconds))

    threads = [threading.Thread(target=browse, args=(pages,)) for pages in people]
    for thread in threads:
        thread.start()
    try:
        time.sleep(2)
        stopping = time.monotonic()
        primary.stop("fast")
        time.sleep(DOWN_SECONDS)
        primary.start()
        back = time.monotonic()
        time.sleep(5)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=120)

    statuses = {status for _, _, status, _, _ in results}
    assert statuses <= {200, 503}, statuses
    unavailable = [r for r in results if r[2] == 503]
    assert unavailable, "no request met the restart"
    assert all(stopping - 1 <= started <= back for started, *_ in unavailable)
    for _, path, _, body, _ in unavailable:
        assert "Back in a moment" in body, (path, body[:300])
        assert "Traceback" not in body and "OperationalError" not in body
    # Every request made once PostgreSQL was back succeeded: no process was restarted.
    after = [r for r in results if r[0] >= back]
    assert after and all(status == 200 for _, _, status, _, _ in after), [
        (path, status) for _, path, status, _, _ in after if status != 200
    ]
    assert max(seconds for *_, seconds in results) < 30  # nothing hung
    assert sorted(server.children()) == web_processes
    assert server.alive()  # (its log has the tracebacks of the 503s, for the operators)

    # The worker's connection died with the restart; its next task runs all the same.
    import_file = tmp_path / "hr.csv"
    import_file.write_text(HEADER + "R9,after.restart@example.com,After,Restart,OPS,Ops,,\n")
    manage("import_employees", str(import_file), "--send-invitations", env=production_env(**env))
    wait_until(
        lambda: "after.restart@example.com" in smtp_inbox.recipients(),
        seconds=90,
        what="the invitation sent by the worker after the restart",
    )
    assert sorted(worker.children()) == worker_children
    print(  # noqa: T201 - the figures for bench/README.md (pytest -s)
        f"\nPostgreSQL down {back - stopping:.1f} s: {len(results)} requests, "
        f"{len(unavailable)} answered 503, {len(after)} after the restart all 200; "
        f"slowest {max(seconds for *_, seconds in results):.2f} s"
    )
