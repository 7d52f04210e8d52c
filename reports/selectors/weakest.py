"""Weakest topics: the questions answered wrongly most often."""

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q

from courses.models import Course
from courses.translation import translated, translated_texts
from people.models import Department
from quizzes.models import AttemptAnswer, Choice, Question, Quiz

from .base import (
    report_scope_q,
)

# --- Weakest topics ----------------------------------------------------------------------------

MIN_GROUP = 5  # fewer people than this answered: hidden, so no one can be singled out


@dataclass
class WrongChoice:
    text: str
    count: int
    percent: int


@dataclass
class WeakQuestion:
    pk: int
    code: str
    prompt: str
    topic: str
    quiz: str
    answers: int
    people: int
    wrong: int
    wrong_choices: list[WrongChoice] = field(default_factory=list)
    topic_key: str = ""  # the English topic: what topics are grouped by

    @property
    def wrong_percent(self):
        return round(100 * self.wrong / self.answers) if self.answers else 0


@dataclass
class WeakTopic:
    topic: str
    answers: int
    wrong: int

    @property
    def wrong_percent(self):
        return round(100 * self.wrong / self.answers) if self.answers else 0


@dataclass
class WeakestTopics:
    questions: list[WeakQuestion]
    topics: list[WeakTopic]
    hidden: int  # questions answered, but by fewer than MIN_GROUP people


def weakest_topics(user, *, course: Course, department: Department | None, limit: int = 10):
    """The scenario questions of `course` answered wrongly most often by the employees
    in scope (all cycles), with the share choosing each wrong choice, and the topics
    behind them. Questions answered by fewer than `MIN_GROUP` people are hidden, and
    topics are built from the shown questions only. Three queries."""
    answers = AttemptAnswer.objects.filter(
        report_scope_q(user, "attempt__employee__"),
        attempt__quiz__module__course=course,
        attempt__submitted_at__isnull=False,
        question__isnull=False,
    )
    if department is not None:
        answers = answers.filter(attempt__employee__department__path__startswith=department.path)
    # Grouped by the question id alone: the distinct-people count makes PostgreSQL sort
    # the rows by the group key, and a narrow key sorts several times faster than one
    # carrying the question's texts, which come from a small query of their own.
    grouped = list(
        answers.order_by()
        .values("question_id")
        .annotate(
            answers=Count("pk"),
            people=Count("attempt__employee_id", distinct=True),
            wrong=Count("pk", filter=Q(is_correct=False)),
        )
        .values_list("question_id", "answers", "people", "wrong")
    )
    details = {
        row[0]: row[1:]
        for row in Question.objects.filter(pk__in=[row[0] for row in grouped])
        .annotate(
            # Texts in the reader's language; topics group by the English one, so the
            # statistics do not depend on the language each attempt was served in.
            prompt_shown=translated(Question, "prompt"),
            topic_shown=translated(Question, "topic"),
            topic_en=translated(Question, "topic", language=settings.LANGUAGE_CODE),
            quiz_title=translated(Quiz, "title", outer="quiz_id"),
        )
        .values_list("pk", "code", "prompt_shown", "topic_shown", "quiz_title", "topic_en")
    }
    shown, hidden = [], 0
    for question_id, count, people, wrong in grouped:
        if people < MIN_GROUP:
            hidden += 1
            continue
        code, prompt, topic, quiz, topic_en = details[question_id]
        shown.append(
            WeakQuestion(
                pk=question_id,
                code=code,
                prompt=prompt,
                topic=topic,
                quiz=quiz,
                topic_key=topic_en,
                answers=count,
                people=people,
                wrong=wrong,
            )
        )
    topics: dict[str, WeakTopic] = {}
    for question in shown:
        topic = topics.setdefault(question.topic_key, WeakTopic(question.topic, 0, 0))
        topic.answers += question.answers
        topic.wrong += question.wrong
    weakest = sorted(
        (q for q in shown if q.wrong), key=lambda q: (-q.wrong / q.answers, -q.wrong, q.code)
    )[:limit]
    by_pk = {q.pk: q for q in weakest}
    if by_pk:
        counts = list(
            answers.filter(question_id__in=by_pk, wrong_choice__isnull=False)
            .order_by()
            .values("question_id", "wrong_choice_id")
            .annotate(n=Count("pk"))
            .values_list("question_id", "wrong_choice_id", "n")
        )
        texts = translated_texts(Choice, "text", (row[1] for row in counts))
        for question_id, choice_id, count in counts:
            question = by_pk[question_id]
            question.wrong_choices.append(
                WrongChoice(texts[choice_id], count, round(100 * count / question.answers))
            )
        for question in weakest:
            question.wrong_choices.sort(key=lambda c: (-c.count, c.text))
    return WeakestTopics(
        questions=weakest,
        topics=sorted(
            (t for t in topics.values() if t.wrong),
            key=lambda t: (-t.wrong / t.answers, t.topic),
        ),
        hidden=hidden,
    )
