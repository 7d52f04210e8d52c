"""HR's subject-access export: the printable page and the JSON download."""

import json

import pytest
from django.urls import reverse

from certificates.tests.factories import issue_certificate
from privacy.models import PersonalDataExport
from quizzes.services import attempt_start, attempt_submit
from quizzes.tests.factories import answers_for, quiz_with_questions

pytestmark = pytest.mark.django_db


def test_hr_downloads_everything_held_as_json(personas, history, client_for):
    employee = personas["employee"]
    response = client_for(personas["hr"]).get(
        reverse("privacy:employee-export-json", args=[employee.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    assert response["Cache-Control"] == "no-store"
    data = json.loads(response.content)
    assert data["schema_version"] == 1
    assert data["account"]["email"] == "employee@example.com"
    assert data["profile"]["employee_number"] == employee.employee_number
    assert data["profile"]["department"]["code"] == "SALES-N"
    assert data["profile"]["line_manager"]["email"] == "manager@example.com"
    courses = {row["course"] for row in data["enrollments"]}
    assert {"Posting safely"} <= courses
    assert len(data["lesson_completions"]) == 2
    (attempt,) = data["quiz_attempts"]
    assert attempt["quiz"] == "Spot the risk"
    assert [answer["correct"] for answer in attempt["answers"]] == [True, False]
    assert all(answer["question"] and answer["chosen"] for answer in attempt["answers"])
    (certificate,) = data["certificates"]
    assert certificate["code"] == history["certificate"].code
    assert certificate["holder_name"] == history["certificate"].holder_name
    # The export itself is on record, with who made it.
    assert data["personal_data_exports_of_them"][-1]["by"] == "hr@example.com"


def test_hr_sees_a_printable_page(personas, history, client_for):
    employee = personas["employee"]
    response = client_for(personas["hr"]).get(
        reverse("privacy:employee-export", args=[employee.pk])
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Personal data held about Employee Persona" in page
    assert "employee@example.com" in page
    assert "Posting safely" in page
    assert "Spot the risk, attempt 1" in page
    assert history["certificate"].holder_name in page
    assert "data-print hidden" in page  # shown by print.js (no inline script)
    assert reverse("privacy:employee-export-json", args=[employee.pk]) in page


def test_each_export_is_audited_with_who_made_it(personas, client_for):
    hr, employee = personas["hr"], personas["employee"]
    client = client_for(hr)
    client.get(reverse("privacy:employee-export", args=[employee.pk]))
    client.get(reverse("privacy:employee-export-json", args=[employee.pk]))
    rows = PersonalDataExport.objects.order_by("pk")
    assert [(r.employee_id, r.exported_by_id, r.format) for r in rows] == [
        (employee.pk, hr.user_id, "html"),
        (employee.pk, hr.user_id, "json"),
    ]


@pytest.mark.parametrize("role", ["employee", "manager", "author", "outsider"])
def test_nobody_but_hr_may_export(role, personas, client_for):
    client = client_for(personas[role])
    for name in ("privacy:employee-export", "privacy:employee-export-json"):
        response = client.get(reverse(name, args=[personas["employee"].pk]))
        assert response.status_code == 403
    assert not PersonalDataExport.objects.exists()


def test_an_unknown_employee_is_a_404(personas, client_for):
    response = client_for(personas["hr"]).get(reverse("privacy:employee-export", args=[99999]))
    assert response.status_code == 404


def test_the_employee_page_links_to_the_export_for_hr_only(personas, client_for):
    url = reverse("reports:employee-detail", args=[personas["employee"].pk])
    export = reverse("privacy:employee-export", args=[personas["employee"].pk])
    assert export in client_for(personas["hr"]).get(url).content.decode()
    assert export not in client_for(personas["manager"]).get(url).content.decode()


def _more_history(employee, n):
    for index in range(n):
        issue_certificate(employee=employee, title=f"Extra course {index}")
        quiz = quiz_with_questions(questions=3)
        attempt = attempt_start(employee=employee, quiz=quiz)
        attempt_submit(attempt=attempt, employee=employee, answers=answers_for(attempt))


@pytest.mark.parametrize("name", ["privacy:employee-export", "privacy:employee-export-json"])
def test_queries_do_not_grow_with_the_history(
    name, personas, client_for, settings, tmp_path, django_assert_max_num_queries
):
    """Session, user, permissions, the employee, the audit row, then one query per kind
    of record (about 20); the same with 1 or 6 courses of history."""
    settings.MEDIA_ROOT = tmp_path
    employee = personas["employee"]
    client = client_for(personas["hr"])
    url = reverse(name, args=[employee.pk])
    _more_history(employee, 1)
    client.get(url)  # warm the content-type cache
    with django_assert_max_num_queries(30) as small:
        client.get(url)
    _more_history(employee, 5)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)
