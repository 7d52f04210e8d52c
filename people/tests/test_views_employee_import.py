"""The HR import page: upload, dry run, errors, and who may use it."""

import re
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from ambassador.tests.mfa import enrol_totp
from people.import_staging import STAGING_TTL
from people.models import Employee, StagedImport
from people.tests.importing.helpers import xlsx_bomb

URL = reverse("people:employee-import")
HEADER = "employee_number,email,first_name,last_name,department_code,department_name,parent_department_code,line_manager_number\n"


def upload(content, name="hr.csv"):
    return SimpleUploadedFile(name, content.encode("utf-8"), content_type="text/csv")


def _check(client, csv, **data):
    """Step 1: upload; returns the page and the staging token of the checked file."""
    response = client.post(URL, {"file": upload(csv), **data})
    content = response.content.decode()
    match = re.search(r'name="token" value="([^"]+)"', content)
    return content, match.group(1) if match else None


def test_the_check_shows_counts_changes_nothing_and_offers_the_import(client_for, hr):
    csv = HEADER + "N1,new.one@example.com,New,One,OPS,Operations,ACME,\n"
    before = Employee.objects.count()
    content, token = _check(client_for(hr), csv)
    assert "2. Check what the import will change" in content
    assert "Import this file now" in content and token
    # Invitations are off unless chosen, and the number of emails is stated.
    assert 'name="send_invitations" id="id_send_invitations">' in content
    assert "Email an invitation to the new employee (1 email)" in content
    assert Employee.objects.count() == before
    assert StagedImport.objects.get(token=token).uploaded_by == hr.user


def test_import_this_file_now_imports_the_checked_file_once(
    client_for, hr, mailoutbox, django_capture_on_commit_callbacks
):
    csv = (
        HEADER
        + "N1,new.one@example.com,New,One,OPS,Operations,ACME,\nN2,new.two@example.com,New,Two,OPS,,,N1\n"
    )
    client = client_for(hr)
    content, token = _check(client, csv)
    assert "(2 emails)" in content
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"token": token, "send_invitations": "on"})
    content = response.content.decode()
    assert "Import complete" in content and "2 invitations are being emailed." in content
    two = Employee.objects.select_related("line_manager").get(employee_number="N2")
    assert two.line_manager.employee_number == "N1"
    assert sorted(m.to[0] for m in mailoutbox) == ["new.one@example.com", "new.two@example.com"]
    assert not StagedImport.objects.exists()  # the file is gone once imported

    # A second click (or a reload) changes nothing and says so.
    Employee.objects.filter(employee_number="N2").update(job_title="Changed since")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"token": token, "send_invitations": "on"}, follow=True)
    assert "already imported" in response.content.decode()
    assert Employee.objects.get(employee_number="N2").job_title == "Changed since"
    assert len(mailoutbox) == 2


def test_without_the_box_ticked_no_invitation_is_sent(
    client_for, hr, mailoutbox, django_capture_on_commit_callbacks
):
    client = client_for(hr)
    _content, token = _check(
        client, HEADER + "N1,new.one@example.com,New,One,OPS,Operations,ACME,\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(URL, {"token": token})
    assert Employee.objects.filter(employee_number="N1").exists()
    assert mailoutbox == []


def test_a_token_is_bound_to_its_uploader_and_expires(client_for, hr, org):
    from django.contrib.auth.models import Group

    from people.roles import HR_GROUP
    from people.tests.factories import EmployeeFactory

    other = EmployeeFactory(department=org["root"])
    other.user.groups.add(Group.objects.get(name=HR_GROUP))
    enrol_totp(other.user)  # HR must have a second factor (MFA_REQUIRED_ROLES)
    csv = HEADER + "N1,new.one@example.com,New,One,OPS,Operations,ACME,\n"
    _content, token = _check(client_for(hr), csv)
    response = client_for(other).post(URL, {"token": token}, follow=True)
    assert "already imported" in response.content.decode()
    assert not Employee.objects.filter(employee_number="N1").exists()

    StagedImport.objects.update(created_at=timezone.now() - STAGING_TTL - timedelta(seconds=1))
    response = client_for(hr).post(URL, {"token": token}, follow=True)
    assert "more than 30 minutes old" in response.content.decode()
    assert not Employee.objects.filter(employee_number="N1").exists()
    for bogus in ("", "not-a-token"):
        assert client_for(hr).post(URL, {"token": bogus}).status_code == 302


def test_a_misnamed_column_is_named_with_a_suggestion(client_for, hr):
    csv = "employee_no,email,first_name,last_name,department_code,favourite_colour\nN1,a@example.com,A,B,OPS,red\n"
    content, token = _check(client_for(hr), csv)
    assert token is None
    assert "Missing required column(s): employee_number." in content
    assert (
        "Columns not recognised: employee_no (did you mean employee_number?), favourite_colour."
        in content
    )


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
    client = client_for(hr)
    _content, token = _check(client, csv)
    with broker_down, django_capture_on_commit_callbacks(execute=True):
        response = client.post(URL, {"token": token, "send_invitations": "on"})
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
