"""HR's view of the audit trail: sign-ins, second factors and provisioning calls."""

from django.conf import settings
from django.contrib.auth.decorators import permission_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .forms import AuditFilterForm
from .selectors import audit_event_list

PAGE_SIZE = 50


@permission_required("identity.view_auditevent", raise_exception=True)
@require_GET
def audit_list(request):
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    try:
        before = int(request.GET.get("before", ""))
    except ValueError:
        before = None  # a tampered cursor shows the first page
    rows = list(
        audit_event_list(
            kind=filters.get("kind", ""),
            failures_only=filters.get("failures", False),
            search=filters.get("q", ""),
            before=before,
        )[: PAGE_SIZE + 1]
    )
    events, more = rows[:PAGE_SIZE], len(rows) > PAGE_SIZE
    query = request.GET.copy()
    query.pop("before", None)
    return render(
        request,
        "identity/audit_list.html",
        {
            "form": form,
            "events": events,
            "older": events[-1].pk if more else None,
            "querystring": query.urlencode(),
            "first_page": before is None,
            "retention_days": settings.AUDIT_RETENTION_DAYS,
        },
    )
