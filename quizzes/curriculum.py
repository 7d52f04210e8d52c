"""Load `<course folder>/quizzes/*.toml` (see fixtures/curriculum/FORMAT.md).

Connected to `courses.signals.curriculum_course_loaded`, so it runs inside the course
loader's transaction. Idempotent: quizzes and questions are upserted by code, a
question's choices are matched by position; loading twice changes nothing. Nothing
that attempts reference is ever deleted: a question missing from the file is retired
(`is_active=False`, no longer drawn), and a surplus choice is deleted only if no
answer points at it (attempts keep their own snapshot anyway). A bad file raises
`CurriculumError` naming the file, and the whole load rolls back.
"""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError

from courses.curriculum import (
    CurriculumError,
    LoadSummary,
    TranslationReader,
    read_toml,
    translation_languages,
    translation_path,
    translation_set,
    translation_upsert,
    upsert,
)
from courses.models import Module

from .grading import choice_set_errors
from .models import AttemptAnswer, Choice, Question, Quiz

QUIZ_KINDS = set(Quiz.Kind.values)
QUESTION_KINDS = set(Question.Kind.values)
PLATFORMS = set(Question.Platform.values)
SEGMENT_KINDS = set(Choice.SegmentKind.values)
REVIEW_POLICIES = set(Quiz.ReviewPolicy.values)


def _items(question: dict) -> list[dict]:
    """The choices of a question, or the segments of a spot-the-risk item as choices
    (`risky` → `correct`, `kind` → `segment_kind`)."""
    if question.get("kind") == Question.Kind.SPOT_RISK:
        return [
            {
                "text": segment.get("text"),
                "correct": segment.get("risky"),
                "feedback": segment.get("feedback", ""),
                "segment_kind": segment.get("kind", ""),
            }
            if isinstance(segment, dict)
            else segment
            for segment in question.get("segments") or []
        ]
    return question.get("choices") or []


def quizzes_load_for_course(sender, *, course, folder: Path, summary: LoadSummary, **kwargs):
    """Receiver of `curriculum_course_loaded`: the English quizzes, then their
    translations (`translations/<lang>/quizzes/`, checked against the English)."""
    paths = sorted((Path(folder) / "quizzes").glob("*.toml"))
    quizzes = [
        quiz_load_file(path=path, course=course, position=position, summary=summary)
        for position, path in enumerate(paths, start=1)
    ]
    for language in translation_languages(folder):
        for path, quiz in zip(paths, quizzes, strict=True):
            quiz_translation_load_file(
                english_path=path,
                path=translation_path(folder, path, language),
                quiz=quiz,
                language=language,
                summary=summary,
            )


def _fail(path: Path, message: str):
    raise CurriculumError(f"{path.name}: {message}")


