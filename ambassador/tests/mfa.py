"""Second factors in tests: TOTP codes computed here, independently of allauth
(RFC 6238: HMAC-SHA1 over the 30-second counter, dynamic truncation, 6 digits), and
enrolment of a person with a known secret."""

import base64
import hashlib
import hmac
import struct
import time

# The secret of the personas who must use a second factor (HR, authors, staff) in tests.
PERSONA_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105 -- test data
PERIOD = 30


def totp_code(secret: str, at: float | None = None) -> str:
    """The code an authenticator app shows for `secret` at time `at` (now)."""
    counter = int((time.time() if at is None else at) // PERIOD)
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


# The codes typed at the site served by this test process (the live server shares the
# process's cache, where allauth remembers the codes it accepted): forgotten when that
# cache is cleared between tests (`conftest._fresh_cache`). A site in a process of its
# own (the fault tests' gunicorn) remembers longer: pass a set of its own.
used_codes: set[tuple[str, int]] = set()


def fresh_totp_code(secret: str, used: set | None = None) -> str:
    """A code that is still valid for a few seconds and that was not typed yet at this
    site (it accepts each code once: a second sign-in waits for the next one)."""
    used = used_codes if used is None else used
    while True:
        now = time.time()
        counter = int(now // PERIOD)
        if PERIOD - now % PERIOD < 3 or (secret, counter) in used:
            time.sleep(PERIOD - now % PERIOD + 0.1)
            continue
        used.add((secret, counter))
        return totp_code(secret, now)


def enrol_totp(user, secret: str = PERSONA_TOTP_SECRET):
    """Give `user` an authenticator app with `secret`, as the enrolment page does."""
    from allauth.mfa.totp.internal.auth import TOTP

    return TOTP.activate(user, secret).instance


def totp_secret_of(email: str) -> str | None:
    """The TOTP secret of the account with this email, if it has an authenticator app."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import decrypt

    authenticator = Authenticator.objects.filter(
        user__email__iexact=email, type=Authenticator.Type.TOTP
    ).first()
    return decrypt(authenticator.data["secret"]) if authenticator else None
