"""Reads on certificates. Downloads go through the one scoping rule of `people`."""

from urllib.parse import quote, urlencode

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from people.models import Employee
from people.selectors import employees_visible_to

from .models import Certificate, normalise_code

# Only the snapshot and state columns: lists never need the holder's other data.
LIST_FIELDS = (
    "pk",
    "code",
    "holder_name",
    "course_title",
    "course_titles",
    "language",
    "issued_at",
    "expires_at",
    "revoked_at",
    "employee_id",
    "course_id",
)


def certificate_list_for(*, employee: Employee | None) -> QuerySet[Certificate]:
    """The employee's own certificates, newest first (one query)."""
    if employee is None:
        return Certificate.objects.none()
    return Certificate.objects.filter(employee=employee).only(*LIST_FIELDS)


def certificate_get_by_code(*, code: str) -> Certificate | None:
    """The certificate with this code (as typed: any case, spaces, dashes), or None."""
    normalised = normalise_code(code)
    if not normalised or len(normalised) > 32:
        return None
    return Certificate.objects.filter(code=normalised).first()


def certificates_downloadable_by(user) -> QuerySet[Certificate]:
    """Certificates whose PDF `user` may download: those of the employees they may see
    (themselves; managers their departments' subtrees; HR everyone)."""
    return Certificate.objects.filter(employee__in=employees_visible_to(user))


def certificate_search(*, query: str, limit: int = 50) -> QuerySet[Certificate]:
    """HR search: a code (as typed), or words matching holder, email, number or course."""
    certificates = Certificate.objects.select_related("employee__user").order_by(
        "-issued_at", "-pk"
    )
    query = query.strip()
    if not query:
        return certificates.none()
    condition = Q(code=normalise_code(query))
    words = Q()
    for term in query.split():
        words &= (
            Q(holder_name__icontains=term)
            | Q(course_title__icontains=term)
            | Q(employee__user__email__icontains=term)
            | Q(employee__employee_number__iexact=term)
        )
    return certificates.filter(condition | words)[:limit]


def linkedin_add_url(certificate: Certificate) -> str:
    """LinkedIn's "add licence or certification" form, pre-filled for this certificate."""
    issued = timezone.localtime(certificate.issued_at)
    params = {
        "startTask": "CERTIFICATION_NAME",
        "name": certificate.course_title,
        "organizationName": settings.COMPANY_NAME,
        "issueYear": issued.year,
        "issueMonth": issued.month,
    }
    if certificate.expires_at is not None:
        expires = timezone.localtime(certificate.expires_at)
        params["expirationYear"] = expires.year
        params["expirationMonth"] = expires.month
    params["certUrl"] = certificate.get_verification_url()
    params["certId"] = certificate.display_code
    return "https://www.linkedin.com/profile/add?" + urlencode(params, quote_via=quote)
