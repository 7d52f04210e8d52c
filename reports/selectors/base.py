"""Scope, filters and the enrollments a report reads."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from courses.models import Course, Enrollment
from courses.translation import translated
from people.models import Department, Employee
from people.selectors import department_scope_q, departments_visible_to

COMPLETED = Enrollment.Status.COMPLETED
IN_PROGRESS = Enrollment.Status.IN_PROGRESS
NOT_STARTED = Enrollment.Status.NOT_STARTED


def overdue_q(today: date, prefix: str = "") -> Q:
    return Q(**{f"{prefix}due_on__lt": today}) & ~Q(**{f"{prefix}status": COMPLETED})


@dataclass(frozen=True)
class ReportFilters:
    """What a report is narrowed to; every field optional. The department must already
    be one the user may see (the view turns any other id into a 404)."""

    course: Course | None = None
    department: Department | None = None
    status: str = ""
    overdue: bool = False
    mandatory: bool = False
    q: str = ""

    def describe(self) -> list[tuple[str, str]]:
        """(label, value) of each filter in force, for the first lines of an export."""
        from django.utils.translation import gettext as _

        lines = [
            (_("Course"), self.course.title if self.course else _("All courses")),
            (
                _("Department"),
                f"{self.department.name} ({self.department.code})"
                if self.department
                else _("All departments in scope"),
            ),
        ]
        if self.status:
            lines.append((_("Status"), str(Enrollment.Status(self.status).label)))
        if self.overdue:
            lines.append((_("Overdue only"), _("yes")))
        if self.mandatory:
            lines.append((_("Mandatory only"), _("yes")))
        if self.q:
            lines.append((_("Name search"), self.q))
        return lines


def report_employees(user) -> QuerySet[Employee]:
    """The active employees a report may show to `user`: the one scoping rule, narrowed
    to the departments in scope (a manager's own record, when they work outside the
    departments they manage, is theirs to see but not part of their reports).

    `employees_visible_to` narrowed to `departments_visible_to` is exactly the people of
    the departments in scope, so the condition is written on the employee's department
    (a join, see `people.selectors.department_scope_q`) rather than as nested
    subqueries: PostgreSQL then starts from the scope and reads a manager's few
    thousand rows through the indexes instead of joining every enrollment first."""
    return Employee.objects.filter(report_scope_q(user, "")).filter(user__is_active=True)


def report_scope_q(user, prefix: str) -> Q:
    """The scope of `report_employees` as a condition on the employee reached through
    `prefix` ("employee__" from an enrollment, "attempt__employee__" from an answer)."""
    return department_scope_q(user, f"{prefix}department__") & Q(
        **{f"{prefix}user__is_active": True}
    )


def report_departments(user) -> QuerySet[Department]:
    return departments_visible_to(user)


def report_courses() -> QuerySet[Course]:
    # Built when the filter form class is defined: ordered by the English title, each
    # label read in the reader's language from the prefetched translation rows.
    return (
        Course.objects.annotate(title_en=translated(Course, "title"))
        .order_by("title_en", "pk")
        .prefetch_related("translations")
    )


def enrollments_for(user, filters: ReportFilters, *, today: date) -> QuerySet[Enrollment]:
    """Current enrollments of active employees in scope, narrowed by `filters`."""
    enrollments = Enrollment.objects.filter(report_scope_q(user, "employee__"), is_current=True)
    if filters.course is not None:
        enrollments = enrollments.filter(course=filters.course)
    if filters.department is not None:
        enrollments = enrollments.filter(
            employee__department__path__startswith=filters.department.path
        )
    if filters.status:
        enrollments = enrollments.filter(status=filters.status)
    if filters.overdue:
        enrollments = enrollments.filter(overdue_q(today))
    if filters.mandatory:
        enrollments = enrollments.filter(mandatory=True)
    for term in filters.q.split():
        enrollments = enrollments.filter(
            Q(employee__user__first_name__icontains=term)
            | Q(employee__user__last_name__icontains=term)
            | Q(employee__user__email__icontains=term)
            | Q(employee__employee_number__iexact=term)
        )
    return enrollments
