"""Reads: the quiz page, the attempt pages, completion units, outline items and
per-question statistics — each in a fixed number of queries."""

from dataclasses import dataclass

from django.db.models import Avg, Count, Max, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from courses.completion import Units
from courses.models import Enrollment
from courses.outline import OutlineItem
from courses.selectors import courses_visible_to, enrollment_current
from courses.translation import translations_prefetch

from . import grading
from .models import Attempt, AttemptAnswer, Choice, Question, Quiz


def quiz_get_for(*, user, code: str) -> tuple[Quiz, bool]:
    """The quiz and whether it is a preview, by the course page's rule
    (`courses.selectors.courses_visible_to`): a quiz of an unpublished course is a 404,
    except for authors, who see it as a preview (and cannot start it). One query."""
    quiz = get_object_or_404(
        Quiz.objects.select_related("module__course").filter(
            module__course__in=courses_visible_to(user)
        ),
        code=code,
    )
    return quiz, not quiz.module.course.published


@dataclass(frozen=True)
class QuizProgress:
    attempts: list[Attempt]  # this enrollment cycle's attempts, newest first
    open_attempt: Attempt | None
    used: int
    left: int | None  # None: unlimited
    best_score: int | None
    passed: bool

    @property
    def can_start(self):
        return self.open_attempt is not None or self.left is None or self.left > 0


def quiz_progress(*, quiz: Quiz, enrollment: Enrollment | None) -> QuizProgress:
    """One query (none without an enrollment). `served` is deferred: it can be large."""
    attempts = (
        list(Attempt.objects.filter(enrollment=enrollment, quiz=quiz).defer("served"))
        if enrollment is not None
        else []
    )
    submitted = [a for a in attempts if a.is_submitted]
    open_attempt = next((a for a in attempts if not a.is_submitted), None)
    limit = quiz.attempt_limit
    scores = [a.score_percent for a in submitted if a.score_percent is not None]
    return QuizProgress(
        attempts=attempts,
        open_attempt=open_attempt,
        used=len(attempts) if open_attempt is None else len(attempts) - 1,
        left=None if limit is None else max(limit - len(attempts), 0),
        best_score=max(scores) if scores else None,
        passed=any(a.passed for a in submitted),
    )


@dataclass(frozen=True)
class QuizPage:
    quiz: Quiz
    preview: bool  # an author looking at an unpublished course's quiz
    progress: QuizProgress
    can_take: bool


def quiz_page_for(*, user, employee, code: str) -> QuizPage:
    """The quiz page: the quiz (404 as for its course page), the employee's attempts in
    their current cycle, and whether they may take it. Three queries at most."""
    quiz, preview = quiz_get_for(user=user, code=code)
    enrollment = enrollment_current(employee=employee, course=quiz.module.course)
    return QuizPage(
        quiz=quiz,
        preview=preview,
        progress=quiz_progress(quiz=quiz, enrollment=enrollment),
        can_take=employee is not None and not preview,
    )


def attempt_get_for(*, employee, pk: int) -> Attempt:
    """The employee's own attempt at a quiz of a published course, else 404."""
    if employee is None:
        raise Http404
    return get_object_or_404(
        Attempt.objects.select_related("quiz__module__course", "enrollment"),
        pk=pk,
        employee=employee,
        quiz__module__course__published=True,
    )


# Keys of a served question that may reach the browser before submission.
_PUBLIC_QUESTION_KEYS = ("id", "code", "kind", "topic", "scenario_html", "post", "prompt")


def attempt_public_questions(attempt: Attempt, chosen: dict[int, list[int]] | None = None):
    """The served questions without any answer key, feedback or explanation: only this
    reaches the attempt page. `chosen` re-checks the boxes after a refused submit."""
    chosen = chosen or {}
    questions = []
    for served in attempt.served_questions:
        question = {key: served.get(key) for key in _PUBLIC_QUESTION_KEYS}
        picked = set(chosen.get(served["id"], []))
        question["input_type"] = (
            "checkbox"
            if served["kind"] in (Question.Kind.MULTIPLE, Question.Kind.SPOT_RISK)
            else "radio"
        )
        question["choices"] = [
            {
                "id": c["id"],
                "text": c["text"],
                "checked": c["id"] in picked,
                "segment_label": _segment_label(c),
            }
            for c in served["choices"]
        ]
        questions.append(question)
    return questions


