"""`request_employee`: the employee behind a request, the one way views ask for it."""

from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory

from people.access import request_employee
from people.selectors import department_options, departments_visible_to


def _request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_the_signed_in_employee(employee):
    assert request_employee(_request(employee.user)) == employee


def test_nobody_signed_in_or_no_profile_is_none(db, admin_user):
    assert request_employee(_request(AnonymousUser())) is None
    assert request_employee(_request(admin_user)) is None


def test_department_options_are_indented_in_tree_order_with_the_selection(org, hr):
    options = department_options(departments_visible_to(hr.user), selected=org["sales"])
    assert options == [
        ("ACME", "Acme", False),
        ("SALES", "\u2003Sales", True),
        ("SALES-N", "\u2003\u2003Sales North", False),
        ("FIN", "\u2003Finance", False),
    ]
