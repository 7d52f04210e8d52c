import csv
import io

import openpyxl
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.models import Enrollment
from reports.tests.conftest import enroll

CSV = reverse("reports:completion-export", kwargs={"fmt": "csv"})
XLSX = reverse("reports:completion-export", kwargs={"fmt": "xlsx"})


def read_csv(response):
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


def data_rows(rows):
    header = rows.index(next(r for r in rows if r and r[0] == "Employee number"))
    return rows[:header], rows[header], rows[header + 1 :]


def test_csv_is_streamed_with_the_filters_first_and_only_the_scope(
    personas, org, course, client_for, team
):
    team(3)
    enroll(personas["outsider"], course)
    response = client_for(personas["manager"]).get(
        CSV, {"department": org["north"].pk, "overdue": "on"}
    )
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    title, header, rows = data_rows(read_csv(response))
    assert title[0] == ["Completion report"]
    assert ["Department", "Sales North (SALES-N)"] in title
    assert ["Overdue only", "yes"] in title
    assert header[:3] == ["Employee number", "Last name", "First name"]
    assert len(rows) == 1  # one of the three is overdue
    assert all(row[8] == "yes" for row in rows)
    assert "outsider@example.com" not in str(rows)


def test_cells_that_look_like_formulas_are_neutralised(personas, course, client_for):
    user = personas["employee"].user
    user.first_name, user.last_name = '=HYPERLINK("http://x")', "@SUM(A1)"
    user.save()
    enroll(personas["employee"], course)
    _, _, rows = data_rows(read_csv(client_for(personas["manager"]).get(CSV)))
    assert rows[0][1] == "'@SUM(A1)"
    assert rows[0][2] == '\'=HYPERLINK("http://x")'

    response = client_for(personas["manager"]).get(XLSX)
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "'@SUM(A1)" in values
    assert "@SUM(A1)" not in values


def test_xlsx_has_the_same_rows_as_csv(personas, course, client_for, team):
    team(4)
    client = client_for(personas["hr"])
    _, csv_header, csv_rows = data_rows(read_csv(client.get(CSV, {"status": "in_progress"})))
    response = client.get(XLSX, {"status": "in_progress"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    start = next(i for i, r in enumerate(rows) if r and r[0] == "Employee number")
    assert [r[0] for r in rows[start + 1 :]] == [r[0] for r in csv_rows]
    assert len(csv_rows) == 2
    assert ("Status", "In progress") in [tuple(r[:2]) for r in rows[:start]]


def test_an_out_of_scope_department_cannot_be_exported(personas, org, client_for):
    client = client_for(personas["manager"])
    assert client.get(CSV, {"department": org["finance"].pk}).status_code == 404
    assert client.get(XLSX, {"department": org["finance"].pk}).status_code == 404
    assert client_for(personas["employee"]).get(CSV).status_code == 403


def test_an_unknown_format_is_a_404(personas, client_for):
    url = reverse("reports:completion-export", kwargs={"fmt": "pdf"})
    assert client_for(personas["manager"]).get(url).status_code == 404


def test_export_queries_do_not_grow_with_rows(personas, course, client_for, team):
    client = client_for(personas["manager"])
    counts = []
    for size in (3, 30):
        team(size)
        with CaptureQueriesContext(connection) as captured:
            rows = read_csv(client.get(CSV))
        counts.append(len(captured))
    assert counts[0] == counts[1]
    assert len(data_rows(rows)[2]) == 33
    assert Enrollment.objects.count() == 33
