"""Reads of `identity`."""

from django.db.models import QuerySet

from .models import AuditEvent


def audit_event_list(
    *, kind: str = "", failures_only: bool = False, search: str = "", before: int | None = None
) -> QuerySet[AuditEvent]:
    """The audit trail, newest first, filtered as the HR page asks; `before` is the
    cursor of the next page (the smallest id shown on the previous one)."""
    events = AuditEvent.objects.select_related("user").order_by("-pk")
    if before is not None:
        events = events.filter(pk__lt=before)
    if kind:
        events = events.filter(kind=kind)
    if failures_only:
        events = events.filter(success=False)
    if search:
        # An address (typed or the account's) or a network address, exactly as written.
        term = search.strip().lower()
        events = events.filter(email=term) if "@" in term else events.filter(ip_address=term)
    return events
