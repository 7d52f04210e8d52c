"""The author's admin in a real browser, at laptop and phone width: the course form fits
the window with labelled inline inputs, the lesson Markdown has a live side-by-side
preview through the lesson page's sanitising renderer, and axe finds nothing serious."""

import pytest

from ambassador.tests.browser import assert_accessible, screenshot, sign_in
from courses.models import Lesson
from courses.tests.factories import course_with_lessons

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct-horse-battery"


@pytest.fixture
def staff_author(author):
    author.user.is_staff = True
    author.user.save(update_fields=["is_staff"])
    return author


def test_the_author_edits_a_course_and_previews_a_lesson(sized_page, staff_author):
    page = sized_page
    width = page.viewport_size["width"]
    course = course_with_lessons(modules=6, lessons=1)
    lesson = Lesson.objects.filter(module__course=course).first()
    sign_in(page, staff_author.user.email, PASSWORD)
    page.get_by_role("heading", name="My training", level=1).wait_for()

    page.goto(f"/admin/courses/course/{course.pk}/change/")
    page.get_by_role("heading", name="Change course").wait_for()
    assert page.locator('link[rel="icon"]').count() == 1
    # Every module input is named for screen readers, and the form fits the window.
    assert page.get_by_label("Title").count() >= 6
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page)
    screenshot(page, "admin-course")

    page.goto(f"/admin/courses/lesson/{lesson.pk}/change/")
    body = page.get_by_label("Body (Markdown)")
    preview = page.get_by_role("region", name="Preview (as employees will see it)")
    assert preview.is_visible()
    body.fill(
        "## Before you post\n\n| Who | What |\n|---|---|\n| HR | hiring |\n\n<script>x()</script>"
    )
    preview.get_by_role("heading", name="Before you post", level=2).wait_for()
    preview.get_by_role("cell", name="hiring").wait_for()
    assert preview.locator("script").count() == 0  # the same sanitiser as the lesson page
    if width >= 1100:  # side by side: the preview starts to the right of the text
        assert (
            preview.bounding_box()["x"]
            > body.bounding_box()["x"] + body.bounding_box()["width"] - 1
        )
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page)
    screenshot(page, "admin-lesson-preview")


def test_hr_admin_pages_have_no_serious_axe_findings(sized_page, hr, org):
    page = sized_page
    hr.user.is_staff = True
    hr.user.save(update_fields=["is_staff"])
    org["sales"].managers.add(hr.user)
    sign_in(page, hr.user.email, PASSWORD)
    page.get_by_role("heading", name="My training", level=1).wait_for()
    for path in (
        "/admin/",
        "/admin/people/department/",
        f"/admin/people/department/{org['sales'].pk}/change/",
        f"/admin/people/employee/{hr.pk}/change/",
        "/admin/certificates/certificate/",
    ):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
        assert_accessible(page)
