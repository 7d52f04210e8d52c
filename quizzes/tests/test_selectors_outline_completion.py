from courses import completion
from courses.models import Enrollment
from courses.outline import module_items
from courses.tests.factories import CourseFactory, ModuleFactory
from quizzes.models import Quiz
from quizzes.selectors import quiz_outline_items, quiz_units_for_enrollment
from quizzes.services import attempt_start, attempt_submit
from quizzes.tests.factories import answers_for, quiz_with_questions


def test_completion_requirement_is_registered_and_counts_passed_quizzes(
    employee, django_assert_num_queries
):
    assert "quizzes" in completion.requirement_names()
    course = CourseFactory()
    passed = quiz_with_questions(questions=1, course=course)
    quiz_with_questions(questions=1, course=course)
    attempt = attempt_start(employee=employee, quiz=passed)
    attempt_submit(attempt=attempt, employee=employee, answers=answers_for(attempt))
    enrollment = Enrollment.objects.get(employee=employee, course=course)
    with django_assert_num_queries(2):
        units = quiz_units_for_enrollment(enrollment)
    assert (units.done, units.total) == (1, 2)


def test_outline_lists_quizzes_under_their_module_with_status(employee, django_assert_num_queries):
    course = CourseFactory()
    module = ModuleFactory(course=course)
    check = quiz_with_questions(questions=2, module=module, title="Check one", max_attempts=3)
    exam = quiz_with_questions(questions=2, module=module, kind=Quiz.Kind.EXAM, title="Exam")
    other = quiz_with_questions(questions=1, course=course, title="Other check")
    attempt = attempt_start(employee=employee, quiz=exam)
    attempt_submit(attempt=attempt, employee=employee, answers=answers_for(attempt, right=2))
    attempt = attempt_start(employee=employee, quiz=check)
    attempt_submit(attempt=attempt, employee=employee, answers=answers_for(attempt, right=0))
    enrollment = Enrollment.objects.get(employee=employee, course=course)

    with django_assert_num_queries(3):  # quizzes, their translations, attempts
        items = quiz_outline_items(course, enrollment)
    by_title = {item.title: item for item in items[module.pk]}
    assert by_title["Exam"].done and by_title["Exam"].kind == "Final exam"
    assert by_title["Exam"].status == "Passed · best 100%"
    assert by_title["Exam"].icon == "patch-question"
    assert not by_title["Check one"].done and by_title["Check one"].kind == "Quiz"
    assert by_title["Check one"].status == "2 attempts left"
    assert by_title["Check one"].url == f"/quizzes/{check.code}/"
    assert [i.title for i in items[other.module_id]] == ["Other check"]
    # Registered with courses.outline.
    assert module_items(course, enrollment)[module.pk]


def test_outline_without_enrollment_takes_two_queries(db, django_assert_num_queries):
    quiz = quiz_with_questions(questions=1)
    with django_assert_num_queries(2):  # quizzes, their translations
        items = quiz_outline_items(quiz.module.course, None)
    assert items[quiz.module_id][0].status == "Not started"
