"""Writes on certificates: issue, render, revoke, and the daily expiry/renewal job.

Views, tasks, the management command, the signal receiver and tests all come here.
"""

import datetime
import logging
import posixpath
import secrets
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core import outbox
from core.emails import send_templated_email
from courses.models import Enrollment
from courses.services import enrollment_new_cycle

from .models import CODE_LENGTH, Certificate

logger = logging.getLogger(__name__)

CODE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"  # RFC 4648 base32: 5 bits a character
EXPIRY_WARNING_DAYS = 30
# A renewal cycle opened when a certificate expires is due this many days after expiry.
RENEWAL_GRACE_DAYS = 30


def certificate_code_generate() -> str:
    """20 random base32 characters: 100 bits from the OS's CSPRNG."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def holder_name_for(employee) -> str:
    user = employee.user
    return user.get_full_name().strip() or user.email


@transaction.atomic
def certificate_issue(*, enrollment_id: int) -> Certificate | None:
    """The certificate of a completed enrollment, issued now if it has none; exactly once.

    Returns None (and issues nothing) if the enrollment is not completed. Safe under
    retries and concurrent calls: the one-to-one on `enrollment` lets one insert win,
    the loser reads the winner's row. The PDF is rendered by an outbox task, on commit.
    """
    existing = Certificate.objects.filter(enrollment_id=enrollment_id).first()
    if existing is not None:
        return existing
    enrollment = Enrollment.objects.select_related("employee__user", "course").get(pk=enrollment_id)
    if enrollment.status != Enrollment.Status.COMPLETED:
        return None
    issued_at = enrollment.completed_at or timezone.now()
    months = enrollment.course.certificate_valid_months
    expires_at = issued_at + relativedelta(months=months) if months else None
    # The holder's language and the course's titles in every language, as they are now.
    language = enrollment.employee.locale or settings.LANGUAGE_CODE
    titles = {row.language_code: row.title for row in enrollment.course.translations.all()}
    for _attempt in range(3):
        certificate = Certificate(
            enrollment=enrollment,
            employee_id=enrollment.employee_id,
            course_id=enrollment.course_id,
            code=certificate_code_generate(),
            holder_name=holder_name_for(enrollment.employee),
            course_title=titles.get(language) or titles.get(settings.LANGUAGE_CODE, ""),
            course_titles=titles,
            language=language,
            issued_at=issued_at,
            expires_at=expires_at,
        )
        certificate.full_clean(exclude=["enrollment", "code"])
        try:
            with transaction.atomic():
                certificate.save(force_insert=True)
        except IntegrityError:
            # Another call issued it first (or, once in 2**100, the code collided).
            existing = Certificate.objects.filter(enrollment_id=enrollment_id).first()
            if existing is not None:
                return existing
            continue
        _queue_render(certificate.pk)
        return certificate
    raise IntegrityError("Could not allocate a unique certificate code.")


def _queue_render(certificate_id: int) -> None:
    """Recorded in the issuing transaction (the outbox), rendered once it commits."""
    from .tasks import certificate_render_pdf_task

    outbox.enqueue(certificate_render_pdf_task, certificate_id=certificate_id)


def pdf_filename(certificate: Certificate, language: str | None = None) -> str:
    """The name offered to people downloading it, e.g. `social-media-101-ada-lovelace-….pdf`
    (`…-fr.pdf` for a version in another language than the certificate's own)."""
    title = certificate.course_title_in(language) if language else certificate.course_title
    parts = [slugify(title), slugify(certificate.holder_name)]
    parts = [part for part in parts if part] or ["certificate"]
    suffix = [language] if language else []
    return "-".join([*parts, certificate.display_code, *suffix]) + ".pdf"


def certificate_render_pdf(*, certificate_id: int, force: bool = False) -> Certificate | None:
    """Render the PDF and store it on the certificate; idempotent.

    Does nothing if the file is already there (unless `force`). If two renders race,
    the first to record its file wins and the other deletes its own copy. Returns None
    if the certificate does not exist (deleted by hand: nothing to do).
    """
    from .pdf import certificate_pdf_bytes

    certificate = Certificate.objects.select_related("employee").filter(pk=certificate_id).first()
    if certificate is None:
        return None
    if certificate.pdf and not force:
        return certificate
    content = certificate_pdf_bytes(certificate)
    storage = certificate.pdf.storage
    previous = certificate.pdf.name
    name = storage.save(
        certificate.pdf.field.generate_filename(certificate, f"{certificate.code}.pdf"),
        ContentFile(content),
    )
    rows = Certificate.objects.filter(pk=certificate.pk, pdf=previous or "").update(pdf=name)
    if not rows:  # someone else stored theirs meanwhile: keep theirs
        storage.delete(name)
        certificate.refresh_from_db(fields=["pdf"])
        return certificate
    if previous and previous != name:
        storage.delete(previous)
    _delete_stray_copies(storage, kept=name, code=certificate.code)
    certificate.pdf.name = name
    return certificate


def _delete_stray_copies(storage, *, kept: str, code: str) -> None:
    """Delete the copies of this certificate's PDF that a render killed between storing
    its file and recording it left behind (the storage named ours `CODE_xxxxxxx.pdf`
    because theirs took `CODE.pdf`), so a re-run task leaves one file, not two."""
    folder, kept_file = posixpath.split(kept)
    try:
        _, files = storage.listdir(folder)
    except (FileNotFoundError, NotImplementedError):
        return
    for file in files:
        if file != kept_file and (file == f"{code}.pdf" or file.startswith(f"{code}_")):
            storage.delete(posixpath.join(folder, file))


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, reason: str, by) -> bool:
    """Revoke a certificate, with a reason. True if revoked now; False if it already was
    (nothing changes: the first revocation's date, reason and author stay)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for revoking this certificate.")})
    now = timezone.now()
    changed = Certificate.objects.filter(pk=certificate.pk, revoked_at__isnull=True).update(
        revoked_at=now, revoked_reason=reason, revoked_by=by
    )
    certificate.refresh_from_db(fields=["revoked_at", "revoked_reason", "revoked_by"])
    if changed:
        logger.info("Certificate %s revoked by %s", certificate.pk, getattr(by, "pk", None))
    return bool(changed)


def certificate_expiry_warn(*, certificate_id: int) -> bool:
    """Email the holder that their certificate expires soon; exactly once.

    The claim is a conditional UPDATE of `expiry_warning_sent_at`, in the same
    transaction as the sending: a failed send rolls the claim back, to be retried.
    """
    with transaction.atomic():
        claimed = Certificate.objects.filter(
            pk=certificate_id, expiry_warning_sent_at__isnull=True, revoked_at__isnull=True
        ).update(expiry_warning_sent_at=timezone.now())
        if not claimed:
            return False
        certificate = Certificate.objects.select_related("employee__user", "enrollment").get(
            pk=certificate_id
        )
        employee = certificate.employee
        send_templated_email(
            name="certificate_expiry",
            to=employee.user.email,
            context={
                "certificate": certificate,
                "employee": employee,
                "user": employee.user,
            },
            language=employee.locale,
        )
    return True


def renewal_due_on(certificate: Certificate) -> datetime.date:
    """The due date of the recertification cycle opened when `certificate` expires."""
    expiry_day = timezone.localdate(certificate.expires_at)
    return expiry_day + datetime.timedelta(days=RENEWAL_GRACE_DAYS)


@dataclass
class DailyResult:
    issued: list[int] = field(default_factory=list)  # enrollment ids given a missing certificate
    warned: list[int] = field(default_factory=list)  # certificate ids warned
    renewed: list[int] = field(default_factory=list)  # certificate ids whose course reopened


def expiry_warning_candidates(*, now: datetime.datetime):
    """Unrevoked certificates expiring within the warning window, not yet warned, that
    are the holder's latest for the course, of active people (one query)."""
    newer = Certificate.objects.filter(
        employee_id=OuterRef("employee_id"),
        course_id=OuterRef("course_id"),
        issued_at__gt=OuterRef("issued_at"),
    )
    return (
        Certificate.objects.filter(
            revoked_at__isnull=True,
            expiry_warning_sent_at__isnull=True,
            expires_at__gt=now,
            expires_at__lte=now + datetime.timedelta(days=EXPIRY_WARNING_DAYS),
            employee__user__is_active=True,
        )
        .filter(~Exists(newer))
        .order_by("expires_at", "pk")
    )


