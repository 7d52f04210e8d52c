import re
import shutil
from pathlib import Path

import pytest

from courses.curriculum import CURRICULUM_DIR, CurriculumError, curriculum_load
from quizzes.models import Attempt, Choice, Question, Quiz
from quizzes.services import attempt_start, attempt_submit
from quizzes.tests.factories import answers_for

SM101 = CURRICULUM_DIR / "social-media-101"


def test_real_curriculum_loads_twice_with_no_change_the_second_time(db):
    first = curriculum_load()
    quiz_files = sorted((SM101 / "quizzes").glob("*.toml"))
    assert Quiz.objects.filter(module__course__code="SM101").count() == len(quiz_files)
    assert Question.objects.count() >= 6 * len(quiz_files)
    assert any(code.endswith("-CHECK") for code in first.created)
    counts = (Quiz.objects.count(), Question.objects.count(), Choice.objects.count())
    second = curriculum_load()
    assert second.created == [] and second.updated == []
    assert (Quiz.objects.count(), Question.objects.count(), Choice.objects.count()) == counts


def test_loaded_quiz_matches_the_file(db):
    curriculum_load()
    quiz = Quiz.objects.get(code="SM101-M1-CHECK")
    assert quiz.module.code == "SM101-M1"
    assert (quiz.pass_mark_percent, quiz.questions_per_attempt, quiz.attempt_limit) == (75, 4, None)
    question = Question.objects.get(code="SM101-M1-Q2")
    assert question.post_platform == "internal" and question.post_author == "Priya Nair"
    assert question.scenario_html.startswith("<p>")
    assert question.choices.filter(is_correct=True).count() == 1


@pytest.fixture
def course_copy(tmp_path):
    root = tmp_path / "curriculum"
    folder = root / "sm101"
    # The English files only: these tests edit them (translations: test_curriculum_translations).
    shutil.copytree(SM101, folder, ignore=shutil.ignore_patterns("0[2-9]-*", "translations"))
    return root, folder


def test_editing_a_file_updates_content_and_keeps_attempts(db, employee, course_copy):
    root, folder = course_copy
    curriculum_load(root=root)
    quiz = Quiz.objects.get(code="SM101-M1-CHECK")
    attempt = attempt_start(employee=employee, quiz=quiz)
    attempt_submit(attempt=attempt, employee=employee, answers=answers_for(attempt))
    path = next((folder / "quizzes").glob("01-*.toml"))
    text = path.read_text()
    text = text.replace("Which reply is the most accurate?", "Which reply is right?")
    # Drop question Q6 from the file: it is retired, not deleted.
    head, _, tail = text.partition('code = "SM101-M1-Q6"')
    path.write_text(head.rsplit("[[questions]]", 1)[0])
    summary = curriculum_load(root=root)
    assert "SM101-M1-Q2" in summary.updated
    assert Question.objects.get(code="SM101-M1-Q2").prompt == "Which reply is right?"
    assert not Question.objects.get(code="SM101-M1-Q6").is_active
    attempt.refresh_from_db()
    assert attempt.passed and attempt.answers.count() == 4


def test_missing_quiz_files_are_tolerated(db, course_copy):
    root, folder = course_copy
    shutil.rmtree(folder / "quizzes")
    curriculum_load(root=root)
    assert not Quiz.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("correct = true", "correct = false"), "Exactly one choice must be correct"),
        (('module = "SM101-M1"', 'module = "NOPE"'), "module 'NOPE'"),
        (('kind = "single"', 'kind = "essay"'), "kind must be one of"),
        (("pass_mark_percent = 75", "pass_mark_percent = 175"), "pass_mark_percent"),
        (("[quiz]", "[quizz]"), "missing [quiz]"),
    ],
)
def test_bad_files_raise_a_curriculum_error_naming_the_file(db, course_copy, change, message):
    root, folder = course_copy
    path = next((folder / "quizzes").glob("01-*.toml"))
    path.write_text(path.read_text().replace(*change, 1))
    with pytest.raises(CurriculumError, match=re.escape(message)) as error:
        curriculum_load(root=root)
    assert path.name in str(error.value)
    assert not Quiz.objects.exists()  # the load rolled back


def test_unreadable_toml_names_the_file(db, course_copy):
    root, folder = course_copy
    path = next((folder / "quizzes").glob("01-*.toml"))
    path.write_text("[quiz\n")
    with pytest.raises(CurriculumError, match=Path(path).name):
        curriculum_load(root=root)


