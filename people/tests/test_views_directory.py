import pytest
from django.urls import reverse

from people.tests.factories import EmployeeFactory

URL = reverse("people:employee-list")


def test_manager_finds_employee_of_a_sub_department(client_for, manager, employee, outsider):
    response = client_for(manager).get(URL, {"q": "employee@example.com"})
    assert response.status_code == 200
    assert "employee@example.com" in response.content.decode()
    response = client_for(manager).get(URL, {"q": "outsider"})
    assert "outsider@example.com" not in response.content.decode()


def test_department_filter_outside_scope_is_404_like_the_reports(
    client_for, manager, org, outsider
):
    client = client_for(manager)
    for code in (org["finance"].code, "NO-SUCH-DEPARTMENT"):  # outside, or not there
        response = client.get(URL, {"department": code})
        assert response.status_code == 404, code
        assert "outsider@example.com" not in response.content.decode()
        # The htmx request (the filter form on the page) gets the same answer.
        assert client.get(URL, {"department": code}, HTTP_HX_REQUEST="true").status_code == 404
    assert client.get(URL, {"department": org["north"].code}).status_code == 200


def test_hr_sees_everyone(client_for, hr, employee, outsider):
    content = client_for(hr).get(URL).content.decode()
    assert "employee@example.com" in content
    assert "outsider@example.com" in content


def test_htmx_request_gets_the_results_partial(client_for, hr, employee):
    response = client_for(hr).get(URL, {"q": "employee"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert "employee@example.com" in response.content.decode()


def test_employee_without_a_team_gets_403(client_for, employee):
    assert client_for(employee).get(URL).status_code == 403


@pytest.mark.parametrize("size", [3, 30])
def test_directory_query_count_does_not_grow(client_for, django_assert_num_queries, hr, org, size):
    for _ in range(size):
        EmployeeFactory(department=org["north"], line_manager=hr)
    client = client_for(hr)
    # session, user, HR permissions (user + group), employee (locale), managed departments
    # (nav roles), departments for the filter, count, page of employees, and one query per
    # registered directory provider (assignments: the page's assigned training).
    with django_assert_num_queries(10):
        response = client.get(URL)
    assert response.status_code == 200


def test_htmx_history_restore_gets_the_full_page_and_responses_vary_on_htmx(client_for, hr):
    response = client_for(hr).get(
        URL, {"q": "x"}, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    assert "<html" in response.content.decode()
    assert "HX-Request" in response["Vary"]
