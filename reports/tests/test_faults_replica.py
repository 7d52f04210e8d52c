"""Reports on a real PostgreSQL streaming replica (core.dbrouting).

The test makes its own primary (initdb, the site's schema and a small demo company),
a standby from it (`pg_basebackup -R`, streaming), and serves the site with gunicorn
with DATABASE_REPLICA_URL pointing at the standby. Pausing the standby's replay makes
it visibly stale, which tells where each read went:

- within the lag limit, an HR export shows the standby's (old) data while the
  employee's own pages show the primary's (new) data, and their sign-in's writes land
  on the primary only;
- past the limit, the export falls back to the primary;
- replay resumed, reports go back to the standby;
- the standby stopped, reports are served by the primary, quickly.
"""

import time

import pytest

from ambassador.tests.faults import HttpClient, wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.faults]

MAX_LAG = 8  # REPLICA_MAX_LAG_SECONDS for the server under test
EXPORT = "/reports/export.csv"


def replayed_everything(primary, standby) -> bool:
    (current,) = primary.sql("SELECT pg_current_wal_lsn()")[0]
    return standby.sql(
        "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (str(current),), database="ambassador"
    )[0][0]


def employee_row(export_body: str) -> str:
    return next(line for line in export_body.splitlines() if "employee@example.com" in line)


def test_reports_read_the_replica_while_it_is_current_and_the_primary_otherwise(
    demo_primary, postgres_cluster, gunicorn
):
    primary = demo_primary
    standby = postgres_cluster("standby").standby_of(primary)
    standby.start()
    wait_until(
        lambda: primary.sql("SELECT 1 FROM pg_stat_replication WHERE state = 'streaming'"),
        seconds=30,
        what="the standby streaming from the primary",
    )
    server = gunicorn(
        {
            "DATABASE_URL": primary.url("ambassador"),
            "DATABASE_REPLICA_URL": standby.url("ambassador"),
            "REPLICA_MAX_LAG_SECONDS": str(MAX_LAG),
            "REPLICA_CHECK_SECONDS": "0",
        }
    )
    hr = HttpClient(server.port)
    assert hr.sign_in("hr@example.com").status == 302
    (old_name,) = primary.sql(
        "SELECT last_name FROM people_user WHERE email = 'employee@example.com'",
        database="ambassador",
    )[0]

    # A fresh commit, replayed by the standby; then its replay is paused, and the
    # employee's name changes on the primary only. The clock starts before that commit:
    # the standby measures its lag from the commit's time, and waiting for the replay
    # may take seconds on a busy machine.
    fresh_commit_at = time.monotonic()
    primary.sql(
        "UPDATE people_user SET last_name = last_name WHERE email = 'hr@example.com'",
        database="ambassador",
    )
    wait_until(lambda: replayed_everything(primary, standby), seconds=30, what="replay")
    standby.sql("SELECT pg_wal_replay_pause()")
    wait_until(
        lambda: standby.sql("SELECT pg_get_wal_replay_pause_state()")[0][0] == "paused",
        seconds=10,
        what="replay paused",
    )
    primary.sql(
        "UPDATE people_user SET last_name = 'Afterwards' WHERE email = 'employee@example.com'",
        database="ambassador",
    )

    # 1. Within the lag limit: the export is read on the standby (old name) ...
    export = hr.get(EXPORT)
    usual = export.seconds
    assert time.monotonic() - fresh_commit_at < MAX_LAG, "too slow to test within the limit"
    assert export.status == 200
    assert f",{old_name}," in employee_row(export.body), server.output()[-3000:]
    assert "Afterwards" not in export.body
    assert hr.get("/reports/").status == 200  # the export's last statement closes its cursor
    standby_queries = standby.sql(
        "SELECT query FROM pg_stat_activity WHERE datname = 'ambassador' "
        "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
    )
    # The web process reads through a connection of its own on the standby (the old name
    # above shows the rows came from there; which statement ran last varies by page).
    assert any(query.strip() for (query,) in standby_queries)

    # ... while the employee's own pages read the primary, where their sign-in wrote.
    employee = HttpClient(server.port)
    assert employee.sign_in("employee@example.com").status == 302
    home = employee.get("/")
    assert home.status == 200
    assert "Afterwards" in home.body
    last_login = "SELECT last_login FROM people_user WHERE email = 'employee@example.com'"
    assert primary.sql(last_login, database="ambassador") != standby.sql(
        last_login, database="ambassador"
    )

    # 2. Past the limit the standby is left: the export comes from the primary.
    time.sleep(max(0, MAX_LAG + 1 - (time.monotonic() - fresh_commit_at)))
    export = hr.get(EXPORT)
    assert export.status == 200
    assert ",Afterwards," in employee_row(export.body)

    # 3. Replay resumed and caught up: reports read the standby again.
    standby.sql("SELECT pg_wal_replay_resume()")
    wait_until(lambda: replayed_everything(primary, standby), seconds=30, what="catch-up")
    standby.sql(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE datname = 'ambassador' AND pid <> pg_backend_pid()"
    )
    export = hr.get(EXPORT)
    assert export.status == 200
    assert ",Afterwards," in employee_row(export.body)
    assert hr.get("/reports/").status == 200  # the export's last statement closes its cursor
    standby_queries = standby.sql(
        "SELECT query FROM pg_stat_activity WHERE datname = 'ambassador' "
        "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
    )
    # The web process reads through a connection of its own on the standby (the old name
    # above shows the rows came from there; which statement ran last varies by page).
    assert any(query.strip() for (query,) in standby_queries)

    # 4. The standby stops: reports are served by the primary, without waiting on it
    #    (under 2 s, or three times the usual export on a machine busier than that).
    standby.stop()
    for path in (EXPORT, "/reports/", "/reports/dashboard/"):
        response = hr.get(path)
        assert response.status == 200, (path, response.body[:500])
        assert response.seconds < max(2, 3 * usual), (path, response.seconds, usual)
    assert ",Afterwards," in employee_row(hr.get(EXPORT).body)
    assert "Traceback" not in server.output()
