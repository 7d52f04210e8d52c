"""An employee fails a module check, reads the feedback, retries, passes, and the
course page shows the quiz as passed — in a real browser, with axe-core on every page."""

import pytest

from ambassador.tests.browser import assert_accessible, sign_in
from courses.tests.factories import CourseFactory, ModuleFactory
from people.tests.factories import DepartmentFactory, EmployeeFactory, UserFactory
from quizzes.models import Question
from quizzes.tests.factories import question_with_choices, quiz_with_questions

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setup(transactional_db):
    employee = EmployeeFactory(
        user=UserFactory(email="learner@example.com", first_name="Lee", last_name="Learner"),
        department=DepartmentFactory(),
    )
    course = CourseFactory(code="sm-quiz", title="Quiz course")
    module = ModuleFactory(course=course, title="Confidential information")
    quiz = quiz_with_questions(questions=0, module=module, title="Module check: secrets")
    question_with_choices(
        quiz=quiz,
        post_platform=Question.Platform.LINKEDIN,
        post_author="Sam Rivera",
        post_text="Sneak peek at our Q3 numbers!",
    )
    question_with_choices(quiz=quiz, kind=Question.Kind.MULTIPLE, correct=(0, 1), count=4)
    return employee, course, quiz


def _answer(page, attempt, *, right):
    """Tick every right choice, or the first wrong one of each question."""
    for question in attempt.served_questions:
        correct = [c for c in question["choices"] if c["is_correct"]]
        wrong = [c for c in question["choices"] if not c["is_correct"]]
        for choice in correct if right else wrong[:1]:
            page.get_by_label(choice["text"], exact=True).check()


def test_employee_fails_reads_feedback_retries_and_passes(setup, page):
    from quizzes.models import Attempt

    employee, course, quiz = setup
    sign_in(page, "learner@example.com", "correct-horse-battery")
    page.goto(f"/quizzes/{quiz.code}/")
    page.get_by_role("heading", name=quiz.title, level=1).wait_for()
    assert_accessible(page)

    page.get_by_role("button", name="Start the quiz").click()
    page.get_by_role("button", name="Submit my answers").wait_for()
    assert page.get_by_text("Sneak peek at our Q3 numbers!").is_visible()
    assert_accessible(page)
    first = Attempt.objects.get(employee=employee, number=1)
    _answer(page, first, right=False)
    page.get_by_role("button", name="Submit my answers").click()

    page.get_by_role("heading", name="Not passed: you scored 0%").wait_for()
    wrong = next(c for c in first.served_questions[0]["choices"] if not c["is_correct"])
    assert page.get_by_text(wrong["feedback"], exact=True).is_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Try again").click()
    page.get_by_role("button", name="Submit my answers").wait_for()
    second = Attempt.objects.get(employee=employee, number=2)
    _answer(page, second, right=True)
    page.get_by_role("button", name="Submit my answers").click()
    page.get_by_role("heading", name="Passed: you scored 100%").wait_for()
    assert_accessible(page)

    page.goto(f"/courses/{course.code}/")
    page.get_by_role("link", name=quiz.title).wait_for()
    assert page.get_by_text("Passed · best 100%").is_visible()
    assert_accessible(page)
