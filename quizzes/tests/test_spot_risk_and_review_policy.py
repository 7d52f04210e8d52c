"""The spot-the-risk item kind end to end (attempt page, grading, review, statistics,
admin, curriculum files) and the per-quiz review policy."""

import pytest
from django.urls import reverse

from people.tests.factories import EmployeeFactory
from quizzes.models import AttemptAnswer, Choice, ChoiceTranslation, Question, Quiz
from quizzes.services import attempt_start, attempt_submit
from quizzes.tests.factories import (
    answers_for,
    question_with_choices,
    quiz_with_questions,
    spot_risk_item,
)


def _detail(attempt):
    return reverse("quizzes:attempt-detail", kwargs={"pk": attempt.pk})


def _review(attempt):
    return reverse("quizzes:attempt-review", kwargs={"pk": attempt.pk})


def _segments(attempt):
    (served,) = [q for q in attempt.served_questions if q["kind"] == "spot_risk"]
    return served, served["choices"]


def test_attempt_page_shows_the_post_as_labelled_checkboxes_without_the_key(client_for, employee):
    quiz = quiz_with_questions(questions=0)
    item = spot_risk_item(quiz=quiz, count=4)
    attempt = attempt_start(employee=employee, quiz=quiz)
    content = client_for(employee).get(_detail(attempt)).content.decode()
    for choice in item.choices.all():
        assert (
            f'type="checkbox" name="q-{item.pk}" id="q{item.pk}-c{choice.pk}" value="{choice.pk}"'
            in content
        )
        assert f'for="q{item.pk}-c{choice.pk}"' in content
        assert choice.feedback not in content
    assert "Location tag" in content and "Hashtag" in content
    assert "Select every part that breaks our guidelines" in content


def test_spot_risk_answer_is_graded_per_segment_and_stored(employee):
    quiz = quiz_with_questions(questions=0, pass_mark_percent=100)
    spot_risk_item(quiz=quiz, risky=(1, 3), count=4)
    attempt = attempt_start(employee=employee, quiz=quiz)
    served, segments = _segments(attempt)
    result = attempt_submit(
        attempt=attempt, employee=employee, answers={served["id"]: [segments[1]["id"]]}
    )
    assert not result.attempt.passed and result.attempt.score_percent == 0
    answer = AttemptAnswer.objects.get(attempt=attempt)
    assert (answer.is_correct, answer.segments_right) == (False, 3)
    assert answer.wrong_choice_id == segments[3]["id"]  # the risky segment missed


def test_review_marks_every_segment_with_its_feedback(client_for, employee):
    quiz = quiz_with_questions(questions=0, max_attempts=0)
    item = spot_risk_item(quiz=quiz, risky=(1, 3), count=4)
    attempt = attempt_start(employee=employee, quiz=quiz)
    served, segments = _segments(attempt)
    attempt_submit(
        attempt=attempt,
        employee=employee,
        answers={served["id"]: [segments[0]["id"], segments[1]["id"]]},
    )
    response = client_for(employee).get(_review(attempt))
    content = response.content.decode()
    assert "You judged 2 of the 4 parts of the post right." in content
    for choice in item.choices.all():
        assert choice.feedback in content
    (row,) = response.context["rows"]
    assert [c["judged_right"] for c in row["choices"]] == [False, True, True, False]
    assert content.count("(judged wrong)") == 2


def test_the_snapshot_keeps_segments_after_the_item_is_edited(client_for, employee):
    quiz = quiz_with_questions(questions=0)
    item = spot_risk_item(quiz=quiz, count=3, risky=(0,))
    attempt = attempt_start(employee=employee, quiz=quiz)
    attempt_submit(attempt=attempt, employee=employee, answers=answers_for(attempt))
    ChoiceTranslation.objects.filter(master__question=item).update(
        text="Rewritten", feedback="New feedback"
    )
    content = client_for(employee).get(_review(attempt)).content.decode()
    assert f"Segment 1 of {item.code}" in content and "Rewritten" not in content


def test_statistics_count_spot_risk_items_and_the_most_misjudged_segment(client_for, author, org):
    quiz = quiz_with_questions(questions=0)
    item = spot_risk_item(quiz=quiz, risky=(1,), count=3)
    for pick in ([1], [0, 1], [0, 1]):
        employee = EmployeeFactory(department=org["north"])
        attempt = attempt_start(employee=employee, quiz=quiz)
        served, segments = _segments(attempt)
        chosen = [segments[i]["id"] for i in pick]
        attempt_submit(attempt=attempt, employee=employee, answers={served["id"]: chosen})
    response = client_for(author).get(reverse("quizzes:quiz-statistics", args=[quiz.code]))
    (row,) = response.context["rows"]
    assert (row["answered"], row["correct"]) == (3, 1)
    assert row["wrong_choice"].text == f"Segment 1 of {item.code}" and row["wrong_times"] == 2
    assert row["segments_total"] == 3 and round(row["segments_right"], 2) == 2.33
    assert "2.3 of 3 segments right on average" in response.content.decode()


