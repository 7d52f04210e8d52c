"""Writes: starting and submitting quiz attempts. Views, tests and tasks come here.

Concurrency: both services lock the employee's enrollment row (`enrollment_lock`,
SELECT ... FOR UPDATE) before reading attempts, so two simultaneous "Start" clicks
give one attempt and two simultaneous submits grade once. On SQLite writes are
serialised anyway (IMMEDIATE transactions). The database constraints (one open
attempt per employee and quiz, unique attempt numbers) are the last line.
"""

import random
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.models import Enrollment
from courses.services import (
    enrollment_get_or_create,
    enrollment_lock,
    enrollment_refresh,
    enrollment_touch,
)
from courses.translation import translations_prefetch
from people.models import Employee

from . import grading
from .models import SERVED_SCHEMA_VERSION, Attempt, AttemptAnswer, Choice, Question, Quiz
from .selectors import enrollment_best_score


def _snapshot(*, quiz: Quiz, questions: list[Question], language: str) -> dict:
    """What is served, in `language` (the texts of the translation rows read in the
    active language, English where one is missing)."""
    served = []
    for question in questions:
        choices = list(question.choices.all())
        # Every kind is shuffled (a fixed True/False order is a pattern to learn); the
        # segments of a spot-the-risk post are a text read in order.
        if quiz.shuffle_choices and question.kind != Question.Kind.SPOT_RISK:
            random.shuffle(choices)
        served.append(
            {
                "id": question.pk,
                "code": question.code,
                "kind": question.kind,
                "topic": question.topic,
                "scenario_html": question.scenario_html,
                "post": {
                    "platform": question.post_platform,
                    "platform_label": str(question.get_post_platform_display()),
                    "author": question.post_author,
                    "text": question.post_text,
                }
                if question.has_post
                else None,
                "prompt": question.prompt,
                "explanation_html": question.explanation_html,
                "choices": [
                    {
                        "id": choice.pk,
                        "text": choice.text,
                        "is_correct": choice.is_correct,
                        "feedback": choice.feedback,
                        "segment_kind": choice.segment_kind,
                    }
                    for choice in choices
                ],
            }
        )
    return {
        "schema_version": SERVED_SCHEMA_VERSION,
        "language": language,
        "quiz": {
            "code": quiz.code,
            "title": quiz.title,
            "kind": quiz.kind,
            "pass_mark_percent": quiz.pass_mark_percent,
            "review_policy": quiz.review_policy,
        },
        "questions": served,
    }


def _draw(quiz: Quiz) -> list[Question]:
    pool = list(
        quiz.questions.filter(is_active=True).prefetch_related(
            translations_prefetch(Question), "choices", translations_prefetch(Choice, "choices")
        )
    )
    count = quiz.questions_per_attempt or len(pool)
    # Balanced by the English topic: the draw does not depend on the language served.
    drawn = grading.draw_balanced(
        pool,
        count,
        topic_of=lambda q: q.text_in("topic", settings.LANGUAGE_CODE),
    )
    drawn.sort(key=lambda q: (q.position, q.pk))  # the author's order, of the drawn ones
    return drawn


@transaction.atomic
def attempt_start(*, employee: Employee, quiz: Quiz) -> Attempt:
    """Start an attempt at the quiz, or return the employee's open one (resume).

    Raises PermissionDenied for an unpublished course and ValidationError when no
    attempt is left or the quiz has no questions. An open attempt past its deadline is
    closed first (scored 0), and counts as used."""
    course = quiz.module.course
    enrollment = enrollment_get_or_create(employee=employee, course=course)
    enrollment = enrollment_lock(enrollment_id=enrollment.pk)
    now = timezone.now()
    open_attempt = (
        Attempt.objects.select_for_update()
        .filter(employee=employee, quiz=quiz, submitted_at__isnull=True)
        .first()
    )
    if open_attempt is not None:
        if open_attempt.enrollment_id == enrollment.pk and not open_attempt.is_past_deadline(now):
            return open_attempt
        _grade(attempt=open_attempt, enrollment=enrollment, answers={}, now=now, late=True)
    used = Attempt.objects.filter(enrollment=enrollment, quiz=quiz).count()
    if quiz.attempt_limit is not None and used >= quiz.attempt_limit:
        raise ValidationError(_("You have used all your attempts at this quiz."))
    questions = _draw(quiz)
    if not questions:
        raise ValidationError(_("This quiz has no questions yet."))
    # The language the texts are served in: the reader's when the quiz is translated
    # into it, else English (the fallback). Grading never reads it.
    language = quiz.served_language()
    last_number = Attempt.objects.filter(employee=employee, quiz=quiz).aggregate(
        last=Max("number")
    )["last"]
    attempt = Attempt(
        employee=employee,
        quiz=quiz,
        enrollment=enrollment,
        number=(last_number or 0) + 1,
        started_at=now,
        deadline=now + quiz.time_limit if quiz.time_limit else None,
        served=_snapshot(quiz=quiz, questions=questions, language=language),
        language=language,
    )
    attempt.full_clean()
    attempt.save()
    if enrollment.started_at is None:
        enrollment_refresh(enrollment=enrollment)
    else:
        enrollment_touch(enrollment=enrollment)
    return attempt


