from django.urls import reverse

from people.tests.factories import EmployeeFactory
from quizzes.models import Question, QuestionTranslation
from quizzes.services import attempt_start, attempt_submit
from quizzes.tests.factories import answers_for, quiz_with_questions
from reports.selectors import MIN_GROUP

URL = reverse("reports:weakest-topics")


def answer(employee, quiz, right):
    attempt = attempt_start(employee=employee, quiz=quiz)
    attempt_submit(attempt=attempt, employee=employee, answers=answers_for(attempt, right=right))


def make_quiz():
    quiz = quiz_with_questions(questions=2, shuffle_choices=False)
    first, second = Question.objects.filter(quiz=quiz).order_by("position")
    QuestionTranslation.objects.filter(master=second).update(topic="Disclosure")
    return quiz


def test_small_groups_are_hidden(personas, org, client_for):
    quiz = make_quiz()
    for _ in range(MIN_GROUP - 1):
        answer(EmployeeFactory(department=org["north"]), quiz, right=0)
    response = client_for(personas["manager"]).get(URL, {"course": quiz.module.course_id})
    result = response.context["result"]
    assert result.questions == [] and result.topics == []
    assert result.hidden == 2
    assert "fewer than 5 people answered" in response.content.decode()


def test_questions_answered_wrongly_most_often_with_wrong_choice_shares(personas, org, client_for):
    quiz = make_quiz()
    people = [EmployeeFactory(department=org["north"]) for _ in range(MIN_GROUP + 1)]
    for person in people[:3]:
        answer(person, quiz, right=0)  # both questions wrong (first wrong choice)
    for person in people[3:]:
        answer(person, quiz, right=1)  # first right, second wrong
    for _ in range(MIN_GROUP):  # outside the manager's scope: never counted
        answer(EmployeeFactory(department=org["finance"]), quiz, right=None)
    response = client_for(personas["manager"]).get(URL, {"course": quiz.module.course_id})
    result = response.context["result"]
    first, second = result.questions
    assert (second.wrong, second.answers) == (3, 6)
    assert (first.wrong, first.answers, first.wrong_percent) == (6, 6, 100)
    assert first.topic == "Disclosure"
    assert [(c.count, c.percent) for c in first.wrong_choices] == [(6, 100)]
    assert [(t.topic, t.wrong, t.answers) for t in result.topics] == [
        ("Disclosure", 6, 6),
        ("Confidentiality", 3, 6),
    ]


def test_out_of_scope_department_is_a_404(personas, org, client_for):
    quiz = make_quiz()
    response = client_for(personas["manager"]).get(
        URL, {"course": quiz.module.course_id, "department": org["finance"].pk}
    )
    assert response.status_code == 404


def test_query_count_does_not_grow_with_people(personas, org, client_for):
    """The page makes as many queries for 6 people's answers as for 12."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    quiz = make_quiz()
    client = client_for(personas["manager"])
    counts, answered = [], 0
    for people in (MIN_GROUP + 1, 2 * (MIN_GROUP + 1)):
        while answered < people:
            answer(EmployeeFactory(department=org["north"]), quiz, right=0)
            answered += 1
        with CaptureQueriesContext(connection) as captured:
            response = client.get(URL, {"course": quiz.module.course_id})
        assert [q.people for q in response.context["result"].questions] == [people, people]
        counts.append(len(captured))
    assert counts[0] == counts[1]
