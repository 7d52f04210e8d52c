"""Content in several languages: what a reader sees, the fallback mark, the admin's
completeness column, and the language an attempt records."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from courses.curriculum import curriculum_load
from courses.models import Course, Lesson
from courses.tests.test_curriculum_translations import write_course
from quizzes.models import Attempt, AttemptAnswer, ChoiceTranslation, Quiz
from quizzes.services import attempt_start, attempt_submit
from quizzes.tests.factories import answers_for


@pytest.fixture
def course_fr(db, tmp_path):
    write_course(tmp_path)
    curriculum_load(root=tmp_path)
    return Course.objects.get(code="TR1")


@pytest.fixture
def course_en_only(db, tmp_path):
    write_course(tmp_path, french=None)
    curriculum_load(root=tmp_path)
    return Course.objects.get(code="TR1")


def french(employee):
    employee.locale = "fr"
    employee.save(update_fields=["locale"])
    return employee


def lesson_page(client, code="TR1-M1-L1"):
    lesson = Lesson.objects.get(code=code)
    url = reverse("courses:lesson-detail", kwargs={"code": "TR1", "lesson_id": lesson.pk})
    return client.get(url).content.decode()


def test_a_french_employee_reads_the_french_lesson_without_the_mark(
    client_for, employee, course_fr
):
    page = lesson_page(client_for(french(employee)))
    assert '<h1 id="lesson-title" class="h2" lang="fr">Pourquoi c&#x27;est important</h1>' in page
    assert "Demandez à l’équipe Réseaux sociaux" in page  # placeholder filled at display
    assert 'class="untranslated' not in page


def test_an_english_employee_sees_no_change(client_for, employee, course_fr):
    page = lesson_page(client_for(employee))
    assert '<h1 id="lesson-title" class="h2" lang="en">Why it matters</h1>' in page
    assert "Demandez" not in page and 'class="untranslated' not in page


def test_untranslated_content_falls_back_to_english_with_a_visible_mark(
    client_for, employee, course_en_only
):
    client = client_for(french(employee))
    page = lesson_page(client)
    # English text, marked as English for screen readers, with a text badge beside it.
    assert '<h1 id="lesson-title" class="h2" lang="en">Why it matters</h1>' in page
    assert 'class="untranslated' in page and 'bi-translate" aria-hidden="true"' in page
    course_page = client.get(reverse("courses:course-detail", kwargs={"code": "TR1"}))
    assert 'class="untranslated' in course_page.content.decode()
    quiz_page = client.get(reverse("quizzes:quiz-detail", kwargs={"code": "TR1-CHECK"}))
    assert 'class="untranslated' in quiz_page.content.decode()


def test_an_attempt_records_the_language_it_was_served_in(employee, course_fr):
    quiz = Quiz.objects.get()
    with translation.override("fr"):
        attempt = attempt_start(employee=employee, quiz=quiz)
    assert attempt.language == attempt.served["language"] == "fr"
    texts = {c["text"] for q in attempt.served_questions for c in q["choices"]}
    assert {"Le garder en interne", "Vrai", "Faux", "Une photo de mon badge."} <= texts
    # The snapshot keeps the French even when the attempt is later read in English.
    with translation.override("en"):
        attempt_submit(attempt=attempt, employee=employee, answers=answers_for(attempt))
    attempt.refresh_from_db()
    assert attempt.passed and attempt.score_percent == 100


def test_grading_and_statistics_do_not_depend_on_the_language(employee, manager, course_fr):
    quiz = Quiz.objects.get()
    results = []
    for person, language in ((employee, "fr"), (manager, "en")):
        with translation.override(language):
            attempt = attempt_start(employee=person, quiz=quiz)
        attempt_submit(attempt=attempt, employee=person, answers=answers_for(attempt, right=2))
        attempt.refresh_from_db()
        results.append((attempt.language, attempt.score_percent))
    assert results == [("fr", 66), ("en", 66)]
    # The same question and choice rows are recorded, whatever the language served.
    wrong = AttemptAnswer.objects.filter(is_correct=False).values_list(
        "question__code", "wrong_choice_id"
    )
    assert len(set(wrong)) == 1


def test_a_quiz_without_french_is_served_and_recorded_in_english(employee, course_en_only):
    with translation.override("fr"):
        attempt = attempt_start(employee=employee, quiz=Quiz.objects.get())
    assert attempt.language == "en"
    assert Attempt.objects.get().served["quiz"]["title"] == "Check: the basics"


def test_the_admin_shows_each_courses_translation_completeness(client_for, author, tmp_path, db):
    author.user.is_staff = True
    author.user.save(update_fields=["is_staff"])
    # TR1 complete in French; a second course with only its course.toml translated.
    write_course(tmp_path)
    other = tmp_path / "tr2"
    (other / "modules").mkdir(parents=True)
    (other / "translations/fr/modules").mkdir(parents=True)
    (other / "course.toml").write_text('[course]\ncode = "TR2"\ntitle = "Second"\n')
    (other / "translations/fr/course.toml").write_text('[course]\ncode = "TR2"\ntitle = "Deux"\n')
    curriculum_load(root=tmp_path)
    FR = dict(settings.LANGUAGES)["fr"]  # noqa: N806 - the language's name, as the admin says it
    page = client_for(author).get(reverse("admin:courses_course_changelist")).content.decode()
    assert f"{FR}: 100 % (16/16)" in page  # course, module, 2 lessons, quiz, 3 + 8
    assert f"{FR}: 100 % (1/1)" in page
    # Removing one French choice row shows in the column.
    ChoiceTranslation.objects.filter(language_code="fr").first().delete()
    page = client_for(author).get(reverse("admin:courses_course_changelist")).content.decode()
    assert f"{FR}: 93 % (15/16)" in page
    course = Course.objects.get(code="TR1")
    change = client_for(author).get(reverse("admin:courses_course_change", args=[course.pk]))
    assert f"{FR}: 93 % (15/16)" in change.content.decode()
