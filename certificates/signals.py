"""Receivers: `courses` announces completed enrollments; a certificate is issued."""

import logging

from . import services

logger = logging.getLogger(__name__)


def issue_on_enrollment_completed(sender, enrollment_id: int, **kwargs) -> None:
    """Issue the certificate of a completed enrollment (sent on commit by `courses`).

    A failure here must not turn the learner's "lesson completed" request into an error
    page after its transaction has committed: it is logged, and the daily job issues
    any certificate that is missing (`certificates_daily`).
    """
    try:
        services.certificate_issue(enrollment_id=enrollment_id)
    except Exception:
        logger.exception("Could not issue the certificate of enrollment %s", enrollment_id)
