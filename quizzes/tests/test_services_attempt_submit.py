import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from courses.models import Enrollment
from courses.services import lesson_complete
from courses.tests.factories import CourseFactory, LessonFactory, ModuleFactory
from quizzes.models import Attempt, AttemptAnswer, Choice, ChoiceTranslation, Quiz
from quizzes.services import attempt_start, attempt_submit
from quizzes.tests.factories import answers_for, question_with_choices, quiz_with_questions


def test_grading_scores_and_stores_one_answer_row_per_served_question(employee):
    quiz = quiz_with_questions(questions=4, pass_mark_percent=75)
    attempt = attempt_start(employee=employee, quiz=quiz)
    result = attempt_submit(
        attempt=attempt, employee=employee, answers=answers_for(attempt, right=3)
    )
    attempt.refresh_from_db()
    assert result.graded
    assert attempt.score_percent == 75
    assert attempt.passed
    assert AttemptAnswer.objects.filter(attempt=attempt).count() == 4
    assert AttemptAnswer.objects.filter(attempt=attempt, is_correct=True).count() == 3
    wrong = AttemptAnswer.objects.get(attempt=attempt, is_correct=False)
    assert wrong.wrong_choice is not None and not wrong.wrong_choice.is_correct


def test_below_the_pass_mark_fails(employee):
    quiz = quiz_with_questions(questions=4, pass_mark_percent=75)
    attempt = attempt_start(employee=employee, quiz=quiz)
    attempt_submit(attempt=attempt, employee=employee, answers=answers_for(attempt, right=2))
    attempt.refresh_from_db()
    assert attempt.score_percent == 50
    assert not attempt.passed


def _tampered(attempt, case):
    answers = answers_for(attempt)
    first, second = attempt.served_questions
    if case == "unserved-choice":
        answers[first["id"]] = [999_999]
    elif case == "other-questions-choice":
        answers[first["id"]] = [second["choices"][0]["id"]]
    elif case == "unserved-question":
        answers[999_999] = [first["choices"][0]["id"]]
    return answers


@pytest.mark.parametrize("case", ["unserved-choice", "other-questions-choice", "unserved-question"])
def test_tampered_answers_are_refused_and_nothing_is_saved(employee, case):
    quiz = quiz_with_questions(questions=2)
    attempt = attempt_start(employee=employee, quiz=quiz)
    with pytest.raises(ValidationError):
        attempt_submit(attempt=attempt, employee=employee, answers=_tampered(attempt, case))
    attempt.refresh_from_db()
    assert not attempt.is_submitted
    assert not AttemptAnswer.objects.exists()
    assert Enrollment.objects.get().best_score is None


def test_several_choices_for_a_single_choice_question_are_refused(employee):
    quiz = quiz_with_questions(questions=1)
    attempt = attempt_start(employee=employee, quiz=quiz)
    question = attempt.served_questions[0]
    every = [c["id"] for c in question["choices"]]
    with pytest.raises(ValidationError, match="only one"):
        attempt_submit(attempt=attempt, employee=employee, answers={question["id"]: every})
    attempt.refresh_from_db()
    assert not attempt.is_submitted


def test_unanswered_questions_are_refused_without_a_time_limit(employee):
    quiz = quiz_with_questions(questions=2)
    attempt = attempt_start(employee=employee, quiz=quiz)
    with pytest.raises(ValidationError, match="every question"):
        attempt_submit(attempt=attempt, employee=employee, answers={})
    assert not Attempt.objects.get(pk=attempt.pk).is_submitted


def test_second_submit_is_not_graded_again(employee):
    quiz = quiz_with_questions(questions=2)
    attempt = attempt_start(employee=employee, quiz=quiz)
    attempt_submit(attempt=attempt, employee=employee, answers=answers_for(attempt, right=0))
    again = attempt_submit(attempt=attempt, employee=employee, answers=answers_for(attempt))
    assert not again.graded
    assert again.attempt.score_percent == 0
    assert AttemptAnswer.objects.count() == 2


def test_another_employees_attempt_cannot_be_submitted(employee, outsider):
    quiz = quiz_with_questions(questions=1)
    attempt = attempt_start(employee=employee, quiz=quiz)
    with pytest.raises(PermissionDenied):
        attempt_submit(attempt=attempt, employee=outsider, answers=answers_for(attempt))


def test_time_limit_within_grace_counts_unanswered_as_wrong(employee):
    quiz = quiz_with_questions(questions=2, time_limit_minutes=5)
    with time_machine.travel("2025-03-01 10:00:00+00:00", tick=False):
        attempt = attempt_start(employee=employee, quiz=quiz)
    first = attempt.served_questions[0]
    answers = {first["id"]: [c["id"] for c in first["choices"] if c["is_correct"]]}
    with time_machine.travel("2025-03-01 10:05:20+00:00", tick=False):  # inside the grace
        result = attempt_submit(attempt=attempt, employee=employee, answers=answers)
    assert result.graded and not result.late
    assert result.attempt.score_percent == 50


def test_submission_after_the_deadline_and_grace_scores_zero(employee):
    quiz = quiz_with_questions(questions=2, time_limit_minutes=5)
    with time_machine.travel("2025-03-01 10:00:00+00:00", tick=False):
        attempt = attempt_start(employee=employee, quiz=quiz)
    with time_machine.travel("2025-03-01 10:05:31+00:00", tick=False):
        result = attempt_submit(attempt=attempt, employee=employee, answers=answers_for(attempt))
    assert result.late
    assert result.attempt.score_percent == 0
    assert not result.attempt.passed


