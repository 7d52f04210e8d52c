"""The HR dashboard: completions per week, departments behind, expiring certificates."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Case, Count, Q, QuerySet, Value, When
from django.utils import timezone

from assignments.models import Assignment
from certificates.models import Certificate
from courses.models import Course, Enrollment
from courses.translation import translated, translations_prefetch

from .rollup import DepartmentNode, Rollup
from .tallies import Tally, tally_annotations

# --- HR dashboard ------------------------------------------------------------------------------


@dataclass
class AssignmentRow:
    assignment: Assignment
    tally: Tally


def mandatory_assignments_summary(enrollments: QuerySet[Enrollment], *, today: date):
    """Completion of each active mandatory assignment over `enrollments` (the current
    rows in scope): one query grouped by assignment, one for the assignments."""
    by_assignment = {
        row["assignment_id"]: Tally.from_row(row)
        for row in enrollments.filter(assignment_id__isnull=False)
        .order_by()
        .values("assignment_id")
        .annotate(**tally_annotations(today))
    }
    assignments = (
        Assignment.objects.filter(
            pk__in=list(by_assignment), mandatory=True, status=Assignment.Status.ACTIVE
        )
        .select_related("course")
        .prefetch_related(translations_prefetch(Course, "course"))
        .order_by(translated(Course, "title", outer="course_id"), "starts_on", "pk")
    )
    return [AssignmentRow(assignment, by_assignment[assignment.pk]) for assignment in assignments]


@dataclass
class WeekBar:
    """One bar of the trend chart (an SVG 530 × 130, baseline at y=110)."""

    index: int
    week: date
    count: int
    height: int  # 0..100, relative to the busiest week

    @property
    def x(self):
        return 5 + 10 * self.index

    @property
    def y(self):
        return 110 - self.height

    @property
    def starts_month(self):
        return self.week.day <= 7


def completions_per_week(*, today: date, weeks: int = 52) -> list[WeekBar]:
    """Completions (every cycle) per week over the last `weeks` weeks, oldest first,
    weeks without completions included. One query.

    The week of a completion is found by comparing it with the Mondays at local midnight
    computed here (a binary search written as nested `CASE`s: six comparisons a row),
    not with `TruncWeek`, which SQLite runs as a Python function per row (1.5 s of CPU
    at 50,000 employees). Boundaries in the current time zone put each completion in
    the same local week as `TruncWeek` did."""
    first_monday = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    bounds = [
        timezone.make_aware(datetime.combine(first_monday + timedelta(weeks=i), time.min))
        for i in range(weeks + 1)
    ]

    def week_of(low: int, high: int):
        """The index of the week, among weeks low..high-1, of a completion in it."""
        if high - low == 1:
            return Value(low)
        middle = (low + high) // 2
        return Case(
            When(completed_at__lt=bounds[middle], then=week_of(low, middle)),
            default=week_of(middle, high),
        )

    counts = dict(
        Enrollment.objects.filter(
            completed_at__gte=bounds[0],
            completed_at__lt=bounds[-1],
            employee__user__is_active=True,
        )
        .order_by()
        .annotate(week=week_of(0, weeks))
        .values("week")
        .annotate(n=Count("pk"))
        .values_list("week", "n")
    )
    busiest = max(counts.values(), default=0)
    return [
        WeekBar(
            i,
            first_monday + timedelta(weeks=i),
            counts.get(i, 0),
            round(100 * counts.get(i, 0) / busiest) if busiest else 0,
        )
        for i in range(weeks)
    ]


def departments_behind(rollup: Rollup, *, limit: int = 10) -> list[DepartmentNode]:
    """The departments whose own people are furthest behind on mandatory training: the
    highest share overdue, then the lowest share completed."""
    candidates = [node for node in rollup.nodes.values() if node.own.total]
    candidates.sort(
        key=lambda n: (-n.own.overdue / n.own.total, n.own.completed / n.own.total, n.name)
    )
    return candidates[:limit]


EXPIRY_WINDOWS = (30, 60, 90)


def expiring_certificates(*, now) -> QuerySet[Certificate]:
    """Valid (unrevoked, unexpired) certificates of active employees, by expiry."""
    return Certificate.objects.filter(
        revoked_at__isnull=True, expires_at__gt=now, employee__user__is_active=True
    )


def expiry_counts(*, now) -> dict[int, int]:
    """Certificates expiring within 30, 60 and 90 days. One query."""
    row = expiring_certificates(now=now).aggregate(
        **{
            f"d{days}": Count("pk", filter=Q(expires_at__lte=now + timedelta(days=days)))
            for days in EXPIRY_WINDOWS
        }
    )
    return {days: row[f"d{days}"] for days in EXPIRY_WINDOWS}


def expiring_list(*, now, days: int) -> QuerySet[Certificate]:
    return (
        expiring_certificates(now=now)
        .filter(expires_at__lte=now + timedelta(days=days))
        .select_related("employee__user", "employee__department", "course")
        .prefetch_related(translations_prefetch(Course, "course"))
        .order_by("expires_at", "pk")
    )
