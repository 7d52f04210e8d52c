"""The HR file between its dry run and "Import this file now".

The page checks the upload with a dry run and keeps the file here, under an unguessable
token bound to the uploader; the confirmation names only the token. A token is claimed
once (a conditional delete: the row goes, with the file, in the transaction that imports
it), so a second click, a reload or a stale page changes nothing. Files expire after
`STAGING_TTL`; expired ones are purged whenever a new file is staged.
"""

import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .models import StagedImport, User

STAGING_TTL = timedelta(minutes=30)


@transaction.atomic
def staged_import_create(
    *, user: User, filename: str, content: bytes, deactivate_missing: bool
) -> StagedImport:
    StagedImport.objects.filter(created_at__lt=timezone.now() - STAGING_TTL).delete()
    return StagedImport.objects.create(
        token=secrets.token_urlsafe(32),
        uploaded_by=user,
        filename=filename,
        content=content,
        deactivate_missing=deactivate_missing,
    )


def staged_import_claim(*, token: str, user: User) -> StagedImport | None:
    """The uploader's unexpired file for `token`, removed from the store; None if it is
    someone else's, expired, or already claimed. Call inside the importing transaction:
    a concurrent second claim waits for it and then finds nothing."""
    fresh = StagedImport.objects.filter(
        token=token, uploaded_by=user, created_at__gte=timezone.now() - STAGING_TTL
    )
    staged = fresh.select_for_update().first()
    if staged is None or fresh.filter(pk=staged.pk).delete()[0] != 1:
        return None
    return staged
