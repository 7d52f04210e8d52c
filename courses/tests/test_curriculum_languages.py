"""The real curriculum in every language it has: each course with a `translations/fr/`
folder has a French version of every item, and a language detector (lingua, from PyPI)
finds no English passage in the French texts and no French passage in the English ones.

Texts are checked passage by passage (sentences of at least MIN_WORDS words), after
removing what is not prose in the text's language: quotations (« … », “ … ”, "…" — a
French label quoted in an English lesson is meant), contact placeholders, URLs,
hashtags and mentions, code spans and Markdown marks. Names of people, platforms and
laws stay short of a passage on their own.
"""

import re
import tomllib
from pathlib import Path

import pytest
from django.utils import translation
from lingua import Language, LanguageDetectorBuilder

from courses.curriculum import CURRICULUM_DIR, curriculum_load
from courses.models import Course
from courses.translation import translation_completeness
from quizzes.models import Quiz
from quizzes.services import attempt_start

LANGUAGES = {"en": Language.ENGLISH, "fr": Language.FRENCH}
MIN_WORDS = 6
# A passage fails when the detector gives the other language at least this confidence
# (a stray sentence in the wrong language scores above 0.9; short mixed ones near 0.5).
WRONG_LANGUAGE_CONFIDENCE = 0.75
NOT_PROSE = ("code", "kind", "module", "platform", "author", "video_url", "correct", "risky")
REMOVED = [
    re.compile(pattern)
    for pattern in (
        r"«[^»]*»",
        r"“[^”]*”",
        r'"[^"]*"',
        r"\{\{\s*\w+\s*\}\}",
        r"https?://\S+|www\.\S+|\S+@\S+",
        r"[#@][\w-]+",
        r"`[^`]*`",
        r"[*_>|#]+|(?<!\w)-(?!\w)",
    )
]

COURSES = sorted(path.parent.name for path in CURRICULUM_DIR.glob("*/course.toml"))
FRENCH_COURSES = [c for c in COURSES if (CURRICULUM_DIR / c / "translations" / "fr").is_dir()]


def _texts(data):
    """Every translatable text of a curriculum file (key fields and settings skipped)."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key not in NOT_PROSE:
                yield from _texts(value)
    elif isinstance(data, list):
        for value in data:
            yield from _texts(value)
    elif isinstance(data, str):
        yield data


def passages(text: str):
    for line in text.splitlines():
        for sentence in re.split(r"(?<=[.!?…])\s+", line):
            for pattern in REMOVED:
                sentence = pattern.sub(" ", sentence)
            sentence = " ".join(sentence.split())
            if len(sentence.split()) >= MIN_WORDS:
                yield sentence


def files(course: str, language: str) -> list[Path]:
    folder = CURRICULUM_DIR / course
    if language == "en":
        return sorted(p for p in folder.rglob("*.toml") if "translations" not in p.parts)
    return sorted((folder / "translations" / language).rglob("*.toml"))


@pytest.fixture(scope="module")
def detector():
    return LanguageDetectorBuilder.from_languages(*LANGUAGES.values()).build()


@pytest.mark.parametrize(
    ("course", "language"),
    [(course, "en") for course in COURSES] + [(course, "fr") for course in FRENCH_COURSES],
)
def test_no_passage_is_in_the_other_language(detector, course, language):
    expected = LANGUAGES[language]
    other = next(lang for lang in LANGUAGES.values() if lang != expected)
    wrong, checked = [], 0
    for path in files(course, language):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        for text in _texts(data):
            for passage in passages(text):
                checked += 1
                confidence = detector.compute_language_confidence(passage, other)
                if confidence >= WRONG_LANGUAGE_CONFIDENCE:
                    wrong.append(f"{path.relative_to(CURRICULUM_DIR)}: {passage[:120]}")
    assert checked > 50, "too few passages: is the folder empty?"
    assert not wrong, f"{len(wrong)} passage(s) not in {language}:\n" + "\n".join(wrong)


def test_the_detector_does_flag_a_stray_sentence(detector):
    # The check above can fail: an English sentence in French text is caught.
    french = "Vous représentez l'entreprise. Always ask the social team before you post anything."
    flagged = [
        p
        for p in passages(french)
        if detector.compute_language_confidence(p, Language.ENGLISH) >= WRONG_LANGUAGE_CONFIDENCE
    ]
    assert flagged == ["Always ask the social team before you post anything."]


@pytest.mark.parametrize("code_folder", FRENCH_COURSES)
def test_every_item_of_a_course_with_french_has_a_french_version(db, code_folder, employee):
    curriculum_load()
    data = tomllib.loads((CURRICULUM_DIR / code_folder / "course.toml").read_text())
    course = Course.objects.get(code=data["course"]["code"])
    completeness = translation_completeness([course.pk], ["fr"])[course.pk]["fr"]
    assert completeness.total > 10 and completeness.complete, completeness
    # Served in French: every quiz's attempt is recorded as French.
    with translation.override("fr"):
        assert not course.is_untranslated
        for quiz in Quiz.objects.filter(module__course=course):
            attempt = attempt_start(employee=employee, quiz=quiz)
            assert attempt.language == "fr", quiz.code
