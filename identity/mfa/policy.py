"""Who must use a second factor, and whether they have one.

`MFA_REQUIRED_ROLES` (settings) names the roles of `people.roles` that must: a person
holding any of them needs a TOTP app or a passkey/security key (recovery codes alone are
not a factor), unless their sign-in came through an identity provider that asserted MFA
and is trusted to (the SSO code sets `SSO_MFA_SESSION_KEY` in the session).
"""

from allauth.mfa.models import Authenticator
from django.conf import settings

from people.roles import roles_for_display

# Set by the SSO sign-in when the identity provider asserted MFA (the `amr` claim or the
# SAML AuthnContextClassRef) and its configuration counts that as MFA here.
SSO_MFA_SESSION_KEY = "identity_sso_mfa"
# The id of the signed-in user once they are known to have a second factor: the gate then
# costs nothing on later requests. Set at sign-in and on enrolment, dropped on removal.
ENROLLED_SESSION_KEY = "identity_mfa_enrolled"

SECOND_FACTOR_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def mfa_required_for(user) -> bool:
    """Whether this person's roles oblige them to use a second factor.

    It reads the roles the layout shows (`roles_for_display`): a copy in the cache that
    every change through the ORM drops at once (group membership, staff status, managed
    departments) and that lags at most `ROLES_DISPLAY_SECONDS` behind bulk changes; the
    pages of a role still check the role itself."""
    if not settings.MFA_REQUIRED_ROLES or not user.is_authenticated:
        return False
    roles = roles_for_display(user)
    return any(getattr(roles, role) for role in settings.MFA_REQUIRED_ROLES)


def mfa_enrolled(user) -> bool:
    """Whether this person has a second factor (a TOTP app, a passkey or security key)."""
    return Authenticator.objects.filter(user_id=user.pk, type__in=SECOND_FACTOR_TYPES).exists()


def mfa_satisfied_by_session(request) -> bool:
    """This session already counts as having a second factor: an identity provider
    asserted MFA, or the person was found enrolled earlier in the session."""
    session = request.session
    return bool(session.get(SSO_MFA_SESSION_KEY)) or (
        session.get(ENROLLED_SESSION_KEY) == request.user.pk
    )


def session_enrolment_remember(request, user) -> None:
    """Remember in this session whether `user` has a second factor (after sign-in,
    enrolment or removal)."""
    session = getattr(request, "session", None)
    if session is None:
        return
    if mfa_enrolled(user):
        session[ENROLLED_SESSION_KEY] = user.pk
    else:
        session.pop(ENROLLED_SESSION_KEY, None)
