"""The migration to per-language rows keeps the English content, every id and code, and
the progress that points at them (courses 0004-0006, quizzes 0004-0006)."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation

BEFORE = [
    ("courses", "0003_enrollment_assignment"),
    ("quizzes", "0003_spot_risk_items_and_review_policy"),
]
AFTER = [
    ("courses", "0006_drop_untranslated_columns"),
    ("quizzes", "0006_drop_untranslated_columns"),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_english_content_ids_and_attempts_survive_the_migration():
    old = migrate(BEFORE)
    course = old.get_model("courses", "Course").objects.create(
        code="OLD",
        title="Old title",
        summary="Old summary",
        description="Old **text**",
        description_html="<p>Old <strong>text</strong></p>",
    )
    module = old.get_model("courses", "Module").objects.create(
        course=course, code="OLD-M1", title="Module one", position=1
    )
    lesson = old.get_model("courses", "Lesson").objects.create(
        module=module,
        code="OLD-L1",
        title="Lesson one",
        body="Body",
        body_html="<p>Body</p>",
        body_version="abc",
        acknowledgement="I agree.",
    )
    quiz = old.get_model("quizzes", "Quiz").objects.create(
        module=module, code="OLD-Q", title="Quiz one", intro="Intro"
    )
    question = old.get_model("quizzes", "Question").objects.create(
        quiz=quiz,
        code="OLD-Q1",
        topic="Tone",
        prompt="Prompt?",
        post_text="A post",
        explanation="Because",
        explanation_html="<p>Because</p>",
    )
    choice = old.get_model("quizzes", "Choice").objects.create(
        question=question, text="Yes", feedback="Right", is_correct=True
    )

    migrate(AFTER)

    from courses.models import Course, Lesson
    from quizzes.models import Attempt, Choice, Question, Quiz

    with translation.override("fr"):  # no French: English is read, same ids
        assert Course.objects.get(pk=course.pk).title == "Old title"
        migrated = Course.objects.get(code="OLD")
        assert migrated.description_html == "<p>Old <strong>text</strong></p>"
        lesson_now = Lesson.objects.get(pk=lesson.pk)
        assert (lesson_now.code, lesson_now.body_version, lesson_now.acknowledgement) == (
            "OLD-L1",
            "abc",
            "I agree.",
        )
        assert Quiz.objects.get(pk=quiz.pk).intro == "Intro"
        q = Question.objects.get(pk=question.pk)
        assert (q.topic, q.prompt, q.post_text, q.explanation) == (
            "Tone",
            "Prompt?",
            "A post",
            "Because",
        )
        c = Choice.objects.get(pk=choice.pk)
        assert (c.text, c.feedback, c.is_correct) == ("Yes", "Right", True)
    assert [t.language_code for t in migrated.translations.all()] == ["en"]
    assert not Attempt.objects.exclude(language="en").exists()

    # And back: the columns come back filled from the English rows.
    old = migrate(BEFORE)
    assert old.get_model("quizzes", "Choice").objects.get(pk=choice.pk).text == "Yes"
    assert old.get_model("courses", "Course").objects.get(pk=course.pk).title == "Old title"
    migrate(AFTER)
