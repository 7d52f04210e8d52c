"""The lesson player leads from a module's last lesson to the module's quiz."""

from django.urls import reverse

from courses.tests.factories import LessonFactory
from quizzes.tests.factories import quiz_with_questions


def test_next_after_a_modules_last_lesson_is_its_quiz(client_for, employee):
    quiz = quiz_with_questions(questions=2)
    lesson = LessonFactory(module=quiz.module)
    url = reverse(
        "courses:lesson-detail", kwargs={"code": quiz.module.course.code, "lesson_id": lesson.pk}
    )
    client = client_for(employee)
    content = client.get(url).content.decode()
    assert f"Next: {quiz.title}" in content
    assert quiz.get_absolute_url() in content
    complete = reverse(
        "courses:lesson-complete", kwargs={"code": quiz.module.course.code, "lesson_id": lesson.pk}
    )
    response = client.post(complete)
    assert response.status_code == 302 and response.url == quiz.get_absolute_url()
