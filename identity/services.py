"""Writes of `identity`: the audit trail."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.ratelimit import client_address

from .models import AuditEvent

# Rows deleted per statement by the purge: short transactions, no long lock on the table.
PURGE_BATCH = 5000


def audit_record(
    *,
    kind: str,
    request=None,
    user=None,
    email: str = "",
    success: bool = True,
    method: str = "",
    provider: str = "",
    actor: str = "",
    detail: dict | None = None,
) -> AuditEvent:
    """Record one event. `user` is the person concerned (None when no account matched),
    `email` what was typed or claimed (defaults to the user's address; kept in lower
    case, as accounts are), `actor` who
    acted when it was not that person (a SCIM token), `request` gives the address."""
    address = client_address(request) if request is not None else None
    if user is not None and not getattr(user, "pk", None):
        user = None  # an anonymous user, or an account that does not exist
    event = AuditEvent(
        created_at=timezone.now(),
        kind=kind,
        success=success,
        user=user,
        email=(email or (user.email if user is not None else "")).strip().lower()[:254],
        method=method[:30],
        provider=provider[:100],
        actor=actor[:200],
        ip_address=address if address and address != "unknown" else None,
        detail=detail or {},
    )
    event.save(force_insert=True)
    return event


def audit_events_purge(*, now=None) -> int:
    """Delete the events older than AUDIT_RETENTION_DAYS, in batches; returns how many."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.AUDIT_RETENTION_DAYS)
    deleted = 0
    while True:
        with transaction.atomic():
            batch = list(
                AuditEvent.objects.filter(created_at__lt=cutoff)
                .order_by("created_at")
                .values_list("pk", flat=True)[:PURGE_BATCH]
            )
            if not batch:
                return deleted
            deleted += AuditEvent.objects.filter(pk__in=batch).delete()[0]
