"""An unpublished course answers the same on its course page, a lesson and its quizzes:
a preview for authors (and superusers), 404 for everyone else."""

import pytest
from django.urls import reverse

from courses.tests.factories import course_with_lessons
from quizzes.tests.factories import quiz_with_questions


@pytest.fixture
def unpublished(db):
    course = course_with_lessons(modules=1, lessons=1, published=False)
    quiz = quiz_with_questions(questions=1, course=course)
    lesson = course.modules.order_by("position").first().lessons.get()
    return {
        "course": reverse("courses:course-detail", kwargs={"code": course.code}),
        "lesson": reverse(
            "courses:lesson-detail", kwargs={"code": course.code, "lesson_id": lesson.pk}
        ),
        "quiz": reverse("quizzes:quiz-detail", kwargs={"code": quiz.code}),
    }


@pytest.mark.parametrize(
    ("role", "expected"),
    [("author", 200), ("employee", 404), ("manager", 404), ("hr", 404), ("outsider", 404)],
)
def test_course_lesson_and_quiz_pages_agree(role, expected, personas, unpublished, client_for):
    client = client_for(personas[role])
    for page in ("course", "lesson", "quiz"):
        response = client.get(unpublished[page])
        assert response.status_code == expected, page
        if expected == 200:
            assert response.context["preview"] is True, page


def test_a_superuser_without_an_employee_profile_previews_both(unpublished, admin_client):
    for page in ("course", "quiz"):
        response = admin_client.get(unpublished[page])
        assert response.status_code == 200, page
        assert response.context["preview"] is True, page