SPOT_RISK_TOML = """
[[questions]]
code = "SM101-M1-SPOT"
topic = "Spotting risks"
kind = "spot_risk"
post = { platform = "instagram", author = "Sam Rivera" }
prompt = "Which parts of this post break the guidelines?"
explanation = "Look at every part of a post, not only its text."

[[questions.segments]]
kind = "sentence"
text = "Great day at the office!"
risky = false
feedback = "Nothing confidential here."

[[questions.segments]]
kind = "photo"
text = "A whiteboard with next quarter's launch dates in the background."
risky = true
feedback = "Launch plans are confidential."

[[questions.segments]]
kind = "location"
text = "Head office"
risky = false
feedback = "Where the company's head office is, is public."
"""


def test_spot_risk_items_load_from_the_file_and_reload_unchanged(db, course_copy):
    root, folder = course_copy
    path = next((folder / "quizzes").glob("01-*.toml"))
    path.write_text(
        path.read_text().replace("[quiz]", '[quiz]\nreview_policy = "withhold_key"', 1)
        + SPOT_RISK_TOML
    )
    curriculum_load(root=root)
    item = Question.objects.get(code="SM101-M1-SPOT")
    assert item.kind == "spot_risk" and item.has_post and item.post_text == ""
    assert list(item.choices.values_list("segment_kind", "is_correct")) == [
        ("sentence", False),
        ("photo", True),
        ("location", False),
    ]
    assert item.quiz.review_policy == "withhold_key"
    second = curriculum_load(root=root)
    assert second.created == [] and second.updated == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('kind = "photo"', 'kind = "selfie"'), "segment kind must be one of"),
        (("risky = true", "risky = false"), "At least one segment must be risky"),
        (('author = "Sam Rivera" }', 'author = "Sam", text = "x" }'), "a spot_risk item has"),
        (('kind = "spot_risk"', 'kind = "single"'), "only a spot_risk item has segments"),
    ],
)
def test_bad_spot_risk_items_are_refused(db, course_copy, change, message):
    root, folder = course_copy
    path = next((folder / "quizzes").glob("01-*.toml"))
    path.write_text(path.read_text() + SPOT_RISK_TOML.replace(*change, 1))
    with pytest.raises(CurriculumError, match=re.escape(message)):
        curriculum_load(root=root)


def test_an_unknown_review_policy_is_refused(db, course_copy):
    root, folder = course_copy
    path = next((folder / "quizzes").glob("01-*.toml"))
    path.write_text(path.read_text().replace("[quiz]", '[quiz]\nreview_policy = "never"', 1))
    with pytest.raises(CurriculumError, match="review_policy must be one of"):
        curriculum_load(root=root)


def test_reloading_over_existing_progress_keeps_enrollments_and_snapshots(
    db, employee, tmp_path, client_for
):
    """Over a database with progress (lessons done, an attempt at every quiz, spot-the-
    risk items included), a reload with questions retired and a module renumbered
    changes no enrollment, completion, attempt or answer, and old reviews still render."""
    from django.urls import reverse
    from django.utils.html import escape

    from courses.models import Enrollment, Lesson, LessonCompletion
    from courses.services import lesson_complete
    from quizzes.models import AttemptAnswer

    curriculum_load()
    for lesson in Lesson.objects.filter(module__course__code="SM101", kind="reading")[:5]:
        lesson_complete(employee=employee, lesson=lesson)
    attempts = []
    for quiz in Quiz.objects.filter(module__course__code="SM101"):
        attempt = attempt_start(employee=employee, quiz=quiz)
        attempt_submit(attempt=attempt, employee=employee, answers=answers_for(attempt, right=2))
        attempts.append(attempt)
    assert any(q["kind"] == "spot_risk" for a in attempts for q in a.served_questions)

    def state():
        return (
            list(Enrollment.objects.values()),
            list(LessonCompletion.objects.values()),
            list(Attempt.objects.order_by("pk").values()),
            list(AttemptAnswer.objects.order_by("pk").values()),
        )

    before = state()
    root = tmp_path / "curriculum"
    shutil.copytree(CURRICULUM_DIR, root, ignore=shutil.ignore_patterns("translations"))
    exam = root / "social-media-101" / "quizzes" / "09-final-exam.toml"
    head, _, _ = exam.read_text().partition('code = "SM101-FINAL-SPOT5"')
    exam.write_text(head.rsplit("[[questions]]", 1)[0])  # retire the last items
    modules = root / "social-media-101" / "modules"
    (modules / "08-ai-and-deepfakes.toml").rename(modules / "085-ai-and-deepfakes.toml")
    summary = curriculum_load(root=root)
    assert any("retired" in line for line in summary.updated)
    assert state() == before
    client = client_for(employee)
    for attempt in attempts:
        response = client.get(reverse("quizzes:attempt-review", kwargs={"pk": attempt.pk}))
        assert response.status_code == 200
        assert escape(attempt.served_questions[0]["prompt"]) in response.content.decode()
