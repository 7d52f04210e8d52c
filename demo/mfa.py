"""The current code of the demo logins' authenticator app (`manage.py demo_totp_code`).

The demo HR admin and author hold roles that must use a second factor
(MFA_REQUIRED_ROLES): the demo organisation gives them an authenticator app with the
published `people.demo.DEMO_TOTP_SECRET` (docs/decisions.md), so the demo signs in as
production does; this prints what such an app shows, for trying the demo without one.
"""

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from people.demo import DEMO_TOTP_SECRET

PERIOD = 30


def demo_totp_code(at: float) -> str:
    """The code an authenticator app holding the demo secret shows at time `at`."""
    return format_hotp_value(hotp_value(DEMO_TOTP_SECRET, int(at // PERIOD)))