def _segment_label(choice: dict) -> str:
    kind = choice.get("segment_kind") or ""
    return str(Choice.SegmentKind(kind).label) if kind in Choice.SegmentKind.values else ""


def review_shows_key(*, quiz: Quiz, progress: QuizProgress) -> bool:
    """The quiz's review policy: with "withhold the key", the right answers and the
    explanations stay hidden until the employee has passed the quiz in this enrollment
    cycle or has no attempt left."""
    if quiz.review_policy != Quiz.ReviewPolicy.WITHHOLD_KEY:
        return True
    out_of_attempts = progress.left == 0 and progress.open_attempt is None
    return progress.passed or out_of_attempts


def attempt_review(attempt: Attempt, *, show_key: bool = True) -> list[dict]:
    """Every served question with what was chosen and, from the snapshot, each choice's
    feedback, the right answers and the explanation. With `show_key=False` only what
    the learner chose is marked right or wrong, with its feedback: no unchosen choice's
    correctness or feedback and no explanation leave the server. One query."""
    answers = {a.position: a for a in AttemptAnswer.objects.filter(attempt=attempt)}
    rows = []
    for position, served in enumerate(attempt.served_questions):
        answer = answers.get(position)
        chosen = set(answer.chosen) if answer else set()
        spot = served["kind"] == Question.Kind.SPOT_RISK
        marks = grading.segment_marks(served, chosen) if spot else {}
        choices = []
        for c in served["choices"]:
            row = {
                "id": c["id"],
                "text": c["text"],
                "chosen": c["id"] in chosen,
                "segment_label": _segment_label(c),
            }
            if show_key or row["chosen"]:
                row["is_correct"] = c["is_correct"]
                row["feedback"] = c["feedback"]
                row["judged_right"] = marks.get(c["id"])
            choices.append(row)
        rows.append(
            {
                **{key: served.get(key) for key in _PUBLIC_QUESTION_KEYS},
                "explanation_html": served.get("explanation_html", "") if show_key else "",
                "is_spot_risk": spot,
                "is_correct": bool(answer and answer.is_correct),
                "answered": bool(chosen),
                "segments_right": sum(1 for right in marks.values() if right) if spot else None,
                "segments_total": len(served["choices"]) if spot else None,
                "choices": choices,
            }
        )
    return rows


def enrollment_best_score(enrollment: Enrollment) -> int | None:
    """The final exam's best score if the course has an exam, else the best of all its
    quizzes (module checks), for this enrollment cycle."""
    attempts = Attempt.objects.filter(enrollment=enrollment, submitted_at__isnull=False)
    has_exam = Quiz.objects.filter(
        module__course_id=enrollment.course_id, kind=Quiz.Kind.EXAM
    ).exists()
    if has_exam:
        attempts = attempts.filter(quiz__kind=Quiz.Kind.EXAM)
    return attempts.aggregate(best=Max("score_percent"))["best"]


def quiz_units_for_enrollment(enrollment: Enrollment) -> Units:
    """Completion requirement "quizzes": every quiz of the course passed in this cycle.
    Two queries."""
    total = Quiz.objects.filter(module__course_id=enrollment.course_id).count()
    if not total:
        return Units(done=0, total=0)
    done = (
        Attempt.objects.filter(
            enrollment=enrollment, passed=True, quiz__module__course_id=enrollment.course_id
        )
        .values("quiz_id")
        .distinct()
        .count()
    )
    return Units(done=done, total=total)