def test_admin_authors_spot_risk_segments_and_refuses_bad_sets(client_for, author):
    author.user.is_staff = True
    author.user.save()
    client = client_for(author)
    item = spot_risk_item(quiz=quiz_with_questions(questions=0), count=3)
    Choice.objects.filter(question=item).delete()
    url = reverse("admin:quizzes_question_change", args=[item.pk])

    def post(rows):
        data = {
            "code": item.code,
            "quiz": item.quiz_id,
            "position": 1,
            "kind": "spot_risk",
            "prompt": item.prompt,
            "post_platform": "instagram",
            "post_author": "Sam",
            "is_active": "on",
            "choices-TOTAL_FORMS": str(len(rows)),
            "choices-INITIAL_FORMS": "0",
            "choices-MIN_NUM_FORMS": "0",
            "choices-MAX_NUM_FORMS": "1000",
        }
        for index, (segment_kind, risky) in enumerate(rows):
            data[f"choices-{index}-position"] = str(index + 1)
            data[f"choices-{index}-segment_kind"] = segment_kind
            data[f"choices-{index}-text"] = f"Part {index}"
            data[f"choices-{index}-feedback"] = "Because."
            if risky:
                data[f"choices-{index}-is_correct"] = "on"
        return client.post(url, data)

    response = post([("sentence", False), ("", True), ("location", False)])
    assert "Every segment of a spot-the-risk item needs a segment kind" in response.content.decode()
    response = post([("sentence", True), ("hashtag", True), ("location", True)])
    assert "At least one segment must be risky and at least one safe" in response.content.decode()
    response = post([("sentence", False), ("hashtag", True), ("location", False)])
    assert response.status_code == 302
    assert list(item.choices.values_list("segment_kind", "is_correct")) == [
        ("sentence", False),
        ("hashtag", True),
        ("location", False),
    ]


# --- Review policy ------------------------------------------------------------------------


@pytest.fixture
def exam(db):
    quiz = quiz_with_questions(
        questions=0,
        kind=Quiz.Kind.EXAM,
        max_attempts=2,
        pass_mark_percent=100,
        review_policy=Quiz.ReviewPolicy.WITHHOLD_KEY,
    )
    question_with_choices(quiz=quiz, count=3, correct=(0,))
    spot_risk_item(quiz=quiz, risky=(1,), count=3)
    return quiz


def _fail(employee, quiz):
    """Pick a wrong choice, and a safe segment besides the risky one."""
    attempt = attempt_start(employee=employee, quiz=quiz)
    answers = {}
    for served in attempt.served_questions:
        wrong = [c["id"] for c in served["choices"] if not c["is_correct"]]
        risky = [c["id"] for c in served["choices"] if c["is_correct"]]
        answers[served["id"]] = wrong[:1] + (risky if served["kind"] == "spot_risk" else [])
    attempt_submit(attempt=attempt, employee=employee, answers=answers)
    return attempt


def _unchosen_feedback(attempt):
    chosen = {a.position: set(a.chosen) for a in attempt.answers.all()}
    return [
        c["feedback"]
        for position, served in enumerate(attempt.served_questions)
        for c in served["choices"]
        if c["id"] not in chosen[position]
    ]


def test_failed_exam_review_shows_what_was_wrong_but_not_the_key(client_for, employee, exam):
    attempt = _fail(employee, exam)
    response = client_for(employee).get(_review(attempt))
    content = response.content.decode()
    assert response.context["show_key"] is False
    assert 'id="key-withheld"' in content
    assert "Right answer" not in content and "Drafts stay internal" not in content  # explanation
    assert content.count("Incorrect") == 2
    for feedback in _unchosen_feedback(attempt):
        assert feedback not in content
    for position, served in enumerate(attempt.served_questions):
        for choice in served["choices"]:
            if choice["id"] in attempt.answers.get(position=position).chosen:
                assert choice["feedback"] in content
    for row in response.context["rows"]:
        for choice in row["choices"]:
            assert ("is_correct" in choice) is choice["chosen"]


def test_the_key_is_shown_once_out_of_attempts(client_for, employee, exam):
    first = _fail(employee, exam)
    _fail(employee, exam)
    response = client_for(employee).get(_review(first))
    assert response.context["show_key"] is True
    content = response.content.decode()
    assert "Right answer" in content and "Drafts stay internal" in content
    for feedback in _unchosen_feedback(first):
        assert feedback in content


def test_the_key_is_shown_once_passed(client_for, employee, exam):
    failed = _fail(employee, exam)
    passed = attempt_start(employee=employee, quiz=exam)
    result = attempt_submit(attempt=passed, employee=employee, answers=answers_for(passed))
    assert result.attempt.passed
    for attempt in (failed, passed):
        assert client_for(employee).get(_review(attempt)).context["show_key"] is True


def test_full_policy_shows_the_key_after_a_failed_attempt(client_for, employee, exam):
    Quiz.objects.filter(pk=exam.pk).update(review_policy=Quiz.ReviewPolicy.FULL)
    attempt = _fail(employee, exam)
    response = client_for(employee).get(_review(attempt))
    assert response.context["show_key"] is True
    assert "Right answer" in response.content.decode()


def test_question_kind_label_is_available_to_authors():
    assert Question.Kind.SPOT_RISK.label.startswith("Spot the risk")
