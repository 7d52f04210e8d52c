"""Time `manage.py seed_demo` on fresh databases of several sizes.

    DEBUG=1 .venv/bin/python bench/seed_demo.py [SIZES...]     # default: 1000 10000 50000

For each size: a fresh SQLite file (or BENCH_DATABASE_URL, a throwaway database: it is
flushed, all its data deleted, before each size), `migrate`, then `seed_demo --employees N`
timed twice:
the first run builds the organisation, the second finds it and only checks the demo logins
(the idempotent `make setup` case). Prints a Markdown table for bench/README.md.
"""

import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def manage(*args, env):
    """(wall-clock seconds, CPU seconds of the process, its output)."""
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(  # noqa: S603 -- our own manage.py, fixed arguments
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
    elapsed = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu_after.ru_utime + cpu_after.ru_stime) - (cpu_before.ru_utime + cpu_before.ru_stime)
    return elapsed, cpu, result.stdout


def service_seconds(output):
    match = re.search(r" ([0-9.]+) s:", output)
    return float(match.group(1)) if match else float("nan")


def main(sizes):
    print("| employees | departments | first run: service / command (CPU) | second run (no-op) |")
    print("| ---: | ---: | ---: | ---: |")
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tmp}/bench.sqlite3"
            env = {**os.environ, "DATABASE_URL": url, "DEBUG": os.environ.get("DEBUG", "1")}
            if os.environ.get("BENCH_DATABASE_URL"):
                manage("flush", "--no-input", env=env)
            manage("migrate", "-v0", env=env)
            first, first_cpu, output = manage("seed_demo", "--employees", str(size), env=env)
            departments = re.search(r"([0-9,]+) departments", output).group(1)
            second, _cpu, again = manage("seed_demo", "--employees", str(size), env=env)
        print(
            f"| {size:,} | {departments} | {service_seconds(output):.1f} s / {first:.1f} s "
            f"({first_cpu:.1f} s) "
            f"| {service_seconds(again):.1f} s / {second:.1f} s |"
        )


if __name__ == "__main__":
    main([int(n) for n in sys.argv[1:]] or [1_000, 10_000, 50_000])
