"""A French employee's pages, emails, calendar entries, certificate and error pages are in
French; an English colleague's are unchanged.

The French interface comes from `locale/fr/LC_MESSAGES/django.po`; the expected strings
are read from it here (`french(...)`) and must differ from the English, so a missing or
untranslated catalogue fails these tests. Course content comes from the sample course's
French files (`courses/tests/test_curriculum_translations.py`).
"""

import datetime
import io

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from icalendar import Calendar
from pypdf import PdfReader

from assignments import reminders
from assignments.tests.factories import assign
from certificates.services import certificate_expiry_warn, certificate_issue
from courses.curriculum import curriculum_load
from courses.models import Course, Enrollment, Lesson
from courses.services import lesson_complete
from courses.tests.test_curriculum_translations import write_course
from people.services import employee_invite
from quizzes.models import Quiz
from quizzes.services import attempt_start, attempt_submit
from quizzes.tests.factories import answers_for

START = datetime.datetime(2026, 12, 2, 8, 0, tzinfo=datetime.UTC)


def french(msgid: str, **values) -> str:
    """The catalogue's French for `msgid` (which must be translated)."""
    with translation.override("fr"):
        text = gettext(msgid)
    assert text != msgid, f"not translated in the French catalogue: {msgid!r}"
    return text % values if values else text


def at(day_offset: int):
    return time_machine.travel(START + datetime.timedelta(days=day_offset), tick=False)


