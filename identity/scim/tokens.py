"""SCIM bearer tokens: made and revoked by HR, checked on every SCIM request.

A token reads `scim_` + 43 URL-safe characters (256 random bits). Only its SHA-256 is
stored, with the first characters as a visible prefix; the secret is shown once, when
it is made. The last use is written at most once a minute per token (a conditional
UPDATE), so a busy provisioning run does not write the token row on every call.
"""

import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .models import ScimToken, token_digest

TOKEN_PREFIX = "scim_"  # noqa: S105 - the visible start of every token, not a secret
PREFIX_CHARS = 10  # "scim_" and 5 characters of the secret, shown to tell tokens apart
LAST_USED_EVERY = timedelta(minutes=1)


@transaction.atomic
def scim_token_create(*, name: str, created_by) -> tuple[ScimToken, str]:
    """A new token and its secret (the only time the secret exists outside the caller)."""
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ScimToken(
        name=name.strip(),
        prefix=secret[:PREFIX_CHARS],
        digest=token_digest(secret),
        created_by=created_by,
    )
    token.full_clean()
    token.save(force_insert=True)
    return token, secret


@transaction.atomic
def scim_token_revoke(*, token_id: int, by) -> bool:
    """Revoke a token for good; False if it was already revoked."""
    return bool(
        ScimToken.objects.filter(pk=token_id, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=by
        )
    )


def scim_token_authenticate(authorization: str) -> tuple[ScimToken | None, str]:
    """The token an `Authorization: Bearer …` header carries, or None and why not."""
    scheme, _space, secret = (authorization or "").partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret:
        return None, "A bearer token is required (Authorization: Bearer <token>)."
    token = ScimToken.objects.filter(digest=token_digest(secret)).first()
    if token is None:
        return None, "The bearer token is not valid."
    if token.revoked_at is not None:
        return token, "The bearer token has been revoked."
    now = timezone.now()
    if token.last_used_at is None or token.last_used_at < now - LAST_USED_EVERY:
        ScimToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token, ""
