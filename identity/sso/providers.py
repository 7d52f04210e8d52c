"""allauth's OpenID Connect and SAML providers, hardened for company sign-in.

Installed through `SOCIALACCOUNT_PROVIDERS[...]["provider_class"]` (ambassador/sso_settings.py),
so allauth's own views, URLs and admin keep working. What they add:

* OpenID Connect: a `nonce` in every authorisation request, remembered in the session
  and required, once, in the ID token (allauth 65 sends none); the sign-in always
  starts a *login* (never "connect" or "redirect" from a query parameter); the `amr`
  claim is read for MFA.
* SAML: each assertion is accepted once (its ID is kept in the shared cache until it
  expires), so a captured response cannot be posted again; the `AuthnContextClassRef`
  is read for MFA.

Both set `sociallogin.identity_mfa` (did the IdP assert a second factor that this
provider's configuration accepts?) for `identity.sso.adapter.SocialAccountAdapter`.
"""

from __future__ import annotations

import time

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.helpers import render_authentication_error
from allauth.socialaccount.providers.base import ProviderException
from allauth.socialaccount.providers.base.constants import AuthProcess
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from allauth.socialaccount.providers.saml.provider import SAMLProvider
from django.core.cache import cache
from django.utils.crypto import get_random_string

from ambassador.sso_settings import DEFAULT_MFA_AMR, DEFAULT_MFA_AUTHN_CONTEXTS

NONCES_SESSION_KEY = "identity_sso_oidc_nonces"
NONCE_TTL_SECONDS = 600  # as long as allauth keeps the state of a sign-in
NONCES_KEPT = 10  # sign-ins started in parallel (tabs) by one browser
ASSERTION_GRACE_SECONDS = 300  # clock skew python3-saml tolerates, plus margin


class NonceMismatch(ProviderException):
    """The ID token does not carry a nonce this browser asked for."""


class AssertionReplayed(ProviderException):
    """A SAML assertion that was already used to sign in."""


def _claim_values(value) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, list | tuple):
        return {str(item) for item in value}
    return set()


class CompanyOIDCProvider(OpenIDConnectProvider):
    protocol = "oidc"
    package = "allauth.socialaccount.providers.openid_connect"  # allauth's URLs and views

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        nonce = get_random_string(32)
        now = time.time()
        nonces = {
            key: issued
            for key, issued in request.session.get(NONCES_SESSION_KEY, {}).items()
            if now - issued < NONCE_TTL_SECONDS
        }
        nonces[nonce] = now
        newest = sorted(nonces.items(), key=lambda item: item[1])[-NONCES_KEPT:]
        request.session[NONCES_SESSION_KEY] = dict(newest)
        auth_params = kwargs.pop("auth_params", None)
        if auth_params is None:
            auth_params = self.get_auth_params()
        auth_params = {**auth_params, "nonce": nonce}
        return super().redirect(
            request, AuthProcess.LOGIN, next_url, data, auth_params=auth_params, **kwargs
        )

    def sociallogin_from_response(self, request, response):
        id_token = response.get("id_token") or {}
        nonce = id_token.get("nonce")
        nonces = request.session.get(NONCES_SESSION_KEY, {})
        issued = nonces.pop(nonce, None) if isinstance(nonce, str) else None
        request.session[NONCES_SESSION_KEY] = nonces
        if issued is None or time.time() - issued >= NONCE_TTL_SECONDS:
            raise NonceMismatch("the ID token's nonce was not issued to this browser")
        login = super().sociallogin_from_response(request, response)
        accepted = set(self.app.settings.get("mfa_amr_values", DEFAULT_MFA_AMR))
        login.identity_mfa = bool(
            self.app.settings.get("mfa_from_idp") and accepted & _claim_values(id_token.get("amr"))
        )
        return login


class CompanySAMLProvider(SAMLProvider):
    protocol = "saml"
    package = "allauth.socialaccount.providers.saml"  # allauth's URLs and views

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        return super().redirect(request, AuthProcess.LOGIN, next_url, data, **kwargs)

    def sociallogin_from_response(self, request, response):
        # `response` is python3-saml's OneLogin_Saml2_Auth, already validated (signature,
        # audience, destination, time window).
        assertion_id = response.get_last_assertion_id()
        expires = response.get_last_assertion_not_on_or_after() or time.time()
        seconds = max(60, int(expires - time.time()) + ASSERTION_GRACE_SECONDS)
        key = f"identity:sso:saml-assertion:{self.app.client_id}:{assertion_id}"
        if not assertion_id or not cache.add(key, True, timeout=seconds):
            raise ImmediateHttpResponse(
                render_authentication_error(
                    request, self, exception=AssertionReplayed("assertion already used")
                )
            )
        login = super().sociallogin_from_response(request, response)
        accepted = set(self.app.settings.get("mfa_authn_contexts", DEFAULT_MFA_AUTHN_CONTEXTS))
        contexts = set(response.get_last_authn_contexts() or [])
        login.identity_mfa = bool(self.app.settings.get("mfa_from_idp") and accepted & contexts)
        return login
