"""allauth's second-factor step at sign-in, aware of the company identity provider.

Someone with an authenticator of the site's own is asked for it after the first factor
(allauth's `AuthenticateStage`). When they signed in through SSO and the provider has
just asserted a second factor of its own that its configuration lets count
(`SSO_MFA_SESSION_KEY`, set by `identity.sso.adapter` for this very sign-in), asking
again would be a second second factor: the step is skipped, as the MFA gate already
accepts that sign-in (`identity.mfa.policy`)."""

from allauth.mfa.stages import AuthenticateStage

from .policy import SSO_MFA_SESSION_KEY


class AuthenticateUnlessProviderDid(AuthenticateStage):
    def _should_handle(self, request) -> bool:
        social = (self.login.signal_kwargs or {}).get("sociallogin") is not None
        if social and request.session.get(SSO_MFA_SESSION_KEY) is True:
            return False
        return super()._should_handle(request)
