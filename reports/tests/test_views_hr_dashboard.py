from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate
from certificates.tests.factories import issue_certificate
from courses.models import Enrollment
from people.tests.factories import EmployeeFactory
from reports.tests.conftest import enroll

URL = reverse("reports:hr-dashboard")


def test_dashboard_shows_mandatory_completion_trend_laggards_and_expiries(
    personas, org, course, client_for, team, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    team(4)  # Sales North: 4 mandatory, 2 overdue
    done = EmployeeFactory(department=org["finance"])
    enroll(done, course, status=Enrollment.Status.COMPLETED, mandatory=True)
    enroll(personas["outsider"], course, mandatory=False)
    certificate = issue_certificate(employee=personas["employee"])
    Certificate.objects.filter(pk=certificate.pk).update(
        expires_at=timezone.now() + timedelta(days=45)
    )

    response = client_for(personas["hr"]).get(URL)
    assert response.status_code == 200
    (row,) = response.context["mandatory"]
    assert (row.title, row.tally.total, row.tally.completed, row.tally.overdue) == (
        "Social Media 101",
        5,
        1,
        2,
    )
    # Completions this week: the Finance one and the certificate's course.
    assert response.context["weeks"][-1].count == 2
    assert len(response.context["weeks"]) == 52
    behind = response.context["behind"]
    assert behind[0].name == "Sales North"
    assert behind[0].own.overdue == 2
    assert response.context["expiry"] == {30: 0, 60: 1, 90: 1}
    assert "Social Media 101" in response.content.decode()


def test_expiring_certificates_list_the_people_concerned(personas, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    certificate = issue_certificate(employee=personas["employee"])
    Certificate.objects.filter(pk=certificate.pk).update(
        expires_at=timezone.now() + timedelta(days=20)
    )
    url = reverse("reports:certificates-expiring")
    response = client_for(personas["hr"]).get(url, {"days": 30})
    assert list(response.context["page"].object_list) == [certificate]
    assert reverse("reports:employee-detail", kwargs={"pk": personas["employee"].pk}) in (
        response.content.decode()
    )
    # A bad window falls back to 30 days rather than failing.
    assert client_for(personas["hr"]).get(url, {"days": "7"}).status_code == 200


def test_managers_cannot_open_the_hr_dashboard(personas, client_for):
    assert client_for(personas["manager"]).get(URL).status_code == 403


def test_dashboard_queries_do_not_grow_with_people(personas, course, client_for, team):
    client = client_for(personas["hr"])
    counts = []
    for size in (3, 30):
        team(size)
        with CaptureQueriesContext(connection) as captured:
            client.get(URL)
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_dashboard_shows_each_active_mandatory_assignment(personas, org, course, client_for):
    """Per assignment: the current rows it owns, tallied; recommended and cancelled
    assignments are left out."""
    from assignments.services import assignment_cancel
    from assignments.tests.factories import assign

    sales = [EmployeeFactory(department=org["north"]) for _ in range(3)]
    finance = EmployeeFactory(department=org["finance"])
    by_sales = assign(course=course, by=personas["hr"].user, departments=[org["north"]])
    assign(course=course, by=personas["hr"].user, employees=[finance], mandatory=False)
    Enrollment.objects.filter(employee=sales[0], course=course, is_current=True).update(
        status=Enrollment.Status.COMPLETED, completed_at=timezone.now()
    )

    response = client_for(personas["hr"]).get(URL)
    (row,) = response.context["assignments"]
    assert row.assignment == by_sales
    assert (row.tally.total, row.tally.completed) == (
        Enrollment.objects.filter(assignment_id=by_sales.pk, is_current=True).count(),
        1,
    )
    assert row.tally.total >= 3
    assert by_sales.get_absolute_url() in response.content.decode()

    assignment_cancel(assignment=by_sales, by=personas["hr"].user)
    assert client_for(personas["hr"]).get(URL).context["assignments"] == []
