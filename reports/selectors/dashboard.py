"""The HR dashboard: completions per week, departments behind, expiring certificates."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.utils import timezone

from assignments.models import Assignment
from certificates.models import Certificate
from courses.models import Enrollment

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
        .order_by("course__title", "starts_on", "pk")
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
    weeks without completions included. One query."""
    first_monday = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    start = timezone.make_aware(datetime.combine(first_monday, time.min))
    counts = {
        (row["week"].date() if hasattr(row["week"], "date") else row["week"]): row["n"]
        for row in Enrollment.objects.filter(
            completed_at__gte=start, employee__user__is_active=True
        )
        .order_by()
        .annotate(week=TruncWeek("completed_at"))
        .values("week")
        .annotate(n=Count("pk"))
    }
    busiest = max(counts.values(), default=0)
    bars = []
    for i in range(weeks):
        week = first_monday + timedelta(weeks=i)
        count = counts.get(week, 0)
        bars.append(WeekBar(i, week, count, round(100 * count / busiest) if busiest else 0))
    return bars


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
        .order_by("expires_at", "pk")
    )
