"""The roles the layout shows come from a cached copy; access never does."""

from django.contrib.auth.models import Group
from django.urls import reverse

from people.models import User
from people.roles import HR_GROUP, roles_for_display


def shown(user):
    """The roles shown to this user on their next request (a fresh user object)."""
    return roles_for_display(User.objects.get(pk=user.pk))


def test_the_navigation_copy_never_opens_a_page(client_for, hr):
    client = client_for(hr)
    dashboard = reverse("reports:hr-dashboard")
    assert dashboard in client.get("/").content.decode()  # the copy is cached now
    # Removed in bulk (no signal): the layout's copy may lag for a minute...
    hr.user.groups.through.objects.filter(user=hr.user).delete()
    assert shown(hr.user).hr
    # ...but the page itself checks the database.
    assert client.get(dashboard).status_code == 403


def test_adding_and_removing_a_role_through_the_orm_shows_at_once(employee):
    group = Group.objects.get(name=HR_GROUP)
    assert not shown(employee.user).hr
    group.user_set.add(employee.user)
    assert shown(employee.user).hr
    group.user_set.clear()
    assert not shown(employee.user).hr


def test_managing_a_department_shows_at_once(employee, org):
    department = employee.department
    assert not shown(employee.user).manager
    department.managers.add(employee.user)
    assert shown(employee.user).manager
    department.managers.remove(employee.user)
    assert not shown(employee.user).manager
