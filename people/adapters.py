from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Signup is closed: people are provisioned by the HR import."""

    def is_open_for_signup(self, request):
        return False