@dataclass(frozen=True)
class SubmitResult:
    attempt: Attempt
    graded: bool  # False: it had already been submitted, nothing changed
    late: bool = False  # True: past the deadline, the answers were not accepted


@transaction.atomic
def attempt_submit(
    *, attempt: Attempt, employee: Employee, answers: dict[int, list[int]]
) -> SubmitResult:
    """Grade the attempt from its snapshot, once. `answers` maps served question ids to
    the chosen choice ids. Invalid answers raise ValidationError and save nothing (the
    attempt stays open). A second submit returns `graded=False`."""
    if attempt.employee_id != employee.pk:
        raise PermissionDenied
    enrollment = enrollment_lock(enrollment_id=attempt.enrollment_id)
    attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
    if attempt.is_submitted:
        return SubmitResult(attempt=attempt, graded=False, late=attempt.late)
    now = timezone.now()
    if attempt.is_past_deadline(now):
        _grade(attempt=attempt, enrollment=enrollment, answers={}, now=now, late=True)
        return SubmitResult(attempt=attempt, graded=True, late=True)
    questions = attempt.served_questions
    errors = grading.answer_errors(questions, answers)
    # Without a time limit every question must be answered (a stray click on Submit
    # should not cost an attempt); with one, unanswered questions count as wrong.
    unanswered = any(not answers.get(q["id"]) for q in questions)
    if not errors and attempt.deadline is None and unanswered:
        errors.append(_("Answer every question before you submit."))
    if errors:
        raise ValidationError(errors)
    _grade(attempt=attempt, enrollment=enrollment, answers=answers, now=now, late=False)
    return SubmitResult(attempt=attempt, graded=True)


def _grade(
    *,
    attempt: Attempt,
    enrollment: Enrollment,
    answers: dict[int, list[int]],
    now,
    late: bool,
) -> None:
    """Grade from the snapshot, store the answers, update the enrollment (locked by
    the caller): best score, then progress and completion."""
    questions = attempt.served_questions
    graded = [grading.grade_question(q, answers.get(q["id"], [])) for q in questions]
    correct = sum(1 for g in graded if g.is_correct)
    attempt.score_percent = grading.score_percent(correct, len(graded))
    attempt.passed = grading.is_pass(
        correct, len(graded), attempt.served["quiz"]["pass_mark_percent"]
    )
    attempt.submitted_at = now
    attempt.late = late
    attempt.save(update_fields=["score_percent", "passed", "submitted_at", "late"])
    # Content may have been edited since serving: link only rows that still exist.
    question_ids = set(
        Question.objects.filter(pk__in=[g.question_id for g in graded]).values_list("pk", flat=True)
    )
    choice_ids = set(
        Choice.objects.filter(pk__in=[g.wrong_choice_id for g in graded]).values_list(
            "pk", flat=True
        )
    )
    AttemptAnswer.objects.bulk_create(
        AttemptAnswer(
            attempt=attempt,
            question_id=g.question_id if g.question_id in question_ids else None,
            position=position,
            chosen=g.chosen,
            is_correct=g.is_correct,
            segments_right=g.segments_right,
            wrong_choice_id=g.wrong_choice_id if g.wrong_choice_id in choice_ids else None,
        )
        for position, g in enumerate(graded)
    )
    if attempt.enrollment_id == enrollment.pk:
        enrollment_refresh(enrollment=enrollment, best_score=enrollment_best_score(enrollment))
