"""Pure rules: what a valid set of choices is, and how a served question is graded.

No database access here: the loader, the admin forms and the services share these
rules, and grading reads the attempt's snapshot only, never the live content.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

SINGLE, MULTIPLE, TRUE_FALSE = "single", "multiple", "true_false"


def choice_set_errors(kind: str, correct_flags: list[bool]) -> list[str]:
    """Why these choices are not valid for a question of this kind ([] if they are)."""
    errors = []
    correct = sum(1 for flag in correct_flags if flag)
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


def grade_question(served_question: dict, chosen_ids: list[int]) -> GradedQuestion:
    """All-or-nothing: right when the chosen set is exactly the set of correct choices
    (one choice for single and true/false, every correct one and no other for multiple).
    Unanswered is wrong."""
    choices = served_question["choices"]
    correct_ids = {c["id"] for c in choices if c["is_correct"]}
    chosen = [c["id"] for c in choices if c["id"] in set(chosen_ids)]  # served order
    wrong = next((cid for cid in chosen if cid not in correct_ids), None)
    return GradedQuestion(
        question_id=served_question["id"],
        chosen=chosen,
        is_correct=bool(chosen) and set(chosen) == correct_ids,
        wrong_choice_id=wrong,
    )


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
