from django.urls import reverse

from quizzes.models import Choice, Question
from quizzes.tests.factories import question_with_choices, quiz_with_questions


def _choice_formset(question, rows):
    data = {
        "code": question.code,
        "quiz": question.quiz_id,
        "position": 1,
        "kind": question.kind,
        "prompt": question.prompt,
        "is_active": "on",
        "choices-TOTAL_FORMS": str(len(rows)),
        "choices-INITIAL_FORMS": "0",
        "choices-MIN_NUM_FORMS": "0",
        "choices-MAX_NUM_FORMS": "1000",
    }
    for index, (text, correct) in enumerate(rows):
        data[f"choices-{index}-position"] = str(index + 1)
        data[f"choices-{index}-text"] = text
        data[f"choices-{index}-feedback"] = "Because."
        if correct:
            data[f"choices-{index}-is_correct"] = "on"
    return data


def _post(client, question, rows):
    Choice.objects.filter(question=question).delete()
    url = reverse("admin:quizzes_question_change", args=[question.pk])
    return client.post(url, _choice_formset(question, rows))


def test_admin_refuses_choice_sets_that_do_not_fit_the_kind(client_for, author):
    author.user.is_staff = True
    author.user.save()
    client = client_for(author)
    quiz = quiz_with_questions(questions=0)
    single = question_with_choices(quiz=quiz, kind=Question.Kind.SINGLE)
    response = _post(client, single, [("A", True), ("B", True), ("C", False)])
    assert response.status_code == 200
    assert "Exactly one choice must be correct" in response.content.decode()
    response = _post(client, single, [("A", True), ("B", False), ("C", False)])
    assert response.status_code == 302

    multiple = question_with_choices(quiz=quiz, kind=Question.Kind.MULTIPLE, correct=(0, 1))
    response = _post(client, multiple, [("A", False), ("B", False), ("C", False)])
    assert "At least one choice must be correct" in response.content.decode()

    true_false = question_with_choices(quiz=quiz, kind=Question.Kind.TRUE_FALSE)
    response = _post(client, true_false, [("True", True), ("False", False), ("Maybe", False)])
    assert "exactly two choices" in response.content.decode()


def test_quiz_admin_links_to_the_statistics(client_for, author):
    author.user.is_staff = True
    author.user.save()
    quiz = quiz_with_questions(questions=1)
    client = client_for(author)
    statistics = reverse("quizzes:quiz-statistics", kwargs={"code": quiz.code})
    change = client.get(reverse("admin:quizzes_quiz_change", args=[quiz.pk]))
    assert statistics in change.content.decode()
    assert statistics in client.get(reverse("admin:quizzes_quiz_changelist")).content.decode()
