"""allauth's social-account adapter for company sign-in (`SOCIALACCOUNT_ADAPTER`).

Signup stays closed: an identity provider signs in only an employee HR provisioned.
`pre_social_login` (after allauth has verified the provider's answer, before anyone is
signed in) finds that employee:

1. a company account already linked to this provider identity (`SocialAccount`);
2. else, with `employee_number_claim` set for the provider, the employee with that
   number;
3. else, the employee whose email is the provider's *verified* address.

The employee's address must be in one of the provider's `domains` (a provider vouches for
its own domains only) and the user active (a leaver stays out whatever the provider says).
Nobody found: the "account not set up, contact HR" page (403), and nothing is created. On
success the identity is linked, and the session records whether the provider asserted a
second factor that counts (`SSO_MFA_SESSION_KEY`, read by the MFA policy; docs/sso.md).
"""

from __future__ import annotations

import logging

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.providers.base.constants import AuthError
from django.conf import settings
from django.shortcuts import render

from identity.sso import audit
from identity.sso.providers import AssertionReplayed, NonceMismatch
from identity.sso.selectors import (
    email_domain,
    employee_user_by_email,
    employee_user_by_number,
    sso_domains,
    sso_provider_key,
)

logger = logging.getLogger(__name__)

# The session key the MFA policy reads: True when this session's sign-in came through a
# provider whose configuration counts its second factor, and the provider asserted one.
SSO_MFA_SESSION_KEY = "identity_sso_mfa"

NOT_SET_UP = "not_set_up"
DEACTIVATED = "deactivated"
WRONG_DOMAIN = "wrong_domain"


def _method(provider) -> str:
    return getattr(provider, "protocol", "saml" if provider.id == "saml" else "oidc")


def _claim(sociallogin, name: str) -> str:
    """A claim (OIDC: userinfo, then ID token) or attribute (SAML) as one string."""
    data = sociallogin.account.extra_data or {}
    sources = [data.get("userinfo") or {}, data.get("id_token") or {}, data]
    for source in sources:
        value = source.get(name) if isinstance(source, dict) else None
        if isinstance(value, list):
            value = value[0] if value else None
        if value not in (None, ""):
            return str(value).strip()
    return ""


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin) -> bool:
        return False

    def is_auto_signup_allowed(self, request, sociallogin) -> bool:
        return False

    def authenticate_by_email(self, sociallogin):
        # Never allauth's own e-mail matching: `pre_social_login` applies the company rule.
        return None

    def pre_social_login(self, request, sociallogin) -> None:
        provider = sociallogin.provider
        domains = sso_domains(provider)
        if sociallogin.is_existing:
            user = sociallogin.user
        else:
            user = self._provisioned_user(sociallogin, provider, domains)
        if user is None:
            self._refuse(request, sociallogin, provider, NOT_SET_UP)
        if email_domain(user.email) not in domains:
            self._refuse(request, sociallogin, provider, WRONG_DOMAIN, user=user)
        if not user.is_active:
            self._refuse(request, sociallogin, provider, DEACTIVATED, user=user)
        if not sociallogin.is_existing:
            sociallogin.connect(request, user)
        request.session[SSO_MFA_SESSION_KEY] = bool(getattr(sociallogin, "identity_mfa", False))

    def _provisioned_user(self, sociallogin, provider, domains):
        claim = provider.app.settings.get("employee_number_claim")
        if claim:
            number = _claim(sociallogin, claim)
            return employee_user_by_number(employee_number=number) if number else None
        for address in sociallogin.email_addresses:
            verified = address.verified or self.is_email_verified(provider, address.email)
            if verified and email_domain(address.email) in domains:
                user = employee_user_by_email(email=address.email)
                if user is not None:
                    return user
        return None

    def _refuse(self, request, sociallogin, provider, reason, *, user=None):
        email = user.email if user else _claim(sociallogin, "email")
        audit.sso_refused(
            request=request,
            user=user,
            email=email,
            method=_method(provider),
            provider=sso_provider_key(provider),
            reason=reason,
        )
        context = {
            "reason": reason,
            "provider_name": provider.name,
            "hr_contact": settings.SSO_HR_CONTACT,
        }
        raise ImmediateHttpResponse(
            render(request, "identity/sso_refused.html", context, status=403)
        )

    def on_authentication_error(
        self, request, provider, error=None, exception=None, extra_context=None
    ) -> None:
        """The provider's answer failed a check (state, nonce, issuer, signature, audience,
        validity, replay): nothing happened; say so clearly, with a 400."""
        if error == AuthError.CANCELLED:
            return  # allauth's "sign-in cancelled" page
        extra_context = extra_context or {}
        if isinstance(exception, NonceMismatch):
            reason = "nonce"
        elif isinstance(exception, AssertionReplayed):
            reason = "replayed"
        elif "saml_errors" in extra_context:
            reason = "invalid_response"
        elif exception is None and "callback_view" in extra_context:
            reason = "state"
        elif exception is None and _method(provider) == "saml":
            reason = "unsolicited"  # IdP-initiated, or the ACS hand-over lost
        else:
            reason = "invalid_response"
        detail = str(extra_context.get("saml_last_error_reason") or exception or "")
        logger.warning(
            "Company sign-in rejected (%s, %s): %s", sso_provider_key(provider), reason, detail
        )
        audit.sso_failed(
            request=request,
            method=_method(provider),
            provider=sso_provider_key(provider),
            reason=reason,
            detail=detail[:200],
        )
        context = {"reason": reason, "provider_name": provider.name}
        raise ImmediateHttpResponse(render(request, "identity/sso_error.html", context, status=400))
