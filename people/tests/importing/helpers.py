"""What the HR import tests share: building files, running the import, proving nothing changed.

The personas' organisation (root conftest) is in the database for most tests:
ACME > SALES > SALES-N, ACME > FIN.
"""

import functools
import io
import zipfile
import zlib

import openpyxl

from people.importing import employees_import
from people.models import Department, Employee, User

HEADER = (
    "employee_number,email,first_name,last_name,department_code,department_name,"
    "parent_department_code,line_manager_number,job_title,locale,hired_on"
)
# Every Employee field an import may write.
_EMPLOYEE_FIELDS = "pk employee_number user_id department_id line_manager_id job_title locale hired_on deactivated_at updated_at"
EMPLOYEE_FIELDS = _EMPLOYEE_FIELDS.split()
ANN = "1,ann@example.com,Ann,A,HQ,Head office,,,CEO,en,2020-01-01"


def csv_bytes(*lines: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode()


def run(*lines: str, header: str = HEADER, **options):
    data = csv_bytes(*lines, header=header)
    return employees_import(file=io.BytesIO(data), filename="hr.csv", **options)


def xlsx_bytes(rows) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    workbook.create_sheet("Ignored").append(["not", "read"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def snapshot():
    """Everything an import may write, to prove that nothing was written."""
    return (
        list(
            User.objects.order_by("pk").values_list(
                "pk", "email", "first_name", "last_name", "is_active", "password"
            )
        ),
        list(Employee.objects.order_by("pk").values_list(*EMPLOYEE_FIELDS)),
        list(
            Department.objects.order_by("pk").values_list("pk", "code", "name", "path", "numchild")
        ),
        list(
            Department.managers.through.objects.order_by("pk").values_list(
                "department_id", "user_id"
            )
        ),
    )


def parent_code(code):
    parent = Department.objects.get_parent(Department.objects.get(code=code))
    return parent.code if parent else None


def assert_tree_is_sound():
    problems = Department.objects.find_problems()
    assert not any(problems), problems


class _RepeatingDeflate:
    """A deflate compressor for a stream of one repeated chunk: each distinct chunk is
    compressed once, as a self-contained block (a full flush resets the history), and its
    block reused. Makes a 650 MB sheet in seconds instead of half a minute."""

    def __init__(self):
        self._blocks: dict[bytes, bytes] = {}

    def compress(self, data: bytes) -> bytes:
        if data not in self._blocks:
            deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
            self._blocks[data] = deflate.compress(data) + deflate.flush(zlib.Z_FULL_FLUSH)
        return self._blocks[data]

    def flush(self) -> bytes:
        return zlib.compressobj(9, zlib.DEFLATED, -15).flush()


@functools.cache
def xlsx_bomb(unpacked_mb: int) -> bytes:
    """A valid workbook whose first sheet unpacks to `unpacked_mb` MB of rows."""
    base = io.BytesIO()
    workbook = openpyxl.Workbook()
    workbook.active.append(HEADER.split(","))
    workbook.save(base)
    row = b'<row><c t="inlineStr"><is><t>' + b"x" * 1000 + b"</t></is></c></row>"
    chunk = row * 1000
    out = io.BytesIO()
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for info in source.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                bomb.writestr(info, source.read(info.filename))
                continue
            with bomb.open(info.filename, "w", force_zip64=True) as sheet:
                sheet._compressor = _RepeatingDeflate()  # zipfile's hook for the deflate step
                sheet.write(
                    b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns='
                    b'"http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                )
                for _ in range(unpacked_mb * 1024 * 1024 // len(chunk)):
                    sheet.write(chunk)
                sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()
