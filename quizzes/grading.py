"""Pure rules: what a valid set of choices is, and how a served question is graded.

No database access here: the loader, the admin forms and the services share these
rules, and grading reads the attempt's snapshot only, never the live content.
"""

import random
from dataclasses import dataclass

from django.utils.translation import gettext as _

SINGLE, MULTIPLE, TRUE_FALSE = "single", "multiple", "true_false"
SPOT_RISK = "spot_risk"
MIN_SEGMENTS = 3


def choice_set_errors(
    kind: str, correct_flags: list[bool], segment_kinds: list[str] | None = None
) -> list[str]:
    """Why these choices are not valid for a question of this kind ([] if they are).
    For a spot-the-risk item the choices are the post's segments, "correct" = risky."""
    errors = []
    correct = sum(1 for flag in correct_flags if flag)
    segment_kinds = segment_kinds or [""] * len(correct_flags)
    if kind == SPOT_RISK:
        if len(correct_flags) < MIN_SEGMENTS:
            errors.append(_("A spot-the-risk item needs at least three segments."))
        if correct < 1 or correct == len(correct_flags):
            errors.append(_("At least one segment must be risky and at least one safe."))
        if not all(segment_kinds):
            errors.append(_("Every segment of a spot-the-risk item needs a segment kind."))
        return errors
    if any(segment_kinds):
        errors.append(_("Only spot-the-risk items have segment kinds."))
    if len(correct_flags) < 2:
        errors.append(_("A question needs at least two choices."))
    if kind == TRUE_FALSE and len(correct_flags) != 2:
        errors.append(_("A true/false question has exactly two choices."))
    if kind in (SINGLE, TRUE_FALSE) and correct != 1:
        errors.append(_("Exactly one choice must be correct."))
    if kind == MULTIPLE and correct < 1:
        errors.append(_("At least one choice must be correct."))
    return errors


@dataclass(frozen=True)
class GradedQuestion:
    question_id: int
    chosen: list[int]
    is_correct: bool
    wrong_choice_id: int | None
    segments_right: int | None = None  # spot-the-risk items only


def grade_question(served_question: dict, chosen_ids: list[int]) -> GradedQuestion:
    """All-or-nothing: right when the chosen set is exactly the set of correct choices
    (one choice for single and true/false, every correct one and no other for multiple).
    Unanswered is wrong.

    A spot-the-risk item is graded segment by segment — a segment is judged right when
    it was selected if and only if it is risky — and counts as right when every
    segment is; its wrong choice is the first safe segment selected, else the first
    risky one missed."""
    choices = served_question["choices"]
    correct_ids = {c["id"] for c in choices if c["is_correct"]}
    chosen = [c["id"] for c in choices if c["id"] in set(chosen_ids)]  # served order
    wrong = next((cid for cid in chosen if cid not in correct_ids), None)
    segments_right = None
    if served_question["kind"] == SPOT_RISK:
        judged = segment_marks(served_question, chosen)
        segments_right = sum(1 for right in judged.values() if right)
        if wrong is None:
            wrong = next((cid for cid, right in judged.items() if not right), None)
    return GradedQuestion(
        question_id=served_question["id"],
        chosen=chosen,
        is_correct=bool(chosen) and set(chosen) == correct_ids,
        wrong_choice_id=wrong,
        segments_right=segments_right,
    )


def segment_marks(served_question: dict, chosen_ids) -> dict[int, bool]:
    """Spot the risk: for each segment (served order), whether the learner judged it
    right (selected a risky one, or left a safe one alone)."""
    chosen = set(chosen_ids)
    return {c["id"]: (c["id"] in chosen) == c["is_correct"] for c in served_question["choices"]}


def score_percent(correct: int, total: int) -> int:
    """Rounded down, so a displayed score at or above the pass mark always passes."""
    return (100 * correct) // total if total else 0


def is_pass(correct: int, total: int, pass_mark_percent: int) -> bool:
    return total > 0 and 100 * correct >= pass_mark_percent * total


def answer_errors(served_questions: list[dict], answers: dict[int, list[int]]) -> list[str]:
    """Refuse answers that name a question or a choice that was not served, that use a
    choice of another question, or that pick several choices for a one-answer question."""
    errors = []
    by_id = {q["id"]: q for q in served_questions}
    for question_id, chosen in answers.items():
        question = by_id.get(question_id)
        if question is None:
            errors.append(_("An answer names a question that was not served in this attempt."))
            continue
        served_ids = {c["id"] for c in question["choices"]}
        if any(choice_id not in served_ids for choice_id in chosen):
            errors.append(_("An answer names a choice that was not offered for that question."))
        if question["kind"] in (SINGLE, TRUE_FALSE) and len(set(chosen)) > 1:
            errors.append(_("Choose only one answer for a single-choice question."))
    return errors


def draw_balanced(pool: list, count: int, *, topic_of, rng=random) -> list:
    """Draw `count` items from `pool` at random so that every topic is represented:
    one item from each topic first (topics picked at random when there are more topics
    than places), then the remaining places from what is left, uniformly."""
    count = min(count, len(pool))
    groups: dict[str, list] = {}
    for item in pool:
        groups.setdefault(topic_of(item), []).append(item)
    topics = list(groups)
    rng.shuffle(topics)
    drawn = [rng.choice(groups[topic]) for topic in topics[:count]]
    taken = {id(item) for item in drawn}
    rest = [item for item in pool if id(item) not in taken]
    return drawn + rng.sample(rest, count - len(drawn))
