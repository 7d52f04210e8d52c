"""Benchmark of the HR import (`people.importing.employees_import`).

Generates a deterministic organisation (a 4-level tree of ~200 departments, line
managers, department heads, rows shuffled so that managers often come after their
reports), then imports it into a fresh temporary SQLite database:

1. first import (everything created),
2. re-import of the same file (nothing changes),
3. dry run of a file where 5% of job titles changed and 1% of people left,
4. the same file for real, with --deactivate-missing.

Usage (from the project root):

    DEBUG=1 .venv/bin/python bench/import_employees.py --rows 10000

Results are written down in bench/README.md.
"""

import argparse
import csv
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_COLUMNS = "employee_number,email,first_name,last_name,department_code,department_name,parent_department_code,line_manager_number,job_title,locale,hired_on,manages_departments"
HEADER = _COLUMNS.split(",")


def departments(seed: int) -> list[tuple[str, str, str]]:
    """(code, name, parent code) parent-first: 1 root, 6 divisions, 30 units, ~170 teams."""
    rng = random.Random(seed)
    tree = [("ORG", "Organisation", "")]
    for d in range(1, 7):
        division = f"DIV{d}"
        tree.append((division, f"Division {d}", "ORG"))
        for u in range(1, 6):
            unit = f"{division}-U{u}"
            tree.append((unit, f"Unit {d}.{u}", division))
            tree.extend(
                (f"{unit}-T{t}", f"Team {d}.{u}.{t}", unit) for t in range(1, rng.randint(4, 7) + 1)
            )
    return tree


def employee_rows(count: int, seed: int) -> list[list[str]]:
    rng = random.Random(seed)
    tree = departments(seed)
    parent_of = {code: parent for code, _name, parent in tree}
    heads: dict[str, str] = {}
    rows = []
    for i in range(count):
        code, name, parent = tree[i % len(tree)]
        number = f"{100000 + i}"
        if code not in heads:
            heads[code] = number
            manager = heads.get(parent_of[code], "")
            manages = code
        else:
            manager = heads[code]
            manages = ""
        rows.append(
            [
                number,
                f"person{i}@example.com",
                f"First{i}",
                f"Last{i}",
                code,
                name,
                parent,
                manager,
                rng.choice(["Analyst", "Engineer", "Sales rep", "Designer", "Lead"]),
                rng.choice(["en", "en", "fr"]),
                f"{rng.randint(2000, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                manages,
            ]
        )
    rng.shuffle(rows)  # managers often come after the people they manage
    return rows


def write_csv(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="ambassador-bench-"))
    # BENCH_DATABASE_URL: a throwaway PostgreSQL database instead (flushed first: all data deleted).
    os.environ["DATABASE_URL"] = os.environ.get(
        "BENCH_DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}"
    )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ambassador.settings")
    sys.path.insert(0, str(ROOT))

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from people.importing import employees_import
    from people.models import Department, Employee

    try:
        call_command("migrate", verbosity=0)
        if connection.vendor != "sqlite":
            call_command("flush", interactive=False, verbosity=0)
        rows = employee_rows(args.rows, args.seed)
        first = workdir / "employees.csv"
        write_csv(first, rows)
        # 5% new job titles, 1% leavers (never a department head: they are managers).
        rng = random.Random(args.seed + 1)
        changed_rows = [list(row) for row in rows]
        for row in rng.sample(changed_rows, len(rows) // 20):
            row[8] = "Senior " + row[8]
        heads = {row[0] for row in rows if row[11]}
        managers = {row[7] for row in rows}
        leavers = set(
            rng.sample(
                sorted(r[0] for r in rows if r[0] not in heads and r[0] not in managers),
                len(rows) // 100,
            )
        )
        changed = workdir / "employees-changed.csv"
        write_csv(changed, [row for row in changed_rows if row[0] not in leavers])

        def run(label, path, **options):
            with CaptureQueriesContext(connection) as queries, path.open("rb") as handle:
                started, cpu_started = time.perf_counter(), time.process_time()
                report = employees_import(file=handle, filename=path.name, **options)
                elapsed = time.perf_counter() - started
                cpu = time.process_time() - cpu_started
            assert report.ok, report.errors[:5]
            print(
                f"{label:<38} {elapsed:6.2f} s (CPU {cpu:5.2f} s)  {len(queries):5d} queries  "
                f"created={report.employees_created} updated={report.employees_updated} "
                f"unchanged={report.employees_unchanged} "
                f"deactivated={report.employees_deactivated} "
                f"departments created={report.departments_created}"
            )

        print(
            f"HR import benchmark: {args.rows} rows, {len(departments(args.seed))} departments, "
            + (
                f"SQLite {connection.Database.sqlite_version}"
                if connection.vendor == "sqlite"
                else f"PostgreSQL {connection.pg_version}"
            )
        )
        run("first import", first)
        run("re-import, no change", first)
        run("dry run, 5% changed, 1% leavers", changed, dry_run=True, deactivate_missing=True)
        run("import, 5% changed, 1% leavers", changed, deactivate_missing=True)
        assert Employee.objects.count() == args.rows
        problems = Department.objects.find_problems()
        assert not any(problems), problems
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
