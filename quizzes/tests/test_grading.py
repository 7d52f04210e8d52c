from quizzes.grading import answer_errors, choice_set_errors, grade_question, is_pass, score_percent


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
