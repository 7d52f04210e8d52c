"""Page cost against the floor: requests per second of the learner's pages next to a bare
view behind the same middleware, in one run, on the production stack.

gunicorn (deploy/gunicorn.conf.py, 2 sync workers, DEBUG off) on PostgreSQL, the demo
organisation seeded, the demo employee signed in; wrk (Debian's `wrk`, installed when
missing and allowed) on loopback drives one page at a time, in rounds so that a passing
load on the machine is spread over every page alike. Prints a table and the queries each
page makes (counted in-process on the same database).

    .venv/bin/python bench/page_cost.py                         # 1,000 employees, amb_load
    .venv/bin/python bench/page_cost.py --employees 10000 --rounds 3 --seconds 10
    make bench-pages
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import stack  # noqa: E402


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if shutil.which("apt-get") and hasattr(sys, "getuid"):
        print("wrk is missing: installing Debian's package", flush=True)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "wrk"],
            check=False,
            env={"DEBIAN_FRONTEND": "noninteractive", "PATH": "/usr/sbin:/usr/bin:/sbin:/bin"},
            stdout=subprocess.DEVNULL,
        )
        found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk is needed: apt-get install wrk (Debian package)")
    return found


def learner_pages() -> tuple[str, dict[str, str]]:
    """A session cookie for the demo employee and the URLs of the pages to measure: My
    training, the course they are taking and a lesson in its middle."""
    from django.conf import settings
    from django.test import Client

    from courses.models import Enrollment, Lesson
    from people.models import User

    user = User.objects.get(email="employee@example.com")
    enrollment = (
        Enrollment.objects.filter(employee__user=user, is_current=True, course__published=True)
        .select_related("course")
        .order_by("-progress_percent")
        .first()
    )
    course = enrollment.course
    lessons = list(
        Lesson.objects.filter(module__course=course).order_by("module__position", "position")
    )
    lesson = lessons[len(lessons) // 2]
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    return cookie, {
        "bare view (floor)": "/bench/bare/",
        "My training": "/",
        "course page": f"/courses/{course.code}/",
        "lesson page": f"/courses/{course.code}/lessons/{lesson.pk}/",
    }


def count_queries(cookie: str, pages: dict[str, str]) -> dict[str, int]:
    """Queries per page, the second request of each (as a warm server answers)."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    counts = {}
    with override_settings(ROOT_URLCONF="bench.site_urls", ALLOWED_HOSTS=["testserver"]):
        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = cookie
        for label, url in pages.items():
            client.get(url)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"{label} {url} answered {response.status_code} in-process")
            counts[label] = len(queries)
    return counts


