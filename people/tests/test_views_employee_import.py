"""The HR import page: upload, dry run, errors, and who may use it."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from people.models import Employee
from people.tests.importing.helpers import xlsx_bomb

URL = reverse("people:employee-import")
HEADER = "employee_number,email,first_name,last_name,department_code,department_name,parent_department_code,line_manager_number\n"


def upload(content, name="hr.csv"):
    return SimpleUploadedFile(name, content.encode("utf-8"), content_type="text/csv")


def test_dry_run_shows_counts_and_changes_nothing(client_for, hr):
    csv = HEADER + "N1,new.one@example.com,New,One,OPS,Operations,ACME,\n"
    before = Employee.objects.count()
    response = client_for(hr).post(URL, {"file": upload(csv), "dry_run": "on"})
    content = response.content.decode()
    assert "Dry run: what would change" in content
    assert Employee.objects.count() == before


def test_real_import_creates_people_and_reports(
    client_for, hr, mailoutbox, django_capture_on_commit_callbacks
):
    csv = (
        HEADER
        + "N1,new.one@example.com,New,One,OPS,Operations,ACME,\nN2,new.two@example.com,New,Two,OPS,,,N1\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(hr).post(URL, {"file": upload(csv), "send_invitations": "on"})
    assert "Import complete" in response.content.decode()
    two = Employee.objects.select_related("line_manager").get(employee_number="N2")
    assert two.line_manager.employee_number == "N1"
    assert sorted(m.to[0] for m in mailoutbox) == ["new.one@example.com", "new.two@example.com"]


def test_file_with_errors_lists_each_line_and_changes_nothing(client_for, hr):
    csv = (
        HEADER
        + "N1,not-an-email,New,One,OPS,Operations,ACME,\nN2,ok@example.com,Ok,Two,OPS,,,NOBODY\n"
    )
    before = Employee.objects.count()
    content = client_for(hr).post(URL, {"file": upload(csv)}).content.decode()
    assert "Errors: nothing was changed" in content
    assert "<td>2</td>" in content and "<td>3</td>" in content
    assert Employee.objects.count() == before


def test_wrong_file_type_is_refused_by_the_form(client_for, hr):
    response = client_for(hr).post(URL, {"file": upload("x", name="hr.pdf")})
    assert "Upload a .csv or .xlsx file." in response.content.decode()


def test_manager_cannot_import(client_for, manager):
    csv = HEADER + "N1,new.one@example.com,New,One,OPS,Operations,ACME,\n"
    response = client_for(manager).post(URL, {"file": upload(csv)})
    assert response.status_code == 403
    assert not Employee.objects.filter(employee_number="N1").exists()


def test_a_broker_outage_shows_the_committed_import_as_a_success_and_loses_no_invitation(
    client_for, hr, mailoutbox, django_capture_on_commit_callbacks
):
    from unittest import mock

    from kombu.exceptions import OperationalError

    from ambassador.celery import app
    from core.outbox import outbox_relay_pending

    csv = HEADER + "N1,new.one@example.com,New,One,OPS,Operations,ACME,\n"
    # Tasks go to the broker (not eagerly), and every publish fails as with Redis down.
    broker_down = mock.patch.object(
        app.amqp, "send_task_message", side_effect=OperationalError("Connection refused")
    )
    app.conf.task_always_eager = False  # restored by the autouse `_celery_eager` fixture
    with broker_down, django_capture_on_commit_callbacks(execute=True):
        response = client_for(hr).post(URL, {"file": upload(csv), "send_invitations": "on"})
    assert response.status_code == 200
    assert "Import complete" in response.content.decode()
    assert Employee.objects.filter(employee_number="N1", invited_at__isnull=True).exists()
    assert mailoutbox == []

    app.conf.task_always_eager = True
    outbox_relay_pending()  # the broker is back (tasks run eagerly): the periodic sweep
    outbox_relay_pending()
    assert [message.to for message in mailoutbox] == [["new.one@example.com"]]


def test_nul_bytes_are_listed_as_row_errors_and_change_nothing(client_for, hr):
    csv = HEADER + "N1,new.one@example.com,New,O\x00ne,OPS,Operations,ACME,\n"
    before = Employee.objects.count()

    response = client_for(hr).post(URL, {"file": upload(csv)})

    content = response.content.decode()
    assert response.status_code == 200
    assert "Errors: nothing was changed" in content
    assert "<td>2</td>" in content and "last_name contains a NUL character." in content
    assert Employee.objects.count() == before


def test_a_zip_bomb_is_refused_with_a_clear_message(client_for, hr):
    bomb = SimpleUploadedFile("hr.xlsx", xlsx_bomb(650), content_type="application/zip")

    response = client_for(hr).post(URL, {"file": bomb})

    assert response.status_code == 200
    assert "The workbook unpacks to more than 100 MB" in response.content.decode()
