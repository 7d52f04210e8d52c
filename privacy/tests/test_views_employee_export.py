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
    assert data["schema_version"] == 2
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


def test_sign_ins_second_factors_and_company_accounts_are_in_both_exports(personas, client_for):
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount

    from identity.models import AuditEvent
    from identity.services import audit_record

    employee = personas["employee"]
    audit_record(kind=AuditEvent.Kind.SIGN_IN, user=employee.user, method="oidc", provider="okta")
    audit_record(kind=AuditEvent.Kind.SIGN_IN, user=personas["outsider"].user, method="saml")
    Authenticator.objects.create(user=employee.user, type="totp", data={"secret": "x"})
    SocialAccount.objects.create(user=employee.user, provider="okta", uid="00u-employee-1")
    client = client_for(personas["hr"])
    data = json.loads(
        client.get(reverse("privacy:employee-export-json", args=[employee.pk])).content
    )
    records = data["other_records"]
    assert [(row["method"], row["provider"]) for row in records["sign_in_log"]] == [
        ("oidc", "okta")
    ]
    assert "secret" not in json.dumps(records["second_factors"])  # what, not the secret
    assert [row["type"] for row in records["second_factors"]] == ["TOTP Authenticator"]
    assert [row["uid"] for row in records["company_accounts"]] == ["00u-employee-1"]
    assert records["identity_provider_keys"] == []
    page = client.get(reverse("privacy:employee-export", args=[employee.pk])).content.decode()
    assert "Company accounts linked by single sign-on" in page
    assert "00u-employee-1" in page and "TOTP Authenticator" in page
    assert page.count("okta") >= 2  # the sign-in's provider and the linked account
