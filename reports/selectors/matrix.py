"""The activity matrix: employees × a course's lessons and quizzes."""

from dataclasses import dataclass, field

from django.db.models import Count, Max, Q, QuerySet

from courses.models import Course, Enrollment, Lesson, LessonCompletion, Module
from courses.translation import translated
from quizzes.models import Attempt, Quiz

# --- Activity matrix ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MatrixItem:
    kind: str  # "lesson" or "quiz"
    pk: int
    title: str
    module_title: str
    pass_mark: int | None = None

    @property
    def is_quiz(self):
        return self.kind == "quiz"


def matrix_items(course: Course) -> list[MatrixItem]:
    """The course's lessons and quizzes in course order (per module: lessons, then
    quizzes, as the course outline shows them). Two queries."""
    keyed = []
    lessons = Lesson.objects.filter(module__course=course).annotate(
        title_shown=translated(Lesson, "title"),
        module_title=translated(Module, "title", outer="module_id"),
    )
    for pk, title, module_id, module_position, module_title, position in lessons.values_list(
        "pk", "title_shown", "module_id", "module__position", "module_title", "position"
    ):
        keyed.append(
            (
                (module_position, module_id, 0, position, pk),
                MatrixItem("lesson", pk, title, module_title),
            )
        )
    quizzes = Quiz.objects.filter(module__course=course).annotate(
        title_shown=translated(Quiz, "title"),
        module_title=translated(Module, "title", outer="module_id"),
    )
    for pk, title, module_id, module_position, module_title, position, mark in quizzes.values_list(
        "pk",
        "title_shown",
        "module_id",
        "module__position",
        "module_title",
        "position",
        "pass_mark_percent",
    ):
        keyed.append(
            (
                (module_position, module_id, 1, position, pk),
                MatrixItem("quiz", pk, title, module_title, mark),
            )
        )
    return [item for _, item in sorted(keyed, key=lambda pair: pair[0])]


MATRIX_ROW_FIELDS = (
    "pk",
    "employee_id",
    "employee__employee_number",
    "employee__user__first_name",
    "employee__user__last_name",
    "employee__user__email",
    "employee__department__name",
    "status",
    "progress_percent",
)


@dataclass
class MatrixRow:
    enrollment_id: int
    employee_id: int
    number: str
    first_name: str
    last_name: str
    email: str
    department: str
    status: str
    progress: int
    cells: list = field(default_factory=list)  # per item: True/False, or (best, passed)/None

    @property
    def name(self):
        return f"{self.first_name} {self.last_name}".strip() or self.email

    @property
    def status_label(self):
        return Enrollment.Status(self.status).label


def matrix_enrollments(enrollments: QuerySet[Enrollment]):
    """The matrix's rows as tuples (`MATRIX_ROW_FIELDS`), by name."""
    return enrollments.order_by(
        "employee__user__last_name", "employee__user__first_name", "employee_id", "pk"
    ).values_list(*MATRIX_ROW_FIELDS)


def matrix_fill(items: list[MatrixItem], rows: list[tuple]) -> list[MatrixRow]:
    """The cells of these rows: lessons done and best quiz scores. Two queries."""
    ids = [row[0] for row in rows]
    done = set(
        LessonCompletion.objects.filter(enrollment_id__in=ids).values_list(
            "enrollment_id", "lesson_id"
        )
    )
    scores = {
        (enrollment_id, quiz_id): (best, passed > 0)
        for enrollment_id, quiz_id, best, passed in Attempt.objects.filter(
            enrollment_id__in=ids, submitted_at__isnull=False
        )
        .order_by()
        .values("enrollment_id", "quiz_id")
        .annotate(best=Max("score_percent"), passed=Count("pk", filter=Q(passed=True)))
        .values_list("enrollment_id", "quiz_id", "best", "passed")
    }
    filled = []
    for row in rows:
        matrix_row = MatrixRow(*row)
        enrollment_id = matrix_row.enrollment_id
        matrix_row.cells = [
            scores.get((enrollment_id, item.pk))
            if item.is_quiz
            else (enrollment_id, item.pk) in done
            for item in items
        ]
        filled.append(matrix_row)
    return filled


def matrix_stream(items: list[MatrixItem], enrollments: QuerySet[Enrollment], *, chunk: int = 2000):
    """Every row of the matrix, filled `chunk` rows at a time: memory stays flat and the
    number of queries grows with rows / chunk only."""
    batch = []
    for row in matrix_enrollments(enrollments).iterator(chunk_size=chunk):
        batch.append(row)
        if len(batch) == chunk:
            yield from matrix_fill(items, batch)
            batch = []
    if batch:
        yield from matrix_fill(items, batch)
