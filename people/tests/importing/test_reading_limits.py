"""The import's reading limits: hostile files stop with a clear message, whatever reads them.

The zip bomb is real: a valid workbook whose sheet unpacks to 650 MB from 1.7 MB, read in
a subprocess whose address space is capped, so that reading it whole would fail.
"""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from people.importing import RowError, read_rows
from people.importing import reading as reading_module
from people.tests.importing.helpers import HEADER, csv_bytes, xlsx_bomb, xlsx_bytes

ROOT = Path(__file__).resolve().parents[3]
BOMB_MB = 650

# Reads a file in a process whose address space may grow by only 300 MB.
CAPPED_READ = """
import json, re, resource, sys, time
import django
django.setup()
from people.importing import read_rows
status = open("/proc/self/status").read()
size = int(re.search(r"VmSize:\\s+(\\d+) kB", status).group(1)) * 1024
resource.setrlimit(resource.RLIMIT_AS, (size + 300 * 1024 * 1024, resource.RLIM_INFINITY))
started = time.monotonic()
with open(sys.argv[1], "rb") as handle:
    rows, errors = read_rows(handle, "bomb.xlsx")
print(json.dumps({"errors": [[e.line, e.message] for e in errors], "seconds": time.monotonic() - started}))
"""


def read(data: bytes, filename: str = "hr.csv"):
    return read_rows(io.BytesIO(data), filename)


def test_a_zip_bomb_is_refused_before_unpacking_under_a_memory_limit(tmp_path):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(xlsx_bomb(BOMB_MB))
    assert path.stat().st_size < 3 * 1024 * 1024

    result = subprocess.run(  # noqa: S603 -- our own interpreter and script
        [sys.executable, "-c", CAPPED_READ, str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"DJANGO_SETTINGS_MODULE": "ambassador.settings", "DEBUG": "1", "PATH": "/usr/bin"},
    )

    assert result.returncode == 0, result.stderr[-2000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["errors"] == [
        [
            0,
            "The workbook unpacks to more than 100 MB, far more than an employee list needs: "
            "save it again as .xlsx with only the employee sheet, or as .csv.",
        ]
    ]
    assert outcome["seconds"] < 5


def test_rows_beyond_the_limit_stop_the_xlsx_stream(monkeypatch):
    monkeypatch.setattr(reading_module, "MAX_ROWS", 10)
    rows = [HEADER.split(",")] + [[str(n), f"p{n}@example.com", "P", "Q", "HQ"] for n in range(30)]

    assert read(xlsx_bytes(rows), "hr.xlsx") == (
        [],
        [RowError(0, "The file has more than 10 lines: split it into several files.")],
    )


def test_rows_beyond_the_limit_stop_a_csv(monkeypatch):
    monkeypatch.setattr(reading_module, "MAX_ROWS", 3)
    lines = [f"{n},p{n}@example.com,P,Q,HQ,,,,,," for n in range(3)]

    assert read(csv_bytes(*lines))[1] == [
        RowError(0, "The file has more than 3 lines: split it into several files.")
    ]
    assert read(csv_bytes(*lines[:2]))[1] == []


def test_too_many_columns_is_an_error_on_that_line():
    wide = "1,ann@example.com,Ann,A,HQ" + ",x" * 200
    padded = "2,bob@example.com,Bob,B,HQ" + "," * 400  # trailing empty cells do not count

    rows, errors = read(csv_bytes(padded, wide))

    assert errors == [RowError(3, "Line 3 has more than 200 columns.")]
    assert read(csv_bytes(padded))[1] == []


def test_a_cell_longer_than_the_limit_is_an_error_on_that_line():
    rows, errors = read(csv_bytes("1,ann@example.com,Ann,A,HQ,,,,," + "x" * 10_001))

    assert errors == [RowError(2, "Line 2 has a cell longer than 10,000 characters.")]


def test_the_limits_are_written_in_the_reader_s_language():
    from django.utils import translation

    with translation.override("fr"):
        rows, errors = read(csv_bytes("1,ann@example.com,Ann,A,HQ,,,,," + "x" * 10_001))
    assert errors == [
        RowError(2, "La ligne 2 contient une cellule de plus de 10\u00a0000 caractères.")
    ]


def test_a_file_larger_than_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(reading_module, "MAX_FILE_BYTES", 1024 * 1024)
    data = csv_bytes(*[f"{n},p{n}@example.com,P,Q,HQ,,,,,," for n in range(40_000)])

    assert read(data)[1] == [
        RowError(0, "The file is larger than 1 MB: split it, or leave out unused columns.")
    ]


@pytest.mark.django_db
def test_the_command_applies_the_same_limits(tmp_path, monkeypatch):
    from django.core.management import CommandError, call_command

    monkeypatch.setattr(reading_module, "MAX_FILE_BYTES", 1024 * 1024)
    path = tmp_path / "big.csv"
    path.write_bytes(csv_bytes(*[f"{n},p{n}@example.com,P,Q,HQ,,,,,," for n in range(40_000)]))
    out = io.StringIO()

    with pytest.raises(CommandError, match="1 error"):
        call_command("import_employees", str(path), stdout=out)
    assert "The file is larger than 1 MB" in out.getvalue()
