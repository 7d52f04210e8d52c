import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from people.tests.factories import EmployeeFactory
from quizzes.models import Question
from quizzes.services import attempt_start, attempt_submit
from quizzes.tests.factories import question_with_choices, quiz_with_questions


def url(quiz):
    return reverse("quizzes:quiz-statistics", kwargs={"code": quiz.code})


def _answer(employee, quiz, pick):
    """`pick(served_question)` → chosen ids."""
    attempt = attempt_start(employee=employee, quiz=quiz)
    answers = {q["id"]: pick(q) for q in attempt.served_questions}
    attempt_submit(attempt=attempt, employee=employee, answers=answers)


def _choice(question, text_suffix):
    return [c["id"] for c in question["choices"] if c["text"].startswith(text_suffix)]


def test_statistics_count_answers_correct_and_most_chosen_wrong_answer(client_for, author, org):
    quiz = quiz_with_questions(questions=0, shuffle_choices=False)
    question = question_with_choices(quiz=quiz, count=3, correct=(0,))
    people = [EmployeeFactory(department=org["north"]) for _ in range(4)]
    _answer(people[0], quiz, lambda q: _choice(q, "Answer 1"))  # right
    _answer(people[1], quiz, lambda q: _choice(q, "Answer 3"))  # wrong: 3
    _answer(people[2], quiz, lambda q: _choice(q, "Answer 3"))  # wrong: 3
    _answer(people[3], quiz, lambda q: _choice(q, "Answer 2"))  # wrong: 2
    attempt_start(employee=EmployeeFactory(department=org["north"]), quiz=quiz)  # open: ignored

    response = client_for(author).get(url(quiz))
    assert response.status_code == 200
    (row,) = response.context["rows"]
    assert row["question"] == question
    assert (row["answered"], row["correct"], row["percent_correct"]) == (4, 1, 25)
    assert row["wrong_choice"].text == f"Answer 3 of {question.code}"
    assert row["wrong_times"] == 2
    assert f"Answer 3 of {question.code}" in response.content.decode()


@pytest.mark.parametrize("role", ["employee", "manager", "hr", "outsider"])
def test_statistics_are_for_authors_only(client_for, personas, role):
    quiz = quiz_with_questions(questions=1)
    assert client_for(personas[role]).get(url(quiz)).status_code == 403


def _queries(client, quiz):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url(quiz)).status_code == 200
    return len(queries)


def test_statistics_queries_do_not_grow_with_attempts(client_for, author, org):
    quizzes = {}
    for size in (3, 30):
        quiz = quiz_with_questions(questions=0, questions_per_attempt=None)
        question_with_choices(quiz=quiz, kind=Question.Kind.SINGLE)
        question_with_choices(quiz=quiz, kind=Question.Kind.MULTIPLE, correct=(0, 1), count=4)
        for index in range(size):
            _answer(
                EmployeeFactory(department=org["north"]),
                quiz,
                lambda q, i=index: [q["choices"][i % len(q["choices"])]["id"]],
            )
        quizzes[size] = quiz
    client = client_for(author)
    _queries(client, quizzes[3])  # warm the session
    # session, user, employee, roles (one query: is an author), quiz, questions, choices,
    # answer totals, wrong-answer counts.
    assert (
        _queries(client, quizzes[3]) == _queries(client, quizzes[30]) == 14
    )  # + content translation rows (parler), one query per kind of content read
