from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from certificates.tests.factories import issue_certificate
from courses.models import Enrollment
from courses.tests.factories import CourseFactory
from quizzes.services import attempt_start, attempt_submit
from quizzes.tests.factories import answers_for, quiz_with_questions
from reports.tests.conftest import enroll


def url(employee):
    return reverse("reports:employee-detail", kwargs={"pk": employee.pk})


def test_manager_sees_an_employees_courses_certificates_and_history(
    personas, course, client_for, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    employee = personas["employee"]
    certificate = issue_certificate(employee=employee, title="Brand basics")
    Enrollment.objects.filter(pk=certificate.enrollment_id).update(is_current=False)
    enroll(employee, certificate.course, cycle=2, status=Enrollment.Status.IN_PROGRESS)
    quiz = quiz_with_questions(questions=2)
    attempt = attempt_start(employee=employee, quiz=quiz)
    attempt_submit(attempt=attempt, employee=employee, answers=answers_for(attempt))

    response = client_for(personas["manager"]).get(url(employee))
    assert response.status_code == 200
    html = response.content.decode()
    record = response.context["record"]
    assert "Sales North" in html and "Manager Persona" in html  # department, line manager
    assert {e.course.title for e in record.current} == {"Brand basics", quiz.module.course.title}
    assert [e.cycle for e in record.history] == [1]
    assert certificate.get_download_url() in html
    quiz_enrollment = next(e for e in record.current if e.course_id == quiz.module.course_id)
    assert record.attempts[quiz_enrollment.pk] == 1


def test_an_employee_outside_the_scope_is_a_404(personas, client_for):
    assert client_for(personas["manager"]).get(url(personas["outsider"])).status_code == 404
    assert client_for(personas["hr"]).get(url(personas["outsider"])).status_code == 200


def test_plain_employees_cannot_open_anyones_page(personas, client_for):
    assert client_for(personas["employee"]).get(url(personas["employee"])).status_code == 403


def test_the_directory_links_every_name_to_the_employee_page(personas, client_for):
    response = client_for(personas["manager"]).get(reverse("people:employee-list"))
    assert url(personas["employee"]) in response.content.decode()


def test_query_count_does_not_grow_with_courses(personas, client_for):
    # session, user, employee (locale), roles (3), scope paths, the employee, their
    # enrollments with courses and certificates, attempt counts.
    client = client_for(personas["manager"])
    counts = []
    for size in (2, 12):
        for _ in range(size):
            enroll(personas["employee"], CourseFactory())
        with CaptureQueriesContext(connection) as captured:
            client.get(url(personas["employee"]))
        counts.append(len(captured))
    assert counts[0] == counts[1]
