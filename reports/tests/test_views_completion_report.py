from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.models import Enrollment
from reports.tests.conftest import enroll

URL = reverse("reports:completion")


def test_manager_sees_their_subtrees_people_and_not_others(personas, org, course, client_for):
    enroll(personas["employee"], course, status=Enrollment.Status.IN_PROGRESS)
    enroll(personas["outsider"], course, status=Enrollment.Status.COMPLETED)
    response = client_for(personas["manager"]).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Employee Persona" in html
    assert "Outsider Persona" not in html
    assert "Finance" not in html  # not even the department's name
    assert [r.title for r in response.context["courses"]] == ["Social Media 101"]
    assert response.context["courses"][0].tally.total == 1


def test_manager_cannot_open_a_department_outside_their_scope(personas, org, client_for):
    client = client_for(personas["manager"])
    assert client.get(URL, {"department": org["finance"].pk}).status_code == 404
    assert client.get(URL, {"department": org["root"].pk}).status_code == 404
    assert client.get(URL, {"department": 999999}).status_code == 404
    assert client.get(URL, {"department": org["north"].pk}).status_code == 200


def test_hr_sees_every_department(personas, org, course, client_for):
    enroll(personas["outsider"], course)
    response = client_for(personas["hr"]).get(URL, {"department": org["finance"].pk})
    assert response.status_code == 200
    assert "Outsider Persona" in response.content.decode()


def test_plain_employees_are_refused(personas, client_for):
    assert client_for(personas["employee"]).get(URL).status_code == 403
    assert client_for(personas["outsider"]).get(URL).status_code == 403


def test_drilling_into_a_sub_department_lists_its_people_and_children(
    personas, org, course, client_for, team
):
    team(2)
    sales_only = team(1, department=org["sales"])[0]
    response = client_for(personas["manager"]).get(URL, {"department": org["north"].pk})
    html = response.content.decode()
    assert response.context["selected"].pk == org["north"].pk
    assert response.context["page"].paginator.count == 2
    assert sales_only.user.last_name not in html
    assert [c.name for c in response.context["breadcrumbs"]] == ["Sales"]


def test_overdue_and_status_filters_narrow_the_people(personas, course, client_for, team):
    team(4)  # two overdue in progress, two not started without a due date
    client = client_for(personas["manager"])
    overdue = client.get(URL, {"overdue": "on"}).context["page"].paginator.count
    not_started = client.get(URL, {"status": "not_started"}).context["page"].paginator.count
    assert (overdue, not_started) == (2, 2)
    # The summaries still count everyone in scope.
    assert client.get(URL, {"overdue": "on"}).context["courses"][0].tally.total == 4


def test_a_malformed_filter_is_reported_and_ignored(personas, course, client_for, team):
    team(3)
    response = client_for(personas["manager"]).get(URL, {"status": "bogus", "department": "x"})
    assert response.status_code == 200
    assert "Some filters were not understood" in response.content.decode()
    assert response.context["page"].paginator.count == 3


def test_htmx_requests_get_only_the_rows(personas, course, client_for, team):
    team(2)
    response = client_for(personas["manager"]).get(
        URL, {"sort": "-progress"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "<table" in html and "<html" not in html
    assert response.templates[0].name == "reports/_employee_rows.html"


def test_sorting_by_progress_descending(personas, course, client_for, team):
    people = team(3)
    Enrollment.objects.filter(employee=people[2]).update(progress_percent=90)
    response = client_for(personas["manager"]).get(URL, {"sort": "-progress"})
    assert response.context["page"].object_list[0].employee == people[2]


def test_department_rows_expand_children_with_htmx_and_redirect_without(
    personas, org, course, client_for, team
):
    team(2)
    client = client_for(personas["manager"])
    url = reverse("reports:department-rows", kwargs={"pk": org["sales"].pk})
    response = client.get(url, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert f'id="dept-{org["north"].pk}"' in response.content.decode()
    plain = client.get(url)
    assert plain.status_code == 302
    assert plain.url == f"{URL}?department={org['sales'].pk}"
    outside = reverse("reports:department-rows", kwargs={"pk": org["finance"].pk})
    assert client.get(outside, headers={"HX-Request": "true"}).status_code == 404


def test_query_count_does_not_grow_with_people(personas, org, course, client_for, team):
    # session, user, the user's employee (locale), managed departments (roles), two
    # permission queries (HR check), the managed paths (scope), the selected department,
    # row count, departments in scope, roll-up grouped counts, the roll-up's course
    # titles, the courses (filter form), the page of rows: 15, whatever the number of
    # people.
    for who in ("manager", "hr"):
        client = client_for(personas[who])
        counts = []
        for size in (3, 30):
            team(size)
            with CaptureQueriesContext(connection) as captured:
                assert client.get(URL, {"department": org["north"].pk}).status_code == 200
            counts.append(len(captured))
        assert counts[0] == counts[1], (who, counts)
        assert counts[0] <= 15, "\n".join(q["sql"][:200] for q in captured.captured_queries)


def test_grouped_queries_name_their_groups_afterwards(personas, client_for, team):
    # A translated title inside a grouped query is a subquery the database runs once per
    # enrollment and groups by (600 ms of 611 at 10,000 employees): titles are read by id
    # in a small query of their own (courses.translation.translated_texts).
    team(5)
    with CaptureQueriesContext(connection) as captured:
        assert client_for(personas["hr"]).get(URL).status_code == 200
    grouped = [q["sql"] for q in captured.captured_queries if "GROUP BY" in q["sql"]]
    assert grouped
    assert not [sql for sql in grouped if "_translation" in sql]
