"""Receivers: `courses` announces completed enrollments; a certificate is issued."""

from . import services


def issue_on_enrollment_completed(sender, enrollment_id: int, **kwargs) -> None:
    """Issue the certificate of a completed enrollment, in the completing transaction.

    `courses` sends the signal with the enrollment row locked, before the commit: the
    certificate commits with the completion or not at all (an error rolls both back and
    the learner's request fails, to be retried), so it can never go missing. Its PDF is
    an outbox task, recorded in the same transaction.
    """
    services.certificate_issue(enrollment_id=enrollment_id)
