"""A French employee, in a browser set to French, signs in, takes a lesson and a quiz in
French and reads French feedback; axe-core checks every page (the `lang` attribute
included: `html-has-lang`, `html-lang-valid`, `valid-lang`)."""

import pytest
from django.utils import translation
from django.utils.translation import gettext

from ambassador.tests.browser import assert_accessible
from courses.curriculum import curriculum_load
from courses.models import Lesson
from courses.tests.test_curriculum_translations import write_course
from people.tests.factories import DepartmentFactory, EmployeeFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"


def french(msgid: str) -> str:
    with translation.override("fr"):
        text = gettext(msgid)
    assert text != msgid, f"not translated in the French catalogue: {msgid!r}"
    return text


@pytest.fixture
def learner(transactional_db, tmp_path):
    write_course(tmp_path)
    curriculum_load(root=tmp_path)
    return EmployeeFactory(
        user=UserFactory(email="lea@example.com", first_name="Léa", last_name="Martin"),
        department=DepartmentFactory(),
        locale="fr",
    )


@pytest.fixture
def french_page(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="fr-FR", reduced_motion="reduce")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def lang_of(page) -> str:
    return page.locator("html").get_attribute("lang")


def test_a_french_employee_takes_a_lesson_and_a_quiz_in_french(learner, french_page):
    page = french_page
    # Signed out, the browser's language (fr-FR) chooses French.
    page.goto("/accounts/login/")
    assert lang_of(page) == "fr"
    page.get_by_role("heading", name=french("Sign in"), level=1).wait_for()
    assert_accessible(page)
    page.locator("input[name=login]").fill("lea@example.com")
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name=french("Sign in"), exact=True).click()
    page.get_by_role("heading", name=french("My training"), level=1).wait_for()
    assert lang_of(page) == "fr"
    assert_accessible(page)

    lesson = Lesson.objects.get(code="TR1-M1-L1")
    page.goto(f"/courses/TR1/lessons/{lesson.pk}/")
    page.get_by_role("heading", name="Pourquoi c'est important", level=1).wait_for()
    assert page.get_by_text("Demandez à l’équipe Réseaux sociaux avant de publier.").is_visible()
    assert page.locator(".untranslated").count() == 0
    assert_accessible(page)
    page.get_by_role("button", name=french("Mark as complete")).click()

    page.goto("/quizzes/TR1-CHECK/")
    page.get_by_role("heading", name="Vérification : les bases", level=1).wait_for()
    assert_accessible(page)
    page.get_by_role("button", name=french("Start the quiz")).click()
    page.get_by_role("button", name=french("Submit my answers")).wait_for()
    assert page.get_by_text("Grande nouvelle bientôt !").is_visible()  # the mock post
    assert_accessible(page)
    page.get_by_label("Publier un teaser", exact=True).check()  # wrong
    page.get_by_label("Faux", exact=True).check()  # right
    page.get_by_label("Une photo de mon badge.").check()  # the risky segment
    page.get_by_role("button", name=french("Submit my answers")).click()

    # The review, in French: the score and the feedback on the wrong choice.
    page.get_by_text("Non : c'est une divulgation.", exact=True).wait_for()
    assert page.get_by_text("Un badge peut être copié.", exact=True).is_visible()
    assert lang_of(page) == "fr"
    assert_accessible(page)
    from quizzes.models import Attempt

    attempt = Attempt.objects.get()
    assert (attempt.language, attempt.score_percent, attempt.passed) == ("fr", 66, True)
