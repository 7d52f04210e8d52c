"""Status tallies per course."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet, Sum

from courses.models import Course, Enrollment
from courses.translation import translated_texts

from .base import COMPLETED, IN_PROGRESS, NOT_STARTED, overdue_q

# --- Tallies ---------------------------------------------------------------------------------


@dataclass
class Tally:
    """Counts of enrollments by status, with overdue apart and the best-score average."""

    total: int = 0
    completed: int = 0
    in_progress: int = 0
    not_started: int = 0
    overdue: int = 0
    overdue_started: int = 0  # overdue and in progress (the rest of overdue: not started)
    score_sum: int = 0
    scored: int = 0

    FIELDS = (
        "total",
        "completed",
        "in_progress",
        "not_started",
        "overdue",
        "overdue_started",
        "score_sum",
        "scored",
    )

    @classmethod
    def from_row(cls, row: dict) -> "Tally":
        return cls(**{name: row.get(name) or 0 for name in cls.FIELDS})

    def add(self, other: "Tally") -> None:
        for name in self.FIELDS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def percent(self, count: int) -> int:
        return round(100 * count / self.total) if self.total else 0

    @property
    def completed_percent(self):
        return self.percent(self.completed)

    @property
    def in_progress_percent(self):
        return self.percent(self.in_progress)

    @property
    def not_started_percent(self):
        return self.percent(self.not_started)

    @property
    def overdue_percent(self):
        return self.percent(self.overdue)

    @property
    def average_score(self) -> int | None:
        return round(self.score_sum / self.scored) if self.scored else None

    @property
    def segments(self) -> list[tuple[str, int, int]]:
        """(kind, count, width %) of the stacked bar: completed, in progress on time, not
        started on time, overdue — exclusive, widths summing to 100 (largest remainder)."""
        parts = [
            ("completed", self.completed),
            ("in_progress", self.in_progress - self.overdue_started),
            ("not_started", self.not_started - (self.overdue - self.overdue_started)),
            ("overdue", self.overdue),
        ]
        if not self.total:
            return [(kind, count, 0) for kind, count in parts]
        exact = [100 * count / self.total for _, count in parts]
        widths = [int(x) for x in exact]
        by_remainder = sorted(range(len(parts)), key=lambda i: exact[i] - widths[i], reverse=True)
        for i in by_remainder[: 100 - sum(widths)]:
            widths[i] += 1
        return [(kind, count, width) for (kind, count), width in zip(parts, widths, strict=True)]


def tally_annotations(today: date) -> dict:
    return {
        "total": Count("pk"),
        "completed": Count("pk", filter=Q(status=COMPLETED)),
        "in_progress": Count("pk", filter=Q(status=IN_PROGRESS)),
        "not_started": Count("pk", filter=Q(status=NOT_STARTED)),
        "overdue": Count("pk", filter=overdue_q(today)),
        "overdue_started": Count("pk", filter=overdue_q(today) & Q(status=IN_PROGRESS)),
        "score_sum": Sum("best_score"),
        "scored": Count("best_score"),
    }


@dataclass
class CourseRow:
    course_id: int
    title: str
    tally: Tally


def course_summary(enrollments: QuerySet[Enrollment], *, today: date) -> list[CourseRow]:
    """Per course: counts, percentages and average best score, by title. Two queries:
    the grouped enrollments and the courses' titles."""
    rows = list(enrollments.order_by().values("course_id").annotate(**tally_annotations(today)))
    titles = translated_texts(Course, "title", (row["course_id"] for row in rows))
    return sorted(
        (CourseRow(r["course_id"], titles[r["course_id"]], Tally.from_row(r)) for r in rows),
        key=lambda row: (row.title, row.course_id),
    )
