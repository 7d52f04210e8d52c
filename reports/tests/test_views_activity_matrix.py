import csv
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.models import Lesson
from courses.services import lesson_complete
from courses.tests.factories import course_with_lessons
from people.tests.factories import EmployeeFactory
from quizzes.services import attempt_start, attempt_submit
from quizzes.tests.factories import answers_for, quiz_with_questions

URL = reverse("reports:matrix")
CSV = reverse("reports:matrix-export", kwargs={"fmt": "csv"})


def setup_course():
    course = course_with_lessons(modules=2, lessons=2, title="Matrix course")
    module = course.modules.order_by("position").first()
    quiz = quiz_with_questions(questions=2, module=module, title="Check one", pass_mark_percent=50)
    return course, quiz


def take(employee, course, quiz, *, lessons=1, right=None):
    for lesson in Lesson.objects.filter(module__course=course).order_by(
        "module__position", "position"
    )[:lessons]:
        lesson_complete(employee=employee, lesson=lesson)
    if right is not None:
        attempt = attempt_start(employee=employee, quiz=quiz)
        attempt_submit(
            attempt=attempt, employee=employee, answers=answers_for(attempt, right=right)
        )


def test_matrix_marks_lessons_done_and_best_quiz_scores(personas, client_for):
    course, quiz = setup_course()
    take(personas["employee"], course, quiz, lessons=1, right=1)
    take(personas["outsider"], course, quiz, lessons=2)
    response = client_for(personas["manager"]).get(URL, {"course": course.pk})
    assert response.status_code == 200
    items = response.context["items"]
    # Module 1: two lessons then its quiz; module 2: two lessons.
    assert [i.kind for i in items] == ["lesson", "lesson", "quiz", "lesson", "lesson"]
    (row,) = response.context["rows"]  # the outsider is not in the manager's scope
    assert row.employee_id == personas["employee"].pk
    assert row.cells == [True, False, (50, True), False, False]
    assert "Outsider" not in response.content.decode()


def test_the_export_holds_every_row_and_is_neutralised(personas, client_for, org):
    course, quiz = setup_course()
    user = personas["employee"].user
    user.first_name = "-Minus"
    user.save()
    take(personas["employee"], course, quiz, lessons=2, right=2)
    response = client_for(personas["manager"]).get(CSV, {"course": course.pk})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    header_at = next(i for i, r in enumerate(rows) if r and r[0] == "Employee number")
    header, data = rows[header_at], rows[header_at + 1 :]
    assert header[6:] == [
        *[lesson.title for lesson in Lesson.objects.filter(module__course=course)][:2],
        "Check one (best score %, pass 50)",
        *[lesson.title for lesson in Lesson.objects.filter(module__course=course)][2:],
    ]
    assert len(data) == 1
    assert data[0][1].startswith("'-Minus")
    assert data[0][6:] == ["done", "done", "100", "", ""]
    assert ["Course", "Matrix course"] in rows[:header_at]


def test_out_of_scope_department_is_a_404_and_employees_get_403(personas, client_for, org):
    course, _ = setup_course()
    client = client_for(personas["manager"])
    params = {"course": course.pk, "department": org["finance"].pk}
    assert client.get(URL, params).status_code == 404
    assert client.get(CSV, params).status_code == 404
    assert client_for(personas["employee"]).get(URL, {"course": course.pk}).status_code == 403


def test_matrix_queries_do_not_grow_with_people(personas, client_for, org):
    course, quiz = setup_course()
    client = client_for(personas["manager"])
    counts = {"page": [], "export": []}
    for size in (3, 30):
        for _ in range(size):
            take(EmployeeFactory(department=org["north"]), course, quiz, lessons=1)
        with CaptureQueriesContext(connection) as page:
            client.get(URL, {"course": course.pk})
        with CaptureQueriesContext(connection) as export:
            b"".join(client.get(CSV, {"course": course.pk}).streaming_content)
        counts["page"].append(len(page))
        counts["export"].append(len(export))
    assert counts["page"][0] == counts["page"][1], counts
    assert counts["export"][0] == counts["export"][1], counts