def renewal_candidates(*, now: datetime.datetime):
    """Expired, unrevoked certificates whose enrollment is mandatory and still the
    current cycle (so not yet renewed), of active people (one query)."""
    return (
        Certificate.objects.filter(
            revoked_at__isnull=True,
            expires_at__lte=now,
            enrollment__is_current=True,
            enrollment__mandatory=True,
            employee__user__is_active=True,
        )
        .select_related("enrollment")
        .order_by("expires_at", "pk")
    )


def missing_certificate_enrollments(*, limit: int):
    """Completed enrollments without a certificate (a receiver that failed) (one query)."""
    return Enrollment.objects.filter(
        status=Enrollment.Status.COMPLETED, certificate__isnull=True
    ).order_by("pk")[:limit]


def certificates_daily(*, dry_run: bool = False, backfill_limit: int = 1000) -> DailyResult:
    """The daily job (Celery beat and `manage.py certificates_daily`); idempotent.

    1. issue certificates that are missing for completed enrollments;
    2. warn holders whose certificate expires within EXPIRY_WARNING_DAYS, once;
    3. open a new cycle (due RENEWAL_GRACE_DAYS after expiry) of mandatory courses
       whose certificate has expired; the old cycle and its certificate stay as history.
    """
    now = timezone.now()
    result = DailyResult()
    missing = list(
        missing_certificate_enrollments(limit=backfill_limit).values_list("pk", flat=True)
    )
    warn_ids = list(expiry_warning_candidates(now=now).values_list("pk", flat=True))
    renewals = list(renewal_candidates(now=now))
    if dry_run:
        result.issued, result.warned = missing, warn_ids
        result.renewed = [certificate.pk for certificate in renewals]
        return result
    for enrollment_id in missing:
        if certificate_issue(enrollment_id=enrollment_id) is not None:
            result.issued.append(enrollment_id)
    for certificate_id in warn_ids:
        try:
            if certificate_expiry_warn(certificate_id=certificate_id):
                result.warned.append(certificate_id)
        except OSError:  # SMTP trouble: the claim was rolled back; tomorrow retries
            logger.exception("Could not send the expiry warning of certificate %s", certificate_id)
    for certificate in renewals:
        enrollment_new_cycle(enrollment=certificate.enrollment, due_on=renewal_due_on(certificate))
        result.renewed.append(certificate.pk)
    return result
