import time

from allauth.account import app_settings as account_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.authentication import get_authentication_records
from allauth.core import context
from django.conf import settings
from django.utils.translation import gettext_lazy as _

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def rate_period_minutes(rate: str) -> int:
    """The period of a rate like `5/5m` in whole minutes (at least 1)."""
    period = rate.split("/")[1]
    seconds = int(period[:-1] or 1) * _UNITS[period[-1]]
    return max(1, round(seconds / 60))


class AccountAdapter(DefaultAccountAdapter):
    """Signup is closed: people are provisioned by the HR import. Failed sign-ins are
    counted per (account, address) pair, not per account (see settings)."""

    def __init__(self, request=None):
        super().__init__(request)
        minutes = rate_period_minutes(settings.LOGIN_FAILURES_PER_ACCOUNT_ADDRESS)
        self.error_messages = {
            **self.error_messages,
            "too_many_login_attempts": _(
                "Too many failed login attempts for this account from your network address. "
                "Wait %(minutes)s minutes and try again, or reset your password."
            )
            % {"minutes": minutes},
        }

    def is_open_for_signup(self, request):
        return False

    def _get_login_attempts_cache_key(self, request, **credentials):
        # allauth keys the "failed logins" limit on the login alone, so anyone could lock
        # a colleague out by typing wrong passwords for their email. Key it on the pair:
        # the brute-force limit holds per address, the owner signs in from elsewhere.
        login = super()._get_login_attempts_cache_key(request, **credentials)
        return f"{login}@{self.get_client_ip(request)}"

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        # allauth asks for the password again before a sensitive change (adding a second
        # factor) unless it was *re*-confirmed in the last minutes; a sign-in that recent
        # proves as much. Without this, a person sent to enrolment right after signing in
        # would be asked at once for the password they have just typed.
        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        request = context.request
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return True
        records = get_authentication_records(request, user)
        latest = max((record.get("at", 0) for record in records), default=0)
        return time.time() - latest >= account_settings.REAUTHENTICATION_TIMEOUT
