"""People directory at size: the page HR and a manager open, rendered through Django.

Seeds the demo organisation (N employees) in a throwaway database, then times GET
/people/ (first page, a name search, a department filter) for the HR demo login and the
manager demo login, median of 15 requests each, and counts the queries.

    DEBUG=1 .venv/bin/python bench/directory.py 50000
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/amb_bench DEBUG=1 .venv/bin/python bench/directory.py 50000
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main(size: int) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="ambassador-bench-"))
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}"
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ambassador.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from people.models import User

    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    if connection.vendor != "sqlite":
        call_command("flush", interactive=False, verbosity=0)
    call_command("seed_demo", employees=size, verbosity=0)
    print(f"People directory, {size} employees, {connection.vendor}")
    for email in ("hr@example.com", "manager@example.com"):
        client = Client()
        client.force_login(User.objects.get(email=email))
        for label, params in (
            ("first page", {}),
            ("search 'martin'", {"q": "martin"}),
            ("department EXC-SAL", {"department": "EXC-SAL"}),
        ):
            timings = []
            for _ in range(15):
                with CaptureQueriesContext(connection) as queries:
                    started = time.perf_counter()
                    response = client.get("/people/", params)
                    timings.append(time.perf_counter() - started)
                assert response.status_code == 200
            print(
                f"  {email:<22} {label:<20} median {statistics.median(timings) * 1000:7.1f} ms"
                f"  {len(queries):2d} queries"
            )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
