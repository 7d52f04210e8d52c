from quizzes.grading import (
    answer_errors,
    choice_set_errors,
    draw_balanced,
    grade_question,
    is_pass,
    score_percent,
)


def served(kind, correct_flags, qid=1):
    return {
        "id": qid,
        "kind": kind,
        "choices": [
            {"id": qid * 10 + i, "is_correct": flag, "text": "", "feedback": ""}
            for i, flag in enumerate(correct_flags)
        ],
    }


def test_single_choice_is_right_only_with_the_correct_choice():
    question = served("single", [False, True, False])
    assert grade_question(question, [11]).is_correct
    wrong = grade_question(question, [10])
    assert not wrong.is_correct
    assert wrong.wrong_choice_id == 10
    assert not grade_question(question, []).is_correct  # unanswered is wrong


def test_true_false_is_graded_like_single():
    question = served("true_false", [True, False])
    assert grade_question(question, [10]).is_correct
    assert not grade_question(question, [11]).is_correct


def test_multiple_is_all_or_nothing():
    question = served("multiple", [True, True, False, False])
    assert grade_question(question, [10, 11]).is_correct
    assert not grade_question(question, [10]).is_correct  # one right choice missing
    extra = grade_question(question, [10, 11, 12])  # one wrong choice too many
    assert not extra.is_correct
    assert extra.wrong_choice_id == 12


def test_score_is_rounded_down_and_pass_is_exact():
    assert score_percent(2, 3) == 66
    assert not is_pass(2, 3, 67)
    assert is_pass(3, 4, 75)
    assert not is_pass(0, 0, 1)


def test_choice_set_rules_per_kind():
    assert choice_set_errors("single", [True, False, False]) == []
    assert choice_set_errors("single", [True, True, False])
    assert choice_set_errors("single", [False, False])
    assert choice_set_errors("multiple", [True, False, True]) == []
    assert choice_set_errors("multiple", [True, False]) == []
    assert choice_set_errors("multiple", [False, False, False])
    assert choice_set_errors("true_false", [True, False]) == []
    assert choice_set_errors("true_false", [True, False, False])


def test_answers_naming_unserved_or_foreign_choices_are_refused():
    questions = [served("single", [True, False], qid=1), served("multiple", [True, True], qid=2)]
    assert answer_errors(questions, {1: [10], 2: [20, 21]}) == []
    assert answer_errors(questions, {1: [99]})  # not served
    assert answer_errors(questions, {1: [20]})  # another question's choice
    assert answer_errors(questions, {1: [10, 11]})  # two choices for a single
    assert answer_errors(questions, {3: [10]})  # a question that was not served


def test_spot_the_risk_is_graded_segment_by_segment():
    question = served("spot_risk", [False, True, False, True])
    right = grade_question(question, [11, 13])
    assert right.is_correct and right.segments_right == 4 and right.wrong_choice_id is None
    missed = grade_question(question, [11])
    assert not missed.is_correct and missed.segments_right == 3
    assert missed.wrong_choice_id == 13  # the risky segment left unselected
    over = grade_question(question, [10, 11, 13])
    assert not over.is_correct and over.segments_right == 3
    assert over.wrong_choice_id == 10  # a safe segment selected comes first
    assert grade_question(question, []).segments_right == 2


def test_spot_the_risk_needs_segments_that_are_neither_all_risky_nor_all_safe():
    kinds = ["sentence", "hashtag", "location"]
    assert choice_set_errors("spot_risk", [False, True, False], kinds) == []
    assert choice_set_errors("spot_risk", [True, True, True], kinds)
    assert choice_set_errors("spot_risk", [False, False, False], kinds)
    assert choice_set_errors("spot_risk", [False, True], kinds[:2])
    assert choice_set_errors("spot_risk", [False, True, False], ["sentence", "", "location"])
    assert choice_set_errors("single", [True, False], ["sentence", ""])


def test_balanced_draw_takes_one_of_each_topic_then_fills_at_random():
    import random

    pool = [("a", n) for n in range(10)] + [("b", 0), ("c", 0)]
    rng = random.Random(7)
    for _ in range(50):
        drawn = draw_balanced(pool, 4, topic_of=lambda item: item[0], rng=rng)
        assert len(drawn) == 4 == len(set(drawn))
        assert {topic for topic, _ in drawn} == {"a", "b", "c"}
    # More topics than places: each place a different topic.
    drawn = draw_balanced(pool, 2, topic_of=lambda item: item[0], rng=rng)
    assert len({topic for topic, _ in drawn}) == 2
    assert len(draw_balanced(pool, 99, topic_of=lambda item: item[0], rng=rng)) == 12
