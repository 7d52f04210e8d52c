import datetime

from django.utils import timezone

from assignments.services import AssignmentSpec, assignment_create


def assign(*, course, by=None, days=30, **spec):
    """Create and apply an assignment through the real service (fixed date by default)."""
    spec.setdefault("due_on", timezone.localdate() + datetime.timedelta(days=days))
    return assignment_create(spec=AssignmentSpec(course=course, **spec), by=by)
