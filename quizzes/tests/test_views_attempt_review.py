from django.urls import reverse

from quizzes.services import attempt_start, attempt_submit
from quizzes.tests.factories import answers_for, quiz_with_questions


def test_review_shows_score_choices_feedback_and_explanation(client_for, employee):
    quiz = quiz_with_questions(questions=2, pass_mark_percent=100, max_attempts=3)
    attempt = attempt_start(employee=employee, quiz=quiz)
    attempt_submit(attempt=attempt, employee=employee, answers=answers_for(attempt, right=1))
    response = client_for(employee).get(
        reverse("quizzes:attempt-review", kwargs={"pk": attempt.pk})
    )
    content = response.content.decode()
    assert "Not passed: you scored 50%" in content
    assert "Pass mark 100%" in content
    for served in attempt.served_questions:
        for choice in served["choices"]:
            assert choice["feedback"] in content
    assert "Drafts stay internal" in content  # explanation
    assert content.count("Your answer") >= 2 and "Right answer" in content
    assert response.context["progress"].left == 2
    assert "Try again" in content


def test_open_attempt_review_redirects_to_the_questions(client_for, employee):
    attempt = attempt_start(employee=employee, quiz=quiz_with_questions(questions=1))
    response = client_for(employee).get(
        reverse("quizzes:attempt-review", kwargs={"pk": attempt.pk})
    )
    assert response.url == reverse("quizzes:attempt-detail", kwargs={"pk": attempt.pk})
