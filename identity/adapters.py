"""The site's account adapter (`ACCOUNT_ADAPTER`): people's rules (closed signup, sign-in
limits, reauthentication) plus identity's second-factor step (`identity.mfa.stages`)."""

from people.adapters import AccountAdapter as PeopleAccountAdapter

ALLAUTH_STAGE = "allauth.mfa.stages.AuthenticateStage"
OUR_STAGE = "identity.mfa.stages.AuthenticateUnlessProviderDid"


class AccountAdapter(PeopleAccountAdapter):
    def get_login_stages(self) -> list[str]:
        return [
            OUR_STAGE if stage == ALLAUTH_STAGE else stage for stage in super().get_login_stages()
        ]
