"""The drill-down (one row per employee × course) and one employee's record."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, QuerySet
from django.utils import timezone

from courses.models import Course, Enrollment
from courses.translation import translated, translations_prefetch
from people.models import Employee
from people.selectors import employees_visible_to
from quizzes.models import Attempt

# --- The drill-down: one row per employee × course ---------------------------------------------

SORTS = {
    "name": ("employee__user__last_name", "employee__user__first_name", "employee_id"),
    "department": ("employee__department__name", "employee__user__last_name", "employee_id"),
    "course": ("course_title", "employee__user__last_name", "employee_id"),
    "status": ("status", "employee__user__last_name", "employee_id"),
    "progress": ("progress_percent", "employee__user__last_name", "employee_id"),
    "due": ("due_on", "employee__user__last_name", "employee_id"),
    "score": ("best_score", "employee__user__last_name", "employee_id"),
}


def ordering_for(sort: str) -> list[str]:
    descending = sort.startswith("-")
    fields = SORTS.get(sort.lstrip("-"), SORTS["name"])
    if not descending:
        return [*fields, "pk"]
    return [f"-{fields[0]}", *fields[1:], "pk"]


def drilldown_rows(enrollments: QuerySet[Enrollment], *, sort: str = "name"):
    """The rows of the employee table (and of its exports), with everything a row shows
    in the same query: employee, user, department, course and certificate."""
    return (
        enrollments.select_related(
            "employee__user", "employee__department", "course", "certificate"
        )
        .annotate(course_title=translated(Course, "title", outer="course_id"))
        .prefetch_related(translations_prefetch(Course, "course"))
        .order_by(*ordering_for(sort))
    )


# --- One employee ------------------------------------------------------------------------------


@dataclass
class EmployeeRecord:
    employee: Employee
    current: list[Enrollment]
    history: list[Enrollment]
    attempts: dict[int, int]  # enrollment id -> submitted attempts
    today: date


def employee_get_for(user, pk: int) -> Employee:
    """The employee if `user` may see them, else 404 (leavers included)."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        employees_visible_to(user).select_related(
            "user", "department", "line_manager__user", "line_manager__department"
        ),
        pk=pk,
    )


def employee_record(employee: Employee) -> EmployeeRecord:
    """Every course of the employee (current cycle first, then earlier cycles), with
    certificates and attempt counts. Two queries."""
    enrollments = list(
        Enrollment.objects.filter(employee=employee)
        .select_related("course", "certificate")
        .prefetch_related(translations_prefetch(Course, "course"))
        .order_by(translated(Course, "title", outer="course_id"), "course_id", "-cycle")
    )
    attempts = dict(
        Attempt.objects.filter(enrollment__employee=employee, submitted_at__isnull=False)
        .order_by()
        .values("enrollment_id")
        .annotate(n=Count("pk"))
        .values_list("enrollment_id", "n")
    )
    return EmployeeRecord(
        employee=employee,
        current=[e for e in enrollments if e.is_current],
        history=[e for e in enrollments if not e.is_current],
        attempts=attempts,
        today=timezone.localdate(),
    )
