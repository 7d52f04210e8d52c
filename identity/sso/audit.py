"""Company sign-in in the audit log (`identity.services.audit_record`)."""

from __future__ import annotations

from identity.models import AuditEvent
from identity.services import audit_record


def sso_refused(*, request, user, email: str, method: str, provider: str, reason: str) -> None:
    """The provider said yes, the site said no: nobody provisioned with this identity, a
    leaver, or an address outside the provider's domains."""
    audit_record(
        kind=AuditEvent.Kind.SIGN_IN_REFUSED,
        request=request,
        user=user,
        email=email,
        success=False,
        method=method,
        provider=provider,
        detail={"reason": reason},
    )


def sso_failed(*, request, method: str, provider: str, reason: str, detail: str) -> None:
    """The provider's answer failed a check (state, nonce, issuer, signature, ...)."""
    audit_record(
        kind=AuditEvent.Kind.SIGN_IN_FAILED,
        request=request,
        success=False,
        method=method,
        provider=provider,
        detail={"reason": reason, "error": detail},
    )


def password_refused(*, request, email: str, provider: str) -> None:
    """A password sign-in or reset for an address whose domain signs in with its company
    account (SSO_PASSWORD_LOGIN_DISABLED)."""
    audit_record(
        kind=AuditEvent.Kind.SIGN_IN_REFUSED,
        request=request,
        email=email,
        success=False,
        method="password",
        provider=provider,
        detail={"reason": "password_login_off"},
    )
