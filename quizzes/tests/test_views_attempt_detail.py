import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quizzes.models import Attempt, AttemptAnswer, Question
from quizzes.services import attempt_start
from quizzes.tests.factories import (
    answers_for,
    post_data,
    question_with_choices,
    quiz_with_questions,
)


def url(attempt):
    return reverse("quizzes:attempt-detail", kwargs={"pk": attempt.pk})


def test_served_page_has_questions_but_no_answer_key_or_feedback(client_for, employee):
    quiz = quiz_with_questions(questions=0)
    question_with_choices(
        quiz=quiz,
        kind=Question.Kind.SINGLE,
        post_text="Our launch!",
        post_author="Sam",
        post_platform="linkedin",
    )
    question_with_choices(quiz=quiz, kind=Question.Kind.MULTIPLE, correct=(0, 1), count=4)
    question_with_choices(quiz=quiz, kind=Question.Kind.TRUE_FALSE)
    attempt = attempt_start(employee=employee, quiz=quiz)
    response = client_for(employee).get(url(attempt))
    content = response.content.decode()
    assert response.status_code == 200
    assert content.count("<fieldset") == 3 and content.count("<legend") == 3
    assert 'type="checkbox"' in content and 'type="radio"' in content
    assert "mock-post" in content and "Our launch!" in content and "LinkedIn" in content
    for served in attempt.served_questions:
        for choice in served["choices"]:
            assert choice["text"] in content
            assert choice["feedback"] not in content
    assert "is_correct" not in content and "Drafts stay internal" not in content  # explanation


def test_submit_grades_and_redirects_to_the_review(client_for, employee):
    quiz = quiz_with_questions(questions=2)
    attempt = attempt_start(employee=employee, quiz=quiz)
    response = client_for(employee).post(url(attempt), post_data(answers_for(attempt)))
    assert response.status_code == 302
    assert response.url == reverse("quizzes:attempt-review", kwargs={"pk": attempt.pk})
    attempt.refresh_from_db()
    assert attempt.passed and attempt.score_percent == 100


def test_score_posted_in_a_hidden_field_is_ignored(client_for, employee):
    quiz = quiz_with_questions(questions=2)
    attempt = attempt_start(employee=employee, quiz=quiz)
    data = {**post_data(answers_for(attempt, right=0)), "score_percent": "100", "passed": "1"}
    client_for(employee).post(url(attempt), data)
    attempt.refresh_from_db()
    assert attempt.score_percent == 0 and not attempt.passed


@pytest.mark.parametrize("case", ["unserved", "foreign", "two-for-single", "garbage"])
def test_tampered_post_is_refused_with_a_message_and_nothing_saved(client_for, employee, case):
    quiz = quiz_with_questions(questions=2)
    attempt = attempt_start(employee=employee, quiz=quiz)
    first, second = attempt.served_questions
    data = post_data(answers_for(attempt))
    key = f"q-{first['id']}"
    data[key] = {
        "unserved": ["999999"],
        "foreign": [str(second["choices"][0]["id"])],
        "two-for-single": [str(c["id"]) for c in first["choices"][:2]],
        "garbage": ["not-a-number"],
    }[case]
    response = client_for(employee).post(url(attempt), data)
    assert response.status_code == 400
    assert "Your answers were not saved" in response.content.decode()
    attempt.refresh_from_db()
    assert not attempt.is_submitted
    assert not AttemptAnswer.objects.exists()


def test_second_submit_redirects_to_the_review_with_a_message(client_for, employee):
    quiz = quiz_with_questions(questions=2)
    attempt = attempt_start(employee=employee, quiz=quiz)
    client = client_for(employee)
    client.post(url(attempt), post_data(answers_for(attempt, right=0)))
    response = client.post(url(attempt), post_data(answers_for(attempt)), follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "quizzes:attempt-review", kwargs={"pk": attempt.pk}
    )
    assert "already submitted" in response.content.decode()
    attempt.refresh_from_db()
    assert attempt.score_percent == 0


def test_nobody_opens_or_submits_another_employees_attempt(client_for, employee, manager, outsider):
    quiz = quiz_with_questions(questions=1)
    attempt = attempt_start(employee=employee, quiz=quiz)
    for other in (manager, outsider):
        client = client_for(other)
        assert client.get(url(attempt)).status_code == 404
        assert client.post(url(attempt), post_data(answers_for(attempt))).status_code == 404
        review = reverse("quizzes:attempt-review", kwargs={"pk": attempt.pk})
        assert client.get(review).status_code == 404
    assert not Attempt.objects.get(pk=attempt.pk).is_submitted


def test_unpublished_course_attempt_is_404(client_for, employee):
    quiz = quiz_with_questions(questions=1)
    attempt = attempt_start(employee=employee, quiz=quiz)
    quiz.module.course.published = False
    quiz.module.course.save()
    assert client_for(employee).get(url(attempt)).status_code == 404


def _queries(client, attempt):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(attempt)).status_code == 200
    return len(queries)


def test_attempt_page_queries_do_not_grow_with_the_pool(client_for, employee):
    small = attempt_start(employee=employee, quiz=quiz_with_questions(questions=3))
    large = attempt_start(employee=employee, quiz=quiz_with_questions(questions=30))
    client = client_for(employee)
    _queries(client, small)  # warm the session
    # session, user, employee, the attempt with quiz, module, course and enrollment — the
    # questions come from the snapshot, the navigation's roles from the cache.
    assert (
        _queries(client, small) == _queries(client, large) == 7
    )  # + content translation rows (parler), one query per kind of content read
