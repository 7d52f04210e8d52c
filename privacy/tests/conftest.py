import pytest

from certificates.tests.factories import issue_certificate
from quizzes.services import attempt_start, attempt_submit
from quizzes.tests.factories import answers_for, quiz_with_questions


@pytest.fixture
def history(employee, settings, tmp_path, django_capture_on_commit_callbacks):
    """`employee` with a certificate (its PDF rendered) and a submitted quiz attempt
    (one answer right, one wrong)."""
    settings.MEDIA_ROOT = tmp_path
    with django_capture_on_commit_callbacks(execute=True):  # the PDF is rendered on commit
        certificate = issue_certificate(employee=employee, title="Posting safely")
    certificate.refresh_from_db()
    quiz = quiz_with_questions(questions=2, title="Spot the risk")
    attempt = attempt_start(employee=employee, quiz=quiz)
    attempt_submit(attempt=attempt, employee=employee, answers=answers_for(attempt, right=1))
    return {"certificate": certificate, "quiz": quiz, "attempt": attempt}
