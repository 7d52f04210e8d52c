"""A spot-the-risk item in a final exam that withholds the answer key after a failed
attempt, in a real browser with axe-core: the post's segments are real checkboxes,
reachable and ticked with the keyboard; the failed review shows the feedback on what
was chosen but no key; the key appears once passed."""

import re

import pytest

from ambassador.tests.browser import assert_accessible, sign_in
from courses.tests.factories import CourseFactory, ModuleFactory
from people.tests.factories import DepartmentFactory, EmployeeFactory, UserFactory
from quizzes.models import Attempt, Quiz
from quizzes.tests.factories import question_with_choices, quiz_with_questions, spot_risk_item

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setup(transactional_db):
    employee = EmployeeFactory(
        user=UserFactory(email="learner@example.com", first_name="Lee", last_name="Learner"),
        department=DepartmentFactory(),
    )
    course = CourseFactory(code="sm-spot", title="Spot course")
    module = ModuleFactory(course=course, title="Final exam")
    quiz = quiz_with_questions(
        questions=0,
        module=module,
        title="Final exam: spot the risk",
        kind=Quiz.Kind.EXAM,
        max_attempts=3,
        pass_mark_percent=100,
        review_policy=Quiz.ReviewPolicy.WITHHOLD_KEY,
    )
    spot_risk_item(quiz=quiz, risky=(1, 2), count=4)
    question_with_choices(quiz=quiz, count=3)
    return employee, quiz


def test_spot_the_risk_by_keyboard_and_a_review_that_withholds_the_key(setup, page):
    employee, quiz = setup
    sign_in(page, "learner@example.com", "correct-horse-battery")
    page.goto(f"/quizzes/{quiz.code}/")
    page.get_by_role("button", name="Start the quiz").click()
    page.get_by_role("button", name="Submit my answers").wait_for()
    assert_accessible(page)

    first = Attempt.objects.get(employee=employee, number=1)
    spot = next(q for q in first.served_questions if q["kind"] == "spot_risk")
    single = next(q for q in first.served_questions if q["kind"] == "single")
    segments = spot["choices"]
    # The accessible name of each checkbox says which part of the post it is.
    hashtag = page.get_by_role(
        "checkbox", name=re.compile(rf"^Hashtag\W+{re.escape(segments[1]['text'])}$")
    )
    assert hashtag.is_visible() and not hashtag.is_checked()
    # Keyboard: focus the first segment, tab to the second and tick it with Space.
    page.get_by_role("checkbox", name=segments[0]["text"]).focus()
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    assert hashtag.is_checked()
    # Miss the third (risky) segment; pick a wrong answer to the other question.
    wrong = next(c for c in single["choices"] if not c["is_correct"])
    page.get_by_label(wrong["text"], exact=True).check()
    page.get_by_role("button", name="Submit my answers").click()

    page.get_by_role("heading", name="Not passed: you scored 0%").wait_for()
    assert page.locator("#key-withheld").is_visible()
    assert page.get_by_text("You judged 3 of the 4 parts of the post right.").is_visible()
    assert page.get_by_text(segments[1]["feedback"], exact=True).is_visible()  # chosen
    assert page.get_by_text(segments[2]["feedback"], exact=True).count() == 0  # missed
    assert page.get_by_text(wrong["feedback"], exact=True).is_visible()
    assert page.get_by_text("Right answer", exact=True).count() == 0
    assert_accessible(page)

    page.get_by_role("button", name="Try again").click()
    page.get_by_role("button", name="Submit my answers").wait_for()
    second = Attempt.objects.get(employee=employee, number=2)
    for question in second.served_questions:
        for choice in question["choices"]:
            if choice["is_correct"]:
                page.locator(f"#q{question['id']}-c{choice['id']}").check()
    page.get_by_role("button", name="Submit my answers").click()
    page.get_by_role("heading", name="Passed: you scored 100%").wait_for()
    assert page.locator("#key-withheld").count() == 0
    spot = next(q for q in second.served_questions if q["kind"] == "spot_risk")
    for choice in spot["choices"]:
        assert page.get_by_text(choice["feedback"], exact=True).is_visible()
    assert_accessible(page)
