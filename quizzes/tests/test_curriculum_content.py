"""Content checks over the real curriculum files (issue 13, "checks that keep the
content honest"): they read the TOML the loader reads, so a bad edit fails `make test`
before it reaches anyone."""

import re
import tomllib
from pathlib import Path

import pytest

from courses.curriculum import CURRICULUM_DIR
from courses.rendering import CONTACT_PLACEHOLDERS

SM101 = CURRICULUM_DIR / "social-media-101"
COURSES = sorted(path.parent for path in CURRICULUM_DIR.glob("*/course.toml"))

# Words that belong in an author's notes, never in front of a learner.
DRAFTING_NOTES = re.compile(
    r"\[unverified\]|\bunverified\b|not been (able to )?confirm|"
    r"\[practitioner\]|\bTODO\b|\bTBD\b|\bFIXME\b|the (source )?article|this course is based on",
    re.IGNORECASE,
)
PLACEHOLDER = re.compile(r"\{\{[^}]*\}\}")


def _load(path: Path) -> dict:
    with path.open("rb") as handle:
        return tomllib.load(handle)


def _modules(course: Path) -> list[dict]:
    return [_load(path) for path in sorted((course / "modules").glob("*.toml"))]


def _quizzes(course: Path) -> list[dict]:
    return [_load(path) for path in sorted((course / "quizzes").glob("*.toml"))]


def _questions(course: Path) -> list[dict]:
    return [question for quiz in _quizzes(course) for question in quiz["questions"]]


def _items(question: dict) -> list[dict]:
    """Choices, or a spot-the-risk item's segments."""
    return question.get("segments") or question.get("choices") or []


def _learner_texts(course: Path):
    """(where, text) for every piece of text a learner can read."""
    meta = _load(course / "course.toml")["course"]
    yield "course", meta.get("summary", "") + meta.get("description", "")
    for module in _modules(course):
        yield module["module"]["code"], module["module"].get("summary", "")
        for lesson in module.get("lessons", []):
            yield lesson["code"], lesson["title"] + lesson.get("body", "")
            yield lesson["code"], lesson.get("acknowledgement", "")
    for quiz in _quizzes(course):
        yield quiz["quiz"]["code"], quiz["quiz"].get("intro", "")
        for question in quiz["questions"]:
            post = question.get("post") or {}
            parts = [question.get(key, "") for key in ("scenario", "prompt", "explanation")]
            parts += [post.get("text", ""), post.get("author", "")]
            parts += [
                item.get(key, "") for item in _items(question) for key in ("text", "feedback")
            ]
            yield question["code"], "\n".join(parts)


@pytest.mark.parametrize("course", COURSES, ids=lambda path: path.name)
def test_no_drafting_notes_reach_learners(course):
    found = [
        f"{where}: {match.group(0)!r}"
        for where, text in _learner_texts(course)
        for match in DRAFTING_NOTES.finditer(text)
    ]
    assert not found, "\n".join(found)


@pytest.mark.parametrize("course", COURSES, ids=lambda path: path.name)
def test_every_choice_and_segment_has_its_own_feedback(course):
    missing = [
        f"{question['code']} #{number}"
        for question in _questions(course)
        for number, item in enumerate(_items(question), start=1)
        if len(item.get("feedback", "").strip()) < 20
    ]
    assert not missing


def test_true_false_keys_are_balanced():
    """Between 40% and 60% of true/false answers are "True", in the course and in the
    final exam's pool, so that guessing "False" is no strategy."""
    exam = _load(SM101 / "quizzes" / "09-final-exam.toml")["questions"]
    for label, questions in (("course", _questions(SM101)), ("final exam", exam)):
        keys = [
            next(c["text"] for c in q["choices"] if c.get("correct"))
            for q in questions
            if q.get("kind") == "true_false"
        ]
        assert len(keys) >= 4, label
        share = keys.count("True") / len(keys)
        assert 0.4 <= share <= 0.6, f"{label}: {keys.count('True')} of {len(keys)} are True"


@pytest.mark.parametrize("course", COURSES, ids=lambda path: path.name)
def test_the_right_answer_is_rarely_the_longest(course):
    """At most a third of single-choice questions have their right answer as the
    longest choice, so that length is no clue."""
    singles = [q for q in _questions(course) if q.get("kind", "single") == "single"]
    longest_right = [
        q["code"] for q in singles if max(q["choices"], key=lambda c: len(c["text"])).get("correct")
    ]
    assert len(longest_right) * 3 <= len(singles), longest_right


def test_every_module_is_in_the_final_exam_pool_and_each_draw_covers_them():
    """The exam's topics are exactly the titles of the modules that teach (those with a
    module check); the draw takes one question per topic first, so each attempt covers
    every module."""
    exam = _load(SM101 / "quizzes" / "09-final-exam.toml")
    checked = {
        quiz["quiz"]["module"] for quiz in _quizzes(SM101) if quiz["quiz"]["kind"] == "check"
    }
    titles = {m["module"]["code"]: m["module"]["title"] for m in _modules(SM101)}
    topics = {question["topic"] for question in exam["questions"]}
    assert topics == {titles[code] for code in checked}
    meta = exam["quiz"]
    assert len(exam["questions"]) >= 35
    assert meta["questions_per_attempt"] == 15 >= len(topics)
    assert meta["review_policy"] == "withhold_key"


def test_the_course_has_enough_spot_the_risk_items_and_ai_scenarios():
    questions = _questions(SM101)
    assert sum(1 for q in questions if q.get("kind") == "spot_risk") >= 8
    ai_check = _load(SM101 / "quizzes" / "08-ai-check.toml")
    assert sum(1 for q in ai_check["questions"] if q.get("scenario") or q.get("post")) >= 4


@pytest.mark.parametrize("course", COURSES, ids=lambda path: path.name)
def test_contact_placeholders_are_known_and_only_in_lessons(course):
    for module in _modules(course):
        for lesson in module.get("lessons", []):
            unknown = set(PLACEHOLDER.findall(lesson.get("body", ""))) - set(CONTACT_PLACEHOLDERS)
            assert not unknown, f"{lesson['code']}: {unknown}"
    for quiz in _quizzes(course):
        for question in quiz["questions"]:
            text = str(question)
            assert not PLACEHOLDER.search(text), f"{question['code']} (filled in lessons only)"


def test_the_lessons_name_the_company_contacts():
    bodies = "".join(
        lesson.get("body", "") for module in _modules(SM101) for lesson in module["lessons"]
    )
    for placeholder in CONTACT_PLACEHOLDERS:
        assert placeholder in bodies, placeholder
    guideline = next(
        lesson
        for module in _modules(SM101)
        for lesson in module["lessons"]
        if lesson.get("kind") == "acknowledgement"
    )
    assert "{{whistleblowing}}" in guideline["body"]
