"""The main navigation in a real browser: one line on a laptop, a menu button on a phone,
keyboard focus that can be seen on the brand colour."""

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from ambassador.tests.browser import assert_accessible, screenshot, sign_in
from people.roles import AUTHORS_GROUP

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "ambassador-demo"

# The contrast ratio (WCAG) between two computed CSS colours "rgb(r, g, b)".
CONTRAST = """([a, b]) => {
  const lum = (css) => {
    const [r, g, bl] = css.match(/[0-9.]+/g).slice(0, 3).map(Number).map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}"""


@pytest.fixture
def everything_user(transactional_db):
    """The demo HR admin, made also a manager and an author: the longest navigation."""
    from people.models import Department, User

    call_command("seed_demo", employees=40, allow_without_debug=True, verbosity=0)
    user = User.objects.get(email="hr@example.com")
    user.groups.add(Group.objects.get(name=AUTHORS_GROUP))
    Department.objects.filter(depth=2).first().managers.add(user)
    return user


def _top_level(page):
    nav = page.get_by_role("navigation", name="Main")
    return nav.locator(".navbar-nav > .nav-item > .nav-link")


def test_every_role_fits_on_one_line_at_1024px(everything_user, page):
    page.set_viewport_size({"width": 1024, "height": 800})
    sign_in(page, everything_user.email, PASSWORD)
    page.get_by_role("heading", name="My training", level=1).wait_for()
    items = _top_level(page)
    assert items.count() == 7  # three links, Team, HR, Content, the account menu
    tops = {round(items.nth(i).bounding_box()["y"]) for i in range(items.count())}
    assert len(tops) == 1, f"the navigation wraps: rows at {sorted(tops)}"
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    last = items.nth(items.count() - 1).bounding_box()
    assert last["x"] + last["width"] <= 1024
    assert_accessible(page)


def test_menus_open_and_lead_somewhere_by_keyboard(everything_user, page):
    sign_in(page, everything_user.email, PASSWORD)
    page.get_by_role("heading", name="My training", level=1).wait_for()
    nav = page.get_by_role("navigation", name="Main")
    hr_menu = nav.get_by_role("button", name="HR", exact=True)
    hr_menu.focus()
    page.keyboard.press("Enter")
    assert hr_menu.get_attribute("aria-expanded") == "true"
    nav.get_by_role("link", name="Import employees").wait_for()
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Import employees"
    screenshot(page, "navigation-hr-menu")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Import employees", level=1).wait_for()
    # The current page is marked, and so is its group.
    assert nav.get_by_role("button", name="HR", exact=True).get_attribute("class").count("active")
    current = nav.locator('[aria-current="page"]')
    assert current.count() == 1 and current.text_content().strip() == "Import employees"


def test_keyboard_focus_is_clearly_visible_on_the_brand_bar(everything_user, page):
    sign_in(page, everything_user.email, PASSWORD)
    page.get_by_role("heading", name="My training", level=1).wait_for()
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the company name
    page.keyboard.press("Tab")  # My training
    focused = page.evaluate(
        """() => {
          const el = document.activeElement;
          const style = getComputedStyle(el);
          const bar = getComputedStyle(el.closest('.brand-bar')).backgroundColor;
          return {text: el.textContent.trim(), width: style.outlineWidth,
                  outline: style.outlineStyle, color: style.outlineColor,
                  shadow: style.boxShadow, bar};
        }"""
    )
    assert focused["text"] == "My training"
    assert focused["outline"] == "solid" and float(focused["width"].rstrip("px")) >= 2
    # The white band inside the ring stands out from the brand colour by at least 3:1.
    assert "rgb(255, 255, 255)" in focused["shadow"]
    assert page.evaluate(CONTRAST, ["rgb(255, 255, 255)", focused["bar"]]) >= 3
    # On the page itself the dark ring stands out from the white background.
    page.goto("/people/")
    page.get_by_role("searchbox", name="Search").focus()
    color = page.evaluate("getComputedStyle(document.activeElement).outlineColor")
    assert page.evaluate(CONTRAST, [color, "rgb(255, 255, 255)"]) >= 3


def test_the_navigation_collapses_behind_a_menu_button_on_a_phone(everything_user, page):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, everything_user.email, PASSWORD)
    page.get_by_role("heading", name="My training", level=1).wait_for()
    nav = page.get_by_role("navigation", name="Main")
    toggle = nav.get_by_role("button", name="Menu")
    assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    assert not nav.get_by_role("link", name="Catalog").is_visible()
    brand = nav.get_by_role("link", name="Ambassador").bounding_box()
    assert round(toggle.bounding_box()["y"]) < brand["y"] + brand["height"]  # one row
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "my-training")
    toggle.focus()
    page.keyboard.press("Enter")
    nav.get_by_role("link", name="Catalog").wait_for()
    assert toggle.get_attribute("aria-expanded") == "true"
    nav.get_by_role("button", name="Team").click()
    nav.get_by_role("link", name="People").wait_for()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible(page)
    screenshot(page, "navigation-open")
    nav.get_by_role("link", name="People").click()
    page.get_by_role("heading", name="People", level=1).wait_for()
