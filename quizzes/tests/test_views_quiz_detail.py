from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from quizzes.models import Attempt
from quizzes.services import attempt_start, attempt_submit
from quizzes.tests.factories import answers_for, quiz_with_questions


def url(quiz):
    return reverse("quizzes:quiz-detail", kwargs={"code": quiz.code})


def test_quiz_page_shows_intro_attempts_left_and_best_score(client_for, employee):
    quiz = quiz_with_questions(questions=2, max_attempts=3, intro="Four short scenarios.")
    attempt = attempt_start(employee=employee, quiz=quiz)
    attempt_submit(attempt=attempt, employee=employee, answers=answers_for(attempt, right=1))
    response = client_for(employee).get(url(quiz))
    assert response.status_code == 200
    progress = response.context["progress"]
    assert (progress.used, progress.left, progress.best_score) == (1, 2, 50)
    content = response.content.decode()
    assert "Four short scenarios." in content
    assert "Try again" in content


def test_start_button_creates_an_attempt_and_opens_it(client_for, employee):
    quiz = quiz_with_questions(questions=2)
    client = client_for(employee)
    response = client.post(reverse("quizzes:attempt-start", kwargs={"code": quiz.code}))
    attempt = Attempt.objects.get(employee=employee)
    assert response.url == reverse("quizzes:attempt-detail", kwargs={"pk": attempt.pk})
    # Starting again resumes it.
    client.post(reverse("quizzes:attempt-start", kwargs={"code": quiz.code}))
    assert Attempt.objects.count() == 1
    assert "Resume your attempt" in client.get(url(quiz)).content.decode()


def test_no_attempt_left_gives_a_message_and_no_attempt(client_for, employee):
    quiz = quiz_with_questions(questions=1, max_attempts=1)
    attempt = attempt_start(employee=employee, quiz=quiz)
    attempt_submit(attempt=attempt, employee=employee, answers=answers_for(attempt, right=0))
    client = client_for(employee)
    response = client.post(
        reverse("quizzes:attempt-start", kwargs={"code": quiz.code}), follow=True
    )
    assert "used all your attempts" in response.content.decode()
    assert Attempt.objects.count() == 1


def test_unpublished_course_is_404_for_employees_and_a_preview_for_authors(
    client_for, employee, author
):
    quiz = quiz_with_questions(questions=1)
    quiz.module.course.published = False
    quiz.module.course.save()
    assert client_for(employee).get(url(quiz)).status_code == 404
    start = reverse("quizzes:attempt-start", kwargs={"code": quiz.code})
    assert client_for(employee).post(start).status_code == 404
    response = client_for(author).get(url(quiz))
    assert response.status_code == 200
    assert response.context["preview"]
    assert client_for(author).post(start).status_code == 403


def _queries(client, quiz):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(quiz)).status_code == 200
    return len(queries)


def test_quiz_page_queries_do_not_grow_with_the_pool_or_attempts(client_for, employee):
    small = quiz_with_questions(questions=3)
    large = quiz_with_questions(questions=30)
    for quiz, attempts in ((small, 1), (large, 5)):
        for _ in range(attempts):
            attempt = attempt_start(employee=employee, quiz=quiz)
            attempt_submit(attempt=attempt, employee=employee, answers=answers_for(attempt))
    client = client_for(employee)
    _queries(client, small)  # warm the session
    # session, user, employee, roles (may they preview: one query), quiz with module and
    # course, current enrollment, attempts — whatever the pool size.
    assert (
        _queries(client, small) == _queries(client, large) == 10
    )  # + content translation rows (parler), one query per kind of content read


def test_scores_are_written_the_readers_way(client_for, employee):
    from django.utils import translation

    from core.templatetags.numbers import percent

    employee.locale = "fr"
    employee.save(update_fields=["locale"])
    quiz = quiz_with_questions(questions=2)
    attempt = attempt_start(employee=employee, quiz=quiz)
    attempt_submit(attempt=attempt, employee=employee, answers=answers_for(attempt, right=1))
    content = client_for(employee).get(url(quiz)).content.decode()
    with translation.override("fr"):
        french = percent(50)
    assert french != "50%"
    assert f">{french}<" in content  # the best score, and the attempt's row
    assert ">50%<" not in content
