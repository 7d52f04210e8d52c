"""allauth.mfa's signals into the audit trail and the session's enrolment flag.

Adding, removing or renewing a second factor is recorded (`MFA_ADDED`, `MFA_REMOVED`,
`MFA_RECOVERY_CODES`), and so is a wrong code typed at the second step of signing in
(`SIGN_IN_FAILED`). The session remembers whether its person is enrolled, so the gate
(`identity.mfa.middleware`) needs no query on each page.
"""

from allauth.mfa import signals as mfa_signals
from allauth.mfa.models import Authenticator
from django.contrib.auth.signals import user_logged_in

from ..models import AuditEvent
from ..services import audit_record
from .policy import session_enrolment_remember

# allauth's authenticator types -> the audit's method names
METHODS = {
    Authenticator.Type.TOTP: "totp",
    Authenticator.Type.WEBAUTHN: "passkey",
    Authenticator.Type.RECOVERY_CODES: "recovery_code",
}


def _detail(authenticator) -> dict:
    detail = {"type": authenticator.type}
    if authenticator.type == Authenticator.Type.WEBAUTHN:
        wrapped = authenticator.wrap()
        detail["name"] = wrapped.name[:100]
        if wrapped.is_passwordless is not None:
            detail["passkey"] = bool(wrapped.is_passwordless)
    return detail


def _record(kind, request, user, authenticator, **extra):
    audit_record(
        kind=kind,
        request=request,
        user=user,
        method=METHODS.get(authenticator.type, authenticator.type),
        detail={**_detail(authenticator), **extra},
        **({"success": False} if kind == AuditEvent.Kind.SIGN_IN_FAILED else {}),
    )


def _added(sender, request, user, authenticator, **kwargs):
    _record(AuditEvent.Kind.MFA_ADDED, request, user, authenticator)
    session_enrolment_remember(request, user)


def _removed(sender, request, user, authenticator, **kwargs):
    _record(AuditEvent.Kind.MFA_REMOVED, request, user, authenticator)
    session_enrolment_remember(request, user)


def _reset(sender, request, user, authenticator, **kwargs):
    _record(AuditEvent.Kind.MFA_RECOVERY_CODES, request, user, authenticator)


def _failed(sender, request, user, authenticator, reauthentication=False, **kwargs):
    _record(
        AuditEvent.Kind.SIGN_IN_FAILED,
        request,
        user,
        authenticator,
        second_factor=True,
        reauthentication=bool(reauthentication),
    )


def _signed_in(sender, request, user, **kwargs):
    if request is not None:
        session_enrolment_remember(request, user)


def connect() -> None:
    mfa_signals.authenticator_added.connect(_added, dispatch_uid="identity.mfa.added")
    mfa_signals.authenticator_removed.connect(_removed, dispatch_uid="identity.mfa.removed")
    mfa_signals.authenticator_reset.connect(_reset, dispatch_uid="identity.mfa.reset")
    mfa_signals.authentication_failed.connect(_failed, dispatch_uid="identity.mfa.failed")
    user_logged_in.connect(_signed_in, dispatch_uid="identity.mfa.signed_in")
