"""Reads for the HR pages, each in a fixed number of queries."""

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from courses.models import Course, Enrollment
from courses.translation import translated, translations_prefetch
from people.models import Employee

from .models import Assignment, AssignmentChange


@dataclass(frozen=True)
class Reach:
    reach: int = 0
    completed: int = 0
    in_progress: int = 0
    overdue: int = 0

    @property
    def completion_percent(self) -> int:
        return round(100 * self.completed / self.reach) if self.reach else 0

    @property
    def not_started(self) -> int:
        return self.reach - self.completed - self.in_progress


def assignment_list() -> QuerySet[Assignment]:
    return (
        Assignment.objects.select_related("course", "created_by")
        .prefetch_related("departments", translations_prefetch(Course, "course"))
        .order_by("status", "-created_at", "-pk")
    )


def reach_for(assignment_ids, *, today: datetime.date | None = None) -> dict[int, Reach]:
    """Reach and completion of each assignment: the current enrollments it owns, of
    active people (leavers do not count). One grouped query."""
    today = today or timezone.localdate()
    rows = (
        Enrollment.objects.filter(
            assignment_id__in=list(assignment_ids),
            is_current=True,
            employee__user__is_active=True,
        )
        .values("assignment_id")
        .annotate(
            reach=Count("pk"),
            completed=Count("pk", filter=Q(status=Enrollment.Status.COMPLETED)),
            in_progress=Count("pk", filter=Q(status=Enrollment.Status.IN_PROGRESS)),
            overdue=Count(
                "pk", filter=~Q(status=Enrollment.Status.COMPLETED) & Q(due_on__lt=today)
            ),
        )
        .order_by()
    )
    return {
        row["assignment_id"]: Reach(
            row["reach"], row["completed"], row["in_progress"], row["overdue"]
        )
        for row in rows
    }


def assignment_get(pk: int) -> Assignment:
    return (
        Assignment.objects.select_related("course", "created_by")
        .prefetch_related(
            "departments", "excluded_departments", "employees__user", "excluded_employees__user"
        )
        .get(pk=pk)
    )


def assignment_history(assignment: Assignment) -> QuerySet[AssignmentChange]:
    return assignment.changes.select_related("changed_by").order_by("-changed_at", "-pk")


def assignment_people(assignment: Assignment, *, limit: int = 50):
    """The first people of the assignment who are not done, earliest due first."""
    return (
        Enrollment.objects.filter(
            assignment_id=assignment.pk, is_current=True, employee__user__is_active=True
        )
        .exclude(status=Enrollment.Status.COMPLETED)
        .select_related("employee__user", "employee__department")
        .order_by("due_on", "employee__user__last_name", "pk")[:limit]
    )


def employee_search(query: str, *, limit: int = 20) -> list[Employee]:
    """Active employees by name, email or number (for naming people in an assignment)."""
    terms = query.split()
    if not terms:
        return []
    employees = Employee.objects.filter(user__is_active=True)
    for term in terms:
        employees = employees.filter(
            Q(user__first_name__icontains=term)
            | Q(user__last_name__icontains=term)
            | Q(user__email__icontains=term)
            | Q(employee_number__iexact=term)
        )
    return list(
        employees.select_related("user", "department").order_by(
            "user__last_name", "user__first_name", "pk"
        )[:limit]
    )


def assignments_for_employees(employee_ids) -> dict[int, list[Enrollment]]:
    """Current assigned enrollments of these employees, for the People directory
    (status and due date). One query."""
    result: dict[int, list[Enrollment]] = {}
    rows = (
        Enrollment.objects.filter(
            employee_id__in=list(employee_ids), is_current=True, assignment_id__isnull=False
        )
        .select_related("course")
        .prefetch_related(translations_prefetch(Course, "course"))
        .order_by("due_on", translated(Course, "title", outer="course_id"))
    )
    for enrollment in rows:
        result.setdefault(enrollment.employee_id, []).append(enrollment)
    return result
