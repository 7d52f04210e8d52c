"""What the HR import tests share: building files, running the import, proving nothing changed.

The personas' organisation (root conftest) is in the database for most tests:
ACME > SALES > SALES-N, ACME > FIN.
"""

import io

import openpyxl

from people.importing import employees_import
from people.models import Department, Employee, User

HEADER = (
    "employee_number,email,first_name,last_name,department_code,department_name,"
    "parent_department_code,line_manager_number,job_title,locale,hired_on"
)
# Every Employee field an import may write.
EMPLOYEE_FIELDS = "pk employee_number user_id department_id line_manager_id job_title locale hired_on deactivated_at updated_at".split()  # noqa: SIM905
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
