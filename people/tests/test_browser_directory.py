"""The People directory at laptop and phone width: every column readable without
side-scrolling, and pagination that reads as text with links."""

import pytest
from django.core.management import call_command

from ambassador.tests.browser import assert_accessible, screenshot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", employees=60, allow_without_debug=True, verbosity=0)


def test_hr_reads_every_column_of_the_directory_at_any_width(demo, sized_page):
    from people.models import Employee

    page = sized_page
    width = page.viewport_size["width"]
    sign_in(page, "hr@example.com", "ambassador-demo")
    page.goto("/people/?q=employee%40example.com")
    page.get_by_role("heading", name="People", level=1).wait_for()
    person = Employee.objects.select_related("department", "line_manager__user").get(
        user__email="employee@example.com"
    )
    row = page.get_by_role("row").filter(has_text="employee@example.com")
    for text in (
        person.employee_number,
        person.department.name,
        person.job_title,
        person.line_manager.user.get_full_name(),
    ):
        cell = row.get_by_text(text, exact=True)
        assert cell.is_visible(), text
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (text, box)
    if width < 768:
        # A card: each value says which column it is.
        assert row.locator('[data-label="Department"]').is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page)

    page.goto("/people/")
    pager = page.get_by_role("navigation", name="Pages")
    position = pager.get_by_text("Page 1 of 3")
    assert position.is_visible()
    # The position is text: no link, no button, no box around it.
    assert [t.strip() for t in pager.get_by_role("link").all_text_contents()] == ["Next page"]
    style = position.evaluate(
        "el => [getComputedStyle(el).borderTopStyle, getComputedStyle(el).backgroundColor]"
    )
    assert style == ["none", "rgba(0, 0, 0, 0)"], style
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page)
    screenshot(page, "people-directory")
    pager.get_by_role("link", name="Next page").click()
    page.get_by_role("navigation", name="Pages").get_by_text("Page 2 of 3").wait_for()