def quiz_status_text(*, passed: bool, best: int | None, used: int, limit: int | None) -> str:
    if passed:
        return _("Passed · best %(score)s%%") % {"score": best}
    if limit is not None:
        left = max(limit - used, 0)
        if left == 0:
            return _("Not passed · no attempts left")
        return ngettext("%(n)s attempt left", "%(n)s attempts left", left) % {"n": left}
    if used:
        return _("Not passed yet · best %(score)s%%") % {"score": best or 0}
    return _("Not started")


def quiz_outline_items(course, enrollment) -> dict[int, list[OutlineItem]]:
    """Outline provider: the course's quizzes under their modules. Three queries
    (quizzes, their translations, the enrollment's attempts)."""
    quizzes = list(
        Quiz.objects.filter(module__course=course)
        .annotate(pool=Count("questions", filter=Q(questions__is_active=True)))
        .order_by("module__position", "position", "pk")
        .prefetch_related(translations_prefetch(Quiz))
    )
    stats = {}
    if enrollment is not None and quizzes:
        stats = {
            row["quiz_id"]: row
            for row in Attempt.objects.filter(enrollment=enrollment)
            .values("quiz_id")
            .annotate(
                used=Count("id"),
                best=Max("score_percent"),
                passes=Count("id", filter=Q(passed=True)),
            )
        }
    items: dict[int, list[OutlineItem]] = {}
    for quiz in quizzes:
        row = stats.get(quiz.pk, {})
        passed = bool(row.get("passes"))
        served = min(quiz.questions_per_attempt or quiz.pool, quiz.pool)
        items.setdefault(quiz.module_id, []).append(
            OutlineItem(
                title=quiz.title,
                url=reverse("quizzes:quiz-detail", kwargs={"code": quiz.code}),
                done=passed,
                kind=str(Quiz.Kind(quiz.kind).label) if quiz.is_exam else _("Quiz"),
                icon="patch-question",
                status=quiz_status_text(
                    passed=passed,
                    best=row.get("best"),
                    used=row.get("used", 0),
                    limit=quiz.attempt_limit,
                ),
                minutes=quiz.time_limit_minutes or max(served, 1),
            )
        )
    return items


def quiz_statistics(quiz: Quiz) -> list[dict]:
    """Per question of the quiz (retired ones too): answered, percent correct, the
    most chosen wrong answer (for spot the risk: the most frequent wrong segment) and,
    for spot the risk, the average segments judged right, from submitted attempts. Three queries, whatever the
    number of attempts."""
    questions = list(
        quiz.questions.prefetch_related(
            translations_prefetch(Question), "choices", translations_prefetch(Choice, "choices")
        ).order_by("position", "pk")
    )
    answers = AttemptAnswer.objects.filter(question__quiz=quiz, attempt__submitted_at__isnull=False)
    totals = {
        row["question_id"]: row
        for row in answers.values("question_id").annotate(
            answered=Count("id"),
            correct=Count("id", filter=Q(is_correct=True)),
            segments_right=Avg("segments_right"),
        )
    }
    wrong: dict[int, tuple[int, int]] = {}  # question id -> (choice id, times)
    for row in (
        answers.filter(wrong_choice__isnull=False)
        .values("question_id", "wrong_choice_id")
        .annotate(times=Count("id"))
        .order_by("question_id", "-times", "wrong_choice_id")
    ):
        wrong.setdefault(row["question_id"], (row["wrong_choice_id"], row["times"]))
    rows = []
    for question in questions:
        total = totals.get(question.pk, {})
        answered = total.get("answered", 0)
        choices = {c.pk: c for c in question.choices.all()}
        wrong_id, wrong_times = wrong.get(question.pk, (None, 0))
        rows.append(
            {
                "question": question,
                "answered": answered,
                "correct": total.get("correct", 0),
                "percent_correct": round(100 * total.get("correct", 0) / answered)
                if answered
                else None,
                "wrong_choice": choices.get(wrong_id),
                # Spot the risk: the average number of segments judged right, of how many.
                "segments_right": total.get("segments_right"),
                "segments_total": len(choices)
                if question.kind == Question.Kind.SPOT_RISK
                else None,
                "wrong_times": wrong_times,
            }
        )
    return rows