@pytest.fixture(autouse=True)
def locmem_email(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://training.example.com"
    mail.outbox = []


@pytest.fixture
def course(db, tmp_path):
    write_course(tmp_path)
    curriculum_load(root=tmp_path)
    return Course.objects.get(code="TR1")


@pytest.fixture
def francophones(employee, manager):
    for person in (employee, manager):
        person.locale = "fr"
        person.save(update_fields=["locale"])
    return employee, manager


def bodies(message) -> tuple[str, str, str]:
    return message.subject, message.body, message.alternatives[0][0]


def test_pages_are_in_french(client_for, francophones, course):
    employee, _manager = francophones
    client = client_for(employee)
    home = client.get(reverse("home")).content.decode()
    assert '<html lang="fr">' in home and french("My training") in home
    assert "Publier avec soin" in home  # the course, in French
    lesson = Lesson.objects.get(code="TR1-M1-L1")
    page = client.get(
        reverse("courses:lesson-detail", kwargs={"code": "TR1", "lesson_id": lesson.pk})
    ).content.decode()
    assert french("Mark as complete") in page and "Pourquoi c&#x27;est important" in page
    employee.hired_on = datetime.date(2024, 3, 5)
    employee.save(update_fields=["hired_on"])
    profile = client.get(reverse("people:profile")).content.decode()
    assert "5 mars 2024" in profile  # French date format
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404 and french("Page not found") in missing.content.decode()


def test_an_english_colleague_sees_no_change(client_for, outsider, course):
    home = client_for(outsider).get(reverse("home")).content.decode()
    assert '<html lang="en">' in home and "My training" in home and "Posting with care" in home


def test_signed_out_pages_follow_the_browser_language(client, db):
    # db: the sign-in page lists the company sign-in providers set up in the admin.
    page = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9,en;q=0.5")
    content = page.content.decode()
    assert page.headers["Content-Language"] == "fr"
    assert '<html lang="fr">' in content and french("Sign in") in content
    english = client.get(reverse("account_login"), HTTP_ACCEPT_LANGUAGE="en-GB")
    assert '<html lang="en">' in english.content.decode()


def test_the_invitation_is_in_french(francophones):
    employee, _manager = francophones
    employee_invite(employee_id=employee.pk)
    (message,) = mail.outbox
    subject, text, html = bodies(message)
    assert subject == french(
        "Your %(company_name)s Ambassador account is ready", company_name="Example Corp"
    )
    assert '<html lang="fr">' in html
    assert "/password/reset/key/" in text


def test_assignment_emails_and_their_calendar_entry_are_in_french(
    francophones, course, hr, org, django_capture_on_commit_callbacks
):
    employee, manager = francophones
    capture = django_capture_on_commit_callbacks
    with at(0), capture(execute=True):
        assign(course=course, by=hr.user, departments=[org["sales"]], days=10)
    message = next(m for m in mail.outbox if m.to == ["employee@example.com"])
    subject, text, html = bodies(message)
    assert subject == french("Training assigned to you: %(course)s", course="Publier avec soin")
    assert "12 décembre 2026" in text and "12 décembre 2026" in html
    assert '<html lang="fr">' in html
    (_name, content, _type) = message.attachments[0]
    (event,) = Calendar.from_ical(content).walk("VEVENT")
    assert str(event["summary"]) == french("Training due: %(course)s", course="Publier avec soin")
    assert event["summary"].params["LANGUAGE"] == "fr"

    mail.outbox = []
    with at(3), capture(execute=True):
        reminders.reminders_daily()
    due_soon = next(m for m in mail.outbox if m.to == ["employee@example.com"])
    assert "Publier avec soin" in due_soon.subject and "Reminder" not in due_soon.subject
    assert '<html lang="fr">' in due_soon.alternatives[0][0]

    mail.outbox = []
    with at(11), capture(execute=True):
        reminders.reminders_daily()
    overdue = next(m for m in mail.outbox if m.to == ["employee@example.com"])
    assert overdue.subject == french("Overdue: “%(course)s”", course="Publier avec soin")

    mail.outbox = []
    with at(12), capture(execute=True):
        reminders.manager_digests()
    (digest,) = [m for m in mail.outbox if m.to == ["manager@example.com"]]
    assert "Your team's training" not in digest.subject
    assert "Publier avec soin" in digest.body and '<html lang="fr">' in digest.alternatives[0][0]

    mail.outbox = []
    for lesson in Lesson.objects.filter(module__course=course):  # the manager is done
        lesson_complete(employee=manager, lesson=lesson, acknowledged=True)
    with at(24), capture(execute=True):
        reminders.reminders_daily()
    (escalation,) = [m for m in mail.outbox if m.to == ["manager@example.com"]]
    assert "Publier avec soin" in escalation.subject and "days late" not in escalation.subject
    assert "Employee Persona" in escalation.body


def complete_course(employee, course):
    for lesson in Lesson.objects.filter(module__course=course):
        lesson_complete(employee=employee, lesson=lesson, acknowledged=True)
    attempt = attempt_start(employee=employee, quiz=Quiz.objects.get(module__course=course))
    attempt_submit(attempt=attempt, employee=employee, answers=answers_for(attempt))
    return Enrollment.objects.get(employee=employee, course=course)


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_certificate_is_in_french_with_an_english_version_on_request(
    client_for, francophones, course, django_capture_on_commit_callbacks
):
    employee, _manager = francophones
    course.certificate_valid_months = 12
    course.save()
    with django_capture_on_commit_callbacks(execute=True):
        enrollment = complete_course(employee, course)
    certificate = certificate_issue(enrollment_id=enrollment.pk)
    assert certificate.language == "fr" and certificate.course_title == "Publier avec soin"
    assert certificate.course_titles == {"en": "Posting with care", "fr": "Publier avec soin"}
    client = client_for(employee)
    listing = client.get(reverse("certificates:certificate-list")).content.decode()
    assert certificate.get_download_url("en").replace("?", "?") in listing.replace("&amp;", "&")
    own = client.get(certificate.get_download_url())
    text = pdf_text(b"".join(own.streaming_content))
    assert french("Certificate of completion") in text and "Publier avec soin" in text
    english = client.get(certificate.get_download_url("en"))
    assert english["Content-Disposition"].endswith('-en.pdf"')
    text = pdf_text(b"".join(english.streaming_content))
    assert "Certificate of completion" in text and "Posting with care" in text
    assert client.get(certificate.get_download_url("xx")).status_code == 404

    with time_machine.travel(certificate.expires_at - datetime.timedelta(days=20)):
        certificate_expiry_warn(certificate_id=certificate.pk)
    (warning,) = [m for m in mail.outbox if "Publier avec soin" in m.subject]
    assert '<html lang="fr">' in warning.alternatives[0][0]


@pytest.fixture
def failing_view(settings):
    settings.ROOT_URLCONF = "ambassador.tests.urls_failing"


def test_server_errors_are_in_the_request_language(client_for, francophones, failing_view):
    employee, _manager = francophones
    client = client_for(employee)
    client.raise_request_exception = False
    error = client.get("/boom/")
    assert error.status_code == 500
    content = error.content.decode()
    assert '<html lang="fr">' in content and french("Something went wrong on our side") in content
    outage = client.get("/database-down/")
    assert outage.status_code == 503 and outage["Retry-After"]
    assert '<html lang="fr">' in outage.content.decode()
    client.logout()
    english = client.get("/boom/", HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="en">' in english.content.decode()
