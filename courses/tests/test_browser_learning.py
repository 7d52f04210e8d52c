"""The demo employee learns in a real browser: My training, a lesson, the guidelines."""

import pytest
from django.core.management import call_command

from ambassador.tests.browser import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", employees=40, allow_without_debug=True, verbosity=0)
    call_command("load_curriculum", verbosity=0)


def test_employee_reads_a_lesson_completes_it_and_accepts_the_guidelines(demo, page):
    from courses.models import Lesson

    sign_in(page, "employee@example.com", "ambassador-demo")
    page.get_by_role("heading", name="My training").wait_for()
    assert_accessible(page)

    page.get_by_role("link", name="Social Media 101").first.click()
    page.get_by_role("heading", name="Social Media 101", level=1).wait_for()
    assert page.get_by_text("0% complete").is_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Start the course").click()
    first = Lesson.objects.get(code="SM101-M1-L1")
    page.get_by_role("heading", name=first.title, level=1).wait_for()
    assert_accessible(page)
    page.get_by_role("button", name="Mark as complete").click()  # htmx, no page load
    page.get_by_text("You have completed this lesson.").wait_for()
    from courses.models import Enrollment

    enrollment = Enrollment.objects.get(employee__user__email="employee@example.com")
    assert enrollment.progress_percent > 0
    page.get_by_text(f"{enrollment.progress_percent}% complete").wait_for()
    bar = page.get_by_role("progressbar")
    assert bar.get_attribute("aria-valuenow") == str(enrollment.progress_percent)

    guidelines = Lesson.objects.get(code="SM101-M8-L2")
    page.goto(f"/courses/SM101/lessons/{guidelines.pk}/")
    page.get_by_role("heading", name=guidelines.title, level=1).wait_for()
    assert_accessible(page)
    page.get_by_label(guidelines.acknowledgement).check()
    page.get_by_role("button", name="I accept").click()
    page.get_by_text("You accepted this text on").wait_for()
    assert_accessible(page)

    enrollment.refresh_from_db()
    page.goto("/courses/SM101/")
    page.get_by_role("link", name="Continue where you left off").wait_for()
    assert page.get_by_text(f"{enrollment.progress_percent}% complete").is_visible()
    assert enrollment.completions.count() == 2
