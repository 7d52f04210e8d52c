from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from courses.models import Enrollment
from quizzes.models import SERVED_SCHEMA_VERSION, Attempt, Question
from quizzes.services import attempt_start, attempt_submit
from quizzes.tests.factories import (
    answers_for,
    question_with_choices,
    quiz_with_questions,
    spot_risk_item,
)


def test_start_draws_the_configured_number_of_questions_and_snapshots_them(employee):
    quiz = quiz_with_questions(questions=6, questions_per_attempt=4)
    attempt = attempt_start(employee=employee, quiz=quiz)
    assert attempt.number == 1
    assert attempt.served["schema_version"] == SERVED_SCHEMA_VERSION
    assert len(attempt.served_questions) == 4
    codes = {q.code for q in quiz.questions.all()}
    for served in attempt.served_questions:
        assert served["code"] in codes
        assert {"id", "text", "is_correct", "feedback"} <= set(served["choices"][0])
    enrollment = Enrollment.objects.get(employee=employee, course=quiz.module.course)
    assert attempt.enrollment == enrollment
    assert enrollment.status == Enrollment.Status.IN_PROGRESS


def test_start_resumes_the_open_attempt(employee):
    quiz = quiz_with_questions(questions=3)
    first = attempt_start(employee=employee, quiz=quiz)
    assert attempt_start(employee=employee, quiz=quiz) == first
    assert Attempt.objects.count() == 1


def test_retired_questions_are_not_drawn(employee):
    quiz = quiz_with_questions(questions=3)
    retired = quiz.questions.first()
    Question.objects.filter(pk=retired.pk).update(is_active=False)
    attempt = attempt_start(employee=employee, quiz=quiz)
    assert retired.pk not in {q["id"] for q in attempt.served_questions}


def test_attempt_limit_holds(employee):
    quiz = quiz_with_questions(questions=2, max_attempts=2)
    for _ in range(2):
        attempt = attempt_start(employee=employee, quiz=quiz)
        attempt_submit(attempt=attempt, employee=employee, answers=answers_for(attempt, right=0))
    with pytest.raises(ValidationError, match="used all your attempts"):
        attempt_start(employee=employee, quiz=quiz)
    assert Attempt.objects.count() == 2


def test_unpublished_course_cannot_be_started(employee):
    quiz = quiz_with_questions(questions=2, course=None)
    quiz.module.course.published = False
    quiz.module.course.save()
    with pytest.raises(PermissionDenied):
        attempt_start(employee=employee, quiz=quiz)


def test_time_limit_sets_a_deadline_and_an_expired_open_attempt_is_closed(employee):
    quiz = quiz_with_questions(questions=2, time_limit_minutes=10, max_attempts=3)
    with time_machine.travel("2025-03-01 10:00:00+00:00", tick=False):
        first = attempt_start(employee=employee, quiz=quiz)
    assert first.deadline == first.started_at + timedelta(minutes=10)
    with time_machine.travel("2025-03-01 10:11:00+00:00", tick=False):
        second = attempt_start(employee=employee, quiz=quiz)
    first.refresh_from_db()
    assert first.is_submitted and first.late and first.score_percent == 0
    assert second.number == 2


def test_true_false_choices_are_shuffled_too_but_spot_risk_segments_keep_their_order(employee):
    quiz = quiz_with_questions(questions=0, max_attempts=0)
    question_with_choices(quiz=quiz, kind=Question.Kind.TRUE_FALSE, correct=(1,))
    spot_risk_item(quiz=quiz, count=5)
    orders, segments = set(), set()
    for _ in range(30):  # both orders of two choices: 1 - 2 * 0.5**30 likely
        attempt = attempt_start(employee=employee, quiz=quiz)
        by_kind = {q["kind"]: q for q in attempt.served_questions}
        orders.add(tuple(c["text"] for c in by_kind["true_false"]["choices"]))
        segments.add(tuple(c["text"][:9] for c in by_kind["spot_risk"]["choices"]))
        attempt_submit(attempt=attempt, employee=employee, answers=answers_for(attempt))
    assert orders == {("True", "False"), ("False", "True")}
    assert segments == {tuple(f"Segment {i}" for i in range(1, 6))}


def test_every_topic_is_drawn_in_every_attempt(employee):
    quiz = quiz_with_questions(questions=0, questions_per_attempt=4)
    for topic, size in (("Rights", 6), ("Disclosure", 1), ("Security", 1), ("Respect", 1)):
        for _ in range(size):
            question_with_choices(quiz=quiz, topic=topic)
    for _ in range(15):
        attempt = attempt_start(employee=employee, quiz=quiz)
        topics = sorted(q["topic"] for q in attempt.served_questions)
        assert topics == ["Disclosure", "Respect", "Rights", "Security"]
        attempt_submit(attempt=attempt, employee=employee, answers=answers_for(attempt))


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_starts_give_one_attempt(org, employee, race):
    if connection.vendor != "postgresql":
        pytest.skip("Row locks need PostgreSQL (SQLite serialises writes anyway)")
    quiz = quiz_with_questions(questions=3, max_attempts=1)
    results, errors = race(lambda: attempt_start(employee=employee, quiz=quiz).pk)
    assert not errors
    assert len(set(results)) == 1
    assert Attempt.objects.filter(employee=employee, quiz=quiz).count() == 1