def server_cpu_seconds(master_pid: int, database: str) -> float:
    """CPU time used so far by the gunicorn workers and the PostgreSQL backends serving
    the bench database: the cost of the requests, whatever else loads the machine."""
    import psycopg

    pids = []
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children")
    if children.exists():
        pids += [int(pid) for pid in children.read_text().split()]
    with psycopg.connect(stack.DEFAULT_DATABASE_URL.rsplit("/", 1)[0] + "/postgres") as conn:
        pids += [
            row[0]
            for row in conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                [database],
            )
        ]
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime + stime
    # gunicorn recycles a worker after max_requests: what the master has reaped counts too.
    master = Path(f"/proc/{master_pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks += int(master[13]) + int(master[14])  # cutime + cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def run_wrk(wrk: str, url: str, cookie: str, *, seconds: int, connections: int) -> dict:
    output = subprocess.run(
        [
            wrk,
            "-t1",
            f"-c{connections}",
            f"-d{seconds}s",
            "--latency",
            "-H",
            f"Cookie: sessionid={cookie}",
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    count = int(re.search(r"(\d+) requests in", output).group(1))
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    errors = re.search(r"Socket errors:.*", output)
    p50 = re.search(r"50%\s+(\S+)", output).group(1)
    p99 = re.search(r"99%\s+(\S+)", output).group(1)
    return {
        "rate": rate,
        "count": count,
        "non_2xx": int(bad.group(1)) if bad else 0,
        "socket_errors": errors.group(0) if errors else "",
        "p50": p50,
        "p99": p99,
    }


def check_page(url: str, cookie: str) -> None:
    import urllib.request

    request = urllib.request.Request(url, headers={"Cookie": f"sessionid={cookie}"})
    with urllib.request.urlopen(request, timeout=10) as response:
        if response.status != 200 or response.url != url:
            raise SystemExit(f"{url} did not answer 200 for the signed-in employee")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=1000)
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per page and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--port", type=int, default=8701)
    parser.add_argument("--database-url", default=stack.DEFAULT_DATABASE_URL + "_pages")
    parser.add_argument("--redis-url", default=stack.DEFAULT_REDIS_URL)
    parser.add_argument(
        "--reuse-database", action="store_true", help="skip the seeding (still migrated)"
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    wrk = ensure_wrk()
    if not args.reuse_database:
        print(f"Seeding {args.database_url} with {args.employees} employees...", flush=True)
        stack.prepare_database(args.database_url, args.employees)
    else:
        stack.migrate(args.database_url)
    stack.django_setup(args.database_url)
    cookie, pages = learner_pages()
    queries = count_queries(cookie, pages)
    base = f"http://127.0.0.1:{args.port}"
    results: dict[str, list[dict]] = {label: [] for label in pages}
    print(f"load average before: {stack.load_average()}", flush=True)
    database = stack.database_parts(args.database_url)[1]
    with stack.gunicorn(
        database_url=args.database_url, redis_url=args.redis_url, port=args.port
    ) as server:
        for url in pages.values():
            check_page(base + url, cookie)
            run_wrk(wrk, base + url, cookie, seconds=1, connections=args.connections)  # warm up
        for round_number in range(1, args.rounds + 1):
            for label, url in pages.items():
                cpu_before = server_cpu_seconds(server.pid, database)
                result = run_wrk(
                    wrk, base + url, cookie, seconds=args.seconds, connections=args.connections
                )
                cpu = server_cpu_seconds(server.pid, database) - cpu_before
                result["cpu_ms"] = 1000 * cpu / max(result["count"], 1)
                results[label].append(result)
                print(
                    f"round {round_number}: {label:<18} {result['rate']:8.1f} req/s "
                    f"p50 {result['p50']} p99 {result['p99']} "
                    f"server CPU {result['cpu_ms']:.2f} ms/request",
                    flush=True,
                )
    print(f"load average after: {stack.load_average()}")
    floor = statistics.median(r["rate"] for r in results["bare view (floor)"])
    floor_cpu = statistics.median(r["cpu_ms"] for r in results["bare view (floor)"])
    failed = False
    summary = []
    print(
        f"\n{'page':<18} {'req/s':>8} {'of floor':>9} {'queries':>8} "
        f"{'CPU ms/req':>11} {'floor/CPU':>10}"
    )
    for label, rows in results.items():
        rate = statistics.median(r["rate"] for r in rows)
        cpu_ms = statistics.median(r["cpu_ms"] for r in rows)
        bad = sum(r["non_2xx"] for r in rows)
        share = rate / floor
        print(
            f"{label:<18} {rate:8.1f} {share:9.0%} {queries[label]:8d} "
            f"{cpu_ms:11.2f} {floor_cpu / cpu_ms:10.0%}"
        )
        if bad or any(r["socket_errors"] for r in rows):
            print(f"  {label}: {bad} non-2xx responses {[r['socket_errors'] for r in rows]}")
            failed = True
        summary.append(
            {
                "page": label,
                "rate": rate,
                "share": share,
                "queries": queries[label],
                "cpu_ms": cpu_ms,
            }
        )
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2))
    if failed:
        raise SystemExit("Some requests failed: see above.")


if __name__ == "__main__":
    main()