def _validate(path: Path, data: dict, course) -> Module:
    meta = data.get("quiz")
    if not isinstance(meta, dict):
        _fail(path, "missing [quiz] table")
    for key in ("code", "module", "title"):
        if not meta.get(key):
            _fail(path, f"[quiz] needs '{key}'")
    if meta.get("kind", "check") not in QUIZ_KINDS:
        _fail(path, f"quiz kind must be one of {sorted(QUIZ_KINDS)}")
    if meta.get("review_policy", Quiz.ReviewPolicy.FULL) not in REVIEW_POLICIES:
        _fail(path, f"review_policy must be one of {sorted(REVIEW_POLICIES)}")
    pass_mark = meta.get("pass_mark_percent", 80)
    if not isinstance(pass_mark, int) or not 1 <= pass_mark <= 100:
        _fail(path, "pass_mark_percent must be a whole number from 1 to 100")
    for key in ("max_attempts", "questions_per_attempt", "time_limit_minutes"):
        value = meta.get(key, 0)
        if not isinstance(value, int) or value < 0:
            _fail(path, f"{key} must be a whole number, 0 or more")
    module = Module.objects.filter(code=meta["module"], course=course).first()
    if module is None:
        _fail(path, f"module '{meta['module']}' is not a module of course {course.code}")
    questions = data.get("questions") or []
    if not questions:
        _fail(path, "a quiz needs at least one [[questions]]")
    if meta.get("questions_per_attempt", 0) > len(questions):
        _fail(path, f"questions_per_attempt is larger than the pool ({len(questions)})")
    codes = set()
    for number, question in enumerate(questions, start=1):
        where = f"question {number} ({question.get('code', 'no code')})"
        for key in ("code", "prompt"):
            if not question.get(key):
                _fail(path, f"{where} needs '{key}'")
        if question["code"] in codes:
            _fail(path, f"{where}: code used twice")
        codes.add(question["code"])
        kind = question.get("kind", "single")
        if kind not in QUESTION_KINDS:
            _fail(path, f"{where}: kind must be one of {sorted(QUESTION_KINDS)}")
        spot = kind == Question.Kind.SPOT_RISK
        if not spot and question.get("segments"):
            _fail(path, f"{where}: only a spot_risk item has segments")
        post = question.get("post")
        if spot and (not isinstance(post, dict) or "text" in post or question.get("choices")):
            _fail(
                path,
                f"{where}: a spot_risk item has a post (platform, author, no text) "
                "and [[questions.segments]] instead of choices",
            )
        if post is not None:
            if not isinstance(post, dict) or not (post.get("text") or spot):
                _fail(path, f"{where}: post needs platform, author and text")
            if post.get("platform") not in PLATFORMS:
                _fail(path, f"{where}: post platform must be one of {sorted(PLATFORMS)}")
        choices = _items(question)
        if any(not isinstance(c, dict) or not c.get("text") for c in choices):
            _fail(path, f"{where}: every choice and segment needs a text")
        if any(c.get("segment_kind", "") not in SEGMENT_KINDS | {""} for c in choices):
            _fail(path, f"{where}: segment kind must be one of {sorted(SEGMENT_KINDS)}")
        errors = choice_set_errors(
            kind,
            [c.get("correct") is True for c in choices],
            [c.get("segment_kind", "") for c in choices],
        )
        if errors:
            _fail(path, f"{where}: " + " ".join(str(e) for e in errors))
        other = (
            Question.objects.filter(code=question["code"])
            .exclude(quiz__code=meta["code"])
            .values_list("quiz__code", flat=True)
            .first()
        )
        if other:
            _fail(path, f"{where}: code already used by quiz {other}")
    return module


def quiz_load_file(*, path: Path, course, position: int, summary: LoadSummary) -> Quiz:
    data = read_toml(path)
    module = _validate(path, data, course)
    meta = data["quiz"]
    quiz = upsert(
        Quiz,
        code=meta["code"],
        texts={"title": meta["title"], "intro": meta.get("intro", "").strip()},
        values={
            "module": module,
            "kind": meta.get("kind", Quiz.Kind.CHECK),
            "position": position,
            "pass_mark_percent": meta.get("pass_mark_percent", 80),
            "max_attempts": meta.get("max_attempts", 0),
            "questions_per_attempt": meta.get("questions_per_attempt") or None,
            "shuffle_choices": meta.get("shuffle_choices", True),
            "review_policy": meta.get("review_policy", Quiz.ReviewPolicy.FULL),
            "time_limit_minutes": meta.get("time_limit_minutes") or None,
        },
        summary=summary,
    )
    codes = []
    for question_position, item in enumerate(data["questions"], start=1):
        post = item.get("post") or {}
        question = upsert(
            Question,
            code=item["code"],
            values={
                "quiz": quiz,
                "position": question_position,
                "is_active": True,
                "kind": item.get("kind", Question.Kind.SINGLE),
                "post_platform": post.get("platform", ""),
            },
            texts={
                "topic": item.get("topic", ""),
                "scenario": item.get("scenario", "").strip(),
                "post_author": post.get("author", ""),
                "post_text": post.get("text", "").strip(),
                "prompt": item["prompt"].strip(),
                "explanation": item.get("explanation", "").strip(),
            },
            summary=summary,
        )
        codes.append(question.code)
        _load_choices(path=path, question=question, items=_items(item), summary=summary)
    retired = quiz.questions.filter(is_active=True).exclude(code__in=codes).update(is_active=False)
    if retired:
        summary.updated.append(f"{quiz.code}: {retired} question(s) retired")
    return quiz


