"""The lesson player at laptop and phone width: the course outline beside the lesson
(collapsed on a phone), readable headings and tables, completion by keyboard alone with
the focus on the result, and one figure for the time a course takes."""

import pytest
from django.core.management import call_command

from ambassador.tests.browser import assert_accessible, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", employees=40, allow_without_debug=True, verbosity=0)
    call_command("load_curriculum", verbosity=0)


def _no_side_scrolling(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


def test_my_training_and_the_course_page_give_the_same_time(demo, sized_page):
    from courses.models import Course

    page = sized_page
    course = Course.objects.get(code="SM101")
    sign_in(page, "employee@example.com", "ambassador-demo")
    page.get_by_role("heading", name="My training", level=1).wait_for()
    entry = page.get_by_role("listitem").filter(
        has=page.get_by_role("link", name=course.title, exact=True)
    )
    assert f"{course.estimated_minutes} minutes" in entry.text_content()
    screenshot(page, "my-training")
    entry.get_by_role("link", name=course.title, exact=True).click()
    page.get_by_role("heading", name=course.title, level=1).wait_for()
    page.get_by_text(f"About {course.estimated_minutes} minutes left").wait_for()
    _no_side_scrolling(page)
    assert_accessible(page)
    screenshot(page, "course")


def test_a_learner_completes_a_lesson_with_the_keyboard_and_the_outline_follows(demo, sized_page):
    from courses.models import Lesson

    page = sized_page
    phone = page.viewport_size["width"] < 992
    lesson = Lesson.objects.get(code="OFFICIAL-M1-L1")  # has sub-headings and a table
    sign_in(page, "employee@example.com", "ambassador-demo")
    page.get_by_role("heading", name="My training", level=1).wait_for()
    page.goto(f"/courses/OFFICIAL/lessons/{lesson.pk}/")
    title = page.get_by_role("heading", name=lesson.title, level=1)
    title.wait_for()
    outline = page.get_by_role("navigation", name="Course outline")
    current = outline.locator('[aria-current="page"]')
    toggle = outline.get_by_role("button", name="Course outline")
    if phone:
        # Collapsed behind a button, so the lesson is on the first screen.
        assert not current.is_visible()
        assert toggle.get_attribute("aria-expanded") == "false"
        toggle.click()
        current.wait_for()
        assert toggle.get_attribute("aria-expanded") == "true"
    else:
        assert not toggle.is_visible()
        beside = outline.bounding_box()
        assert beside["x"] + beside["width"] <= title.bounding_box()["x"]
    assert current.text_content().strip() == lesson.title
    assert outline.get_by_text("Course check").first.is_visible()  # checks are listed too

    # Sub-headings are smaller than the title; lesson tables have cell borders and room.
    sizes = page.evaluate(
        """() => ['h1', '.lesson-body h2'].map(
             (s) => parseFloat(getComputedStyle(document.querySelector(s)).fontSize))"""
    )
    assert sizes[1] < sizes[0], sizes
    cell = page.evaluate(
        """() => { const td = getComputedStyle(document.querySelector('.lesson-body td'));
                   return [td.borderTopStyle, parseFloat(td.paddingLeft)]; }"""
    )
    assert cell[0] == "solid" and cell[1] >= 8, cell
    _no_side_scrolling(page)
    assert_accessible(page)
    screenshot(page, "lesson")

    # Keyboard only: Tab to "Mark as complete", press Enter.
    page.evaluate("document.activeElement && document.activeElement.blur()")
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Mark as complete":
            break
    else:
        pytest.fail("Tab never reached “Mark as complete”")
    page.keyboard.press("Enter")
    page.get_by_text("You have completed this lesson.").wait_for()
    # The focus moves to the result, so a screen reader announces it and Tab goes on from it.
    page.wait_for_function("document.activeElement.getAttribute('role') === 'status'")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "You have completed this lesson."
    if phone and toggle.get_attribute("aria-expanded") == "false":
        toggle.click()  # the outline was refreshed in place; open it again if it closed
    done = outline.locator('[aria-current="page"]')
    assert "(done)" in done.text_content()
    assert_accessible(page)
