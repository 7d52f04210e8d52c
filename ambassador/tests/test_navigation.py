"""The main navigation (ambassador/navigation.py): what each role finds in it."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from ambassador.navigation import ACCOUNT, NAVIGATION, menus_for
from ambassador.tests.test_url_matrix import EXPECTED
from people.roles import AUTHORS_GROUP, Roles


def _seen(user):
    return {
        (menu.label and str(menu.label), str(link.label))
        for menu in menus_for(user)
        for link in menu.links
    }


LEARNING = {(None, "My training"), (None, "My certificates"), (None, "Catalog")}


def test_every_entry_names_a_role_and_a_url_that_exist():
    role_names = {name for name in dir(Roles) if not name.startswith("_")}
    for entry in [entry for group in NAVIGATION for entry in group.entries] + list(ACCOUNT):
        reverse(entry.url_name)  # raises NoReverseMatch for a typo
        assert entry.role is None or entry.role in role_names, entry
        # Pages of our own apps are in the role × URL matrix (the admin is Django's).
        if not entry.url_name.startswith("admin:"):
            assert entry.url_name in EXPECTED, entry


@pytest.mark.django_db
def test_an_employee_sees_their_own_training_only(employee):
    assert _seen(employee.user) == LEARNING


TEAM = {
    ("Team", "People"),
    ("Team", "Completion report"),
    ("Team", "Activity matrix"),
    ("Team", "Weakest topics"),
}


@pytest.mark.django_db
def test_a_manager_also_finds_their_team(manager):
    assert _seen(manager.user) == LEARNING | TEAM


@pytest.mark.django_db
def test_hr_finds_people_import_and_certificates(hr):
    assert _seen(hr.user) == LEARNING | TEAM | {
        ("HR", "HR dashboard"),
        ("HR", "Assignments"),
        ("HR", "Import employees"),
        ("HR", "Certificates"),
        ("HR", "Sign-in log"),
        ("HR", "SCIM tokens"),
    }


@pytest.mark.django_db
def test_an_author_finds_the_content(author):
    assert _seen(author.user) == LEARNING | {("Content", "Courses"), ("Content", "Quizzes")}


@pytest.mark.django_db
def test_the_current_page_and_its_group_are_marked(hr, client_for):
    hr.user.groups.add(Group.objects.get(name=AUTHORS_GROUP))
    response = client_for(hr).get(reverse("certificates:certificate-search"))
    menus = {str(menu.label): menu for menu in response.context["nav_menus"]}
    assert menus["HR"].active and not menus["Team"].active
    active = [link.label for menu in menus.values() for link in menu.links if link.active]
    assert [str(label) for label in active] == ["Certificates"]
    html = response.content.decode()
    assert html.count('aria-current="page"') == 1


@pytest.mark.django_db
def test_only_staff_find_the_administration(employee, hr, client_for):
    hr.user.is_staff = True
    hr.user.save()
    assert "Administration" not in client_for(employee).get("/").content.decode()
    assert "Administration" in client_for(hr).get("/").content.decode()