def _load_choices(*, path: Path, question: Question, items: list[dict], summary: LoadSummary):
    existing = {c.position: c for c in question.choices.prefetch_related("translations")}
    for position, item in enumerate(items, start=1):
        values = {
            "is_correct": item.get("correct") is True,
            "segment_kind": item.get("segment_kind", ""),
        }
        texts = {"text": item["text"].strip(), "feedback": item.get("feedback", "").strip()}
        key = f"{question.code}#{position}"
        choice = existing.pop(position, None)
        if choice is None:
            choice = Choice(question=question, position=position, **values)
            translation_set(choice, language=settings.LANGUAGE_CODE, values=texts)
            choice.save()
            summary.record(key, created=True, changed=True)
            continue
        changed = [name for name, value in values.items() if getattr(choice, name) != value]
        for name in changed:
            setattr(choice, name, values[name])
        changed_texts = translation_set(choice, language=settings.LANGUAGE_CODE, values=texts)
        if changed or changed_texts:
            choice.save()
        summary.record(key, created=False, changed=bool(changed or changed_texts))
    surplus = [c.pk for c in existing.values()]
    if surplus:
        if AttemptAnswer.objects.filter(wrong_choice_id__in=surplus).exists():
            _fail(
                path,
                f"question {question.code} has fewer choices than before, but attempts "
                "chose the removed ones: retire the question (give it a new code) instead",
            )
        Choice.objects.filter(pk__in=surplus).delete()
        summary.updated.append(f"{question.code}: {len(surplus)} choice(s) removed")


QUESTION_TEXTS = ("topic", "scenario", "prompt", "explanation")


def quiz_translation_load_file(
    *, english_path: Path, path: Path, quiz: Quiz, language: str, summary: LoadSummary
):
    """Load one quiz's translation file, aligned with its (already loaded) English file:
    same quiz code and module, same questions in the same order (code, kind), the same
    number of choices (`correct` copied) or segments (`kind`, `risky` copied)."""
    english = read_toml(english_path)
    reader = TranslationReader(path)
    meta = reader.table(english["quiz"], "quiz")
    reader.same(english["quiz"], meta, "[quiz]", "code", "module")
    translation_upsert(
        quiz,
        language=language,
        values=reader.texts(english["quiz"], meta, "[quiz]", "title", "intro"),
        summary=summary,
        key=quiz.code,
    )
    sources = english["questions"]
    items = reader.items(sources, reader.data.get("questions"), "[[questions]]", "questions")
    questions = {q.code: q for q in quiz.questions.filter(code__in=[s["code"] for s in sources])}
    choices_of = {}
    for choice in Choice.objects.filter(question__in=questions.values()).order_by("position"):
        choices_of.setdefault(choice.question_id, []).append(choice)
    for number, (source, item) in enumerate(zip(sources, items, strict=True), start=1):
        where = f"question {number} ({source['code']})"
        reader.same(source, item, where, "code", "kind", defaults={"kind": "single"})
        values = reader.texts(source, item, where, *QUESTION_TEXTS)
        post = source.get("post")
        if post is not None:
            translated_post = item.get("post")
            if not isinstance(translated_post, dict):
                reader.fail(where, "missing 'post' (the English has one)")
            reader.same(post, translated_post, f"{where} post", "platform")
            post_values = reader.texts(post, translated_post, f"{where} post", "text")
            values["post_text"] = post_values["text"]
            values["post_author"] = str(translated_post.get("author") or post.get("author", ""))
        else:
            values["post_text"] = values["post_author"] = ""
        question = questions[source["code"]]
        spot = source.get("kind") == Question.Kind.SPOT_RISK
        name = "segments" if spot else "choices"
        english_items = source.get(name) or []
        translated_items = reader.items(
            english_items, item.get(name), f"{where} [[questions.{name}]]", f"questions.{name}"
        )
        choices = choices_of.get(question.pk, [])
        if len(choices) != len(english_items):  # the English load guarantees it
            reader.fail(where, "the English question was not loaded")
        try:
            translation_upsert(
                question, language=language, values=values, summary=summary, key=question.code
            )
        except ValidationError as error:
            reader.fail(where, "; ".join(error.messages))
        for position, (choice, english_item, translated_item) in enumerate(
            zip(choices, english_items, translated_items, strict=True), start=1
        ):
            choice_where = f"{where} {name[:-1]} {position}"
            if spot:
                reader.same(english_item, translated_item, choice_where, "kind", "risky")
            else:
                reader.same(
                    english_item,
                    translated_item,
                    choice_where,
                    "correct",
                    defaults={"correct": False},
                )
            translation_upsert(
                choice,
                language=language,
                values=reader.texts(
                    english_item, translated_item, choice_where, "text", "feedback"
                ),
                summary=summary,
                key=f"{question.code}#{position}",
            )