def test_passing_the_last_quiz_completes_the_enrollment_and_failing_does_not(employee):
    course = CourseFactory()
    module = ModuleFactory(course=course)
    lesson = LessonFactory(module=module)
    quiz = quiz_with_questions(questions=2, module=module, pass_mark_percent=100)
    lesson_complete(employee=employee, lesson=lesson)

    failed = attempt_start(employee=employee, quiz=quiz)
    attempt_submit(attempt=failed, employee=employee, answers=answers_for(failed, right=1))
    enrollment = Enrollment.objects.get(employee=employee, course=course)
    assert enrollment.status == Enrollment.Status.IN_PROGRESS
    assert enrollment.progress_percent == 50
    assert enrollment.best_score == 50

    passed = attempt_start(employee=employee, quiz=quiz)
    attempt_submit(attempt=passed, employee=employee, answers=answers_for(passed))
    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.COMPLETED
    assert enrollment.completed_at is not None
    assert enrollment.best_score == 100


def test_best_score_is_the_final_exams_when_the_course_has_one(employee):
    course = CourseFactory()
    check = quiz_with_questions(questions=1, course=course)
    exam = quiz_with_questions(questions=2, course=course, kind=Quiz.Kind.EXAM)
    attempt = attempt_start(employee=employee, quiz=check)
    attempt_submit(attempt=attempt, employee=employee, answers=answers_for(attempt))
    enrollment = Enrollment.objects.get(employee=employee, course=course)
    assert enrollment.best_score is None  # the check does not count when there is an exam
    attempt = attempt_start(employee=employee, quiz=exam)
    attempt_submit(attempt=attempt, employee=employee, answers=answers_for(attempt, right=1))
    enrollment.refresh_from_db()
    assert enrollment.best_score == 50


def test_history_survives_editing_and_deleting_choices(employee):
    quiz = quiz_with_questions(questions=0)
    question = question_with_choices(quiz=quiz, count=3, correct=(0,))
    attempt = attempt_start(employee=employee, quiz=quiz)
    served = attempt.served_questions[0]
    right = next(c for c in served["choices"] if c["is_correct"])
    wrong = next(c for c in served["choices"] if not c["is_correct"])
    # The author rewrites the right answer's text and deletes the wrong choice served.
    Choice.objects.filter(pk=right["id"]).update(is_correct=False)
    ChoiceTranslation.objects.filter(master_id=right["id"]).update(text="Rewritten")
    Choice.objects.filter(pk=wrong["id"]).delete()
    question.prompt = "A new prompt"
    question.save()

    attempt_submit(attempt=attempt, employee=employee, answers={served["id"]: [right["id"]]})
    attempt.refresh_from_db()
    assert attempt.passed  # graded from the snapshot, not the edited content
    assert attempt.served_questions[0]["prompt"] != "A new prompt"
    texts = [c["text"] for c in attempt.served_questions[0]["choices"]]
    assert right["text"] in texts and wrong["text"] in texts


def test_deleted_wrong_choice_is_unlinked_from_the_answer_row(employee):
    quiz = quiz_with_questions(questions=1)
    attempt = attempt_start(employee=employee, quiz=quiz)
    served = attempt.served_questions[0]
    wrong = next(c for c in served["choices"] if not c["is_correct"])
    Choice.objects.filter(pk=wrong["id"]).delete()
    attempt_submit(attempt=attempt, employee=employee, answers={served["id"]: [wrong["id"]]})
    answer = AttemptAnswer.objects.get(attempt=attempt)
    assert answer.chosen == [wrong["id"]] and answer.wrong_choice is None


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_submits_are_graded_once(org, employee, race):
    if connection.vendor != "postgresql":
        pytest.skip("Row locks need PostgreSQL (SQLite serialises writes anyway)")
    quiz = quiz_with_questions(questions=3)
    attempt = attempt_start(employee=employee, quiz=quiz)
    answers = answers_for(attempt)
    results, errors = race(
        lambda: attempt_submit(attempt=attempt, employee=employee, answers=answers)
    )
    assert not errors
    assert sorted(r.graded for r in results) == [False, True]
    assert AttemptAnswer.objects.filter(attempt=attempt).count() == 3


def test_only_courses_writes_the_enrollment(employee, monkeypatch):
    """The best score reaches the enrollment through `courses.services.enrollment_refresh`:
    every save of an Enrollment during start and submit comes from `courses`."""
    import inspect

    writers = []
    save = Enrollment.save

    def recording_save(self, *args, **kwargs):
        writers.append(inspect.currentframe().f_back.f_globals["__name__"])
        return save(self, *args, **kwargs)

    monkeypatch.setattr(Enrollment, "save", recording_save)
    quiz = quiz_with_questions(questions=2)
    attempt = attempt_start(employee=employee, quiz=quiz)
    attempt_submit(attempt=attempt, employee=employee, answers=answers_for(attempt, right=1))
    assert Enrollment.objects.get().best_score == 50
    assert writers and set(writers) <= {"courses.services", "django.db.models.query"}
