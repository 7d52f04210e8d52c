"""Sign-ins into the audit trail.

A successful sign-in is told by allauth's `user_logged_in` (every way in: password,
passkey, SSO); allauth keeps in the session how this person authenticated
(`get_authentication_records`), which gives the method and the second factor. A failed
password is told by Django's `user_login_failed`, with the address that was typed.
"""

from allauth.account.authentication import get_authentication_records
from allauth.account.signals import user_logged_in
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_login_failed

from .models import AuditEvent
from .services import audit_record

# allauth's socialaccount provider ids -> the audit's method names
SSO_METHODS = {"openid_connect": "oidc", "saml": "saml"}
# allauth.mfa's authenticator types -> the method of a sign-in completed with that second
# factor (the first, usually the password, stays in the detail)
SECOND_FACTOR_METHODS = {"totp": "totp", "recovery_codes": "recovery_code", "webauthn": "passkey"}


def sign_in_method(request, user, sociallogin=None) -> tuple[str, str, dict]:
    """(method, provider, detail) of the sign-in that just completed."""
    if sociallogin is not None:
        provider = sociallogin.provider
        return SSO_METHODS.get(provider.id, provider.id), provider.sub_id, {}
    records = get_authentication_records(request, user)
    first_factor = next(
        (r for r in reversed(records) if r.get("method") not in (None, "mfa")), None
    )
    second = next(
        (r for r in reversed(records) if r.get("method") == "mfa" and not r.get("passwordless")),
        None,
    )
    passkey = any(r.get("method") == "mfa" and r.get("passwordless") for r in records)
    if passkey:
        method = "passkey"
    elif first_factor is not None:
        method = first_factor["method"]
        if method == "socialaccount":
            return SSO_METHODS.get(first_factor.get("provider"), "sso"), "", {}
    else:
        method = ""
    if second is None:
        return method, "", {}
    detail = {"first_factor": method, "second_factor": second["type"]}
    return SECOND_FACTOR_METHODS.get(second["type"], second["type"]), "", detail


def _signed_in(sender, request, user, sociallogin=None, **kwargs):
    method, provider, detail = sign_in_method(request, user, sociallogin)
    audit_record(
        kind=AuditEvent.Kind.SIGN_IN,
        request=request,
        user=user,
        method=method,
        provider=provider,
        detail=detail,
    )


def _sign_in_failed(sender, credentials, request=None, **kwargs):
    email = str(credentials.get("email") or credentials.get("username") or "").strip()[:254]
    # Addresses are stored in lower case (people.models.UserManager).
    user = get_user_model().objects.filter(email=email.lower()).first() if email else None
    audit_record(
        kind=AuditEvent.Kind.SIGN_IN_FAILED,
        request=request,
        user=user,
        email=email,
        success=False,
        method="password",
    )


def connect() -> None:
    user_logged_in.connect(_signed_in, dispatch_uid="identity.audit.signed_in")
    user_login_failed.connect(_sign_in_failed, dispatch_uid="identity.audit.sign_in_failed")
