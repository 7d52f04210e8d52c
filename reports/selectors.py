"""Reads for the completion reports, each in a fixed number of queries.

Every read starts from `people.selectors` (`employees_visible_to`,
`departments_visible_to`): a report can never count, list or export anyone outside the
user's scope. Reports read the denormalised *current* `Enrollment` rows of active
employees and aggregate in SQL (`Count(..., filter=Q(...))`); department roll-ups come
from one query grouped by department plus the tree (materialised paths) in memory.

Statuses: every enrollment is completed, in progress or not started; *overdue* is a
subset of the last two (not completed and due before today), counted apart.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.db.models.functions import TruncWeek
from django.utils import timezone

from certificates.models import Certificate
from courses.models import Course, Enrollment, Lesson, LessonCompletion
from people.models import Department, Employee
from people.selectors import departments_visible_to, employees_visible_to
from quizzes.models import Attempt, AttemptAnswer, Quiz

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
    departments they manage, is theirs to see but not part of their reports)."""
    return employees_visible_to(user).filter(
        user__is_active=True, department__in=report_departments(user).values("pk")
    )


def report_departments(user) -> QuerySet[Department]:
    return departments_visible_to(user)


def report_courses() -> QuerySet[Course]:
    return Course.objects.order_by("title")


def enrollments_for(user, filters: ReportFilters, *, today: date) -> QuerySet[Enrollment]:
    """Current enrollments of active employees in scope, narrowed by `filters`."""
    enrollments = Enrollment.objects.filter(
        is_current=True, employee__in=report_employees(user).values("pk")
    )
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
    """Per course: counts, percentages and average best score. One query."""
    rows = (
        enrollments.order_by()
        .values("course_id", "course__title")
        .annotate(**tally_annotations(today))
        .order_by("course__title", "course_id")
    )
    return [CourseRow(r["course_id"], r["course__title"], Tally.from_row(r)) for r in rows]


# --- Department roll-up ------------------------------------------------------------------------


@dataclass
class DepartmentNode:
    pk: int
    code: str
    name: str
    path: str
    depth: int
    own: Tally = field(default_factory=Tally)  # the department's own employees
    subtree: Tally = field(default_factory=Tally)  # with every department below it
    children: list["DepartmentNode"] = field(default_factory=list)
    own_by_course: dict[int, Tally] = field(default_factory=dict)

    @property
    def has_children(self):
        return bool(self.children)


@dataclass
class Rollup:
    nodes: dict[int, DepartmentNode]
    tops: list[DepartmentNode]  # the highest departments of the scope, by name
    course_titles: dict[int, str] = field(default_factory=dict)

    def get(self, pk) -> DepartmentNode | None:
        return self.nodes.get(pk)

    def total(self, department: DepartmentNode | None = None) -> Tally:
        """The tally of one department's subtree, or of the whole scope."""
        if department is not None:
            return department.subtree
        total = Tally()
        for top in self.tops:
            total.add(top.subtree)
        return total

    def by_course(self, department: DepartmentNode | None = None) -> list["CourseRow"]:
        """Per course, for one department's subtree or the whole scope, from the same
        grouped rows (no query)."""
        prefix = department.path if department is not None else ""
        tallies: dict[int, Tally] = {}
        for node in self.nodes.values():
            if node.path.startswith(prefix):
                for course_id, tally in node.own_by_course.items():
                    tallies.setdefault(course_id, Tally()).add(tally)
        return sorted(
            (CourseRow(pk, self.course_titles[pk], tally) for pk, tally in tallies.items()),
            key=lambda row: (row.title, row.course_id),
        )


def department_rollup(user, enrollments: QuerySet[Enrollment], *, today: date) -> Rollup:
    """Every department in scope with its own and its subtree's tallies, per course too.
    Two queries: the departments, and the enrollments grouped by department and course;
    the subtree sums are added up the tree in memory (a materialised path's prefixes are
    its ancestors), and per-course summaries come from the same rows (`by_course`)."""
    departments = report_departments(user).values_list("pk", "code", "name", "path", "depth")
    nodes = {}
    by_path = {}
    for pk, code, name, path, depth in departments:
        node = DepartmentNode(pk=pk, code=code, name=name, path=path, depth=depth)
        nodes[pk] = node
        by_path[path] = node
    grouped = (
        enrollments.order_by()
        .values("employee__department_id", "course_id", "course__title")
        .annotate(**tally_annotations(today))
    )
    step = Department.steplen
    titles = {}
    for row in grouped:
        node = nodes.get(row["employee__department_id"])
        if node is None:  # not in scope (cannot happen through `enrollments_for`)
            continue
        tally = Tally.from_row(row)
        titles[row["course_id"]] = row["course__title"]
        node.own_by_course[row["course_id"]] = tally
        node.own.add(tally)
        for end in range(step, len(node.path) + 1, step):
            ancestor = by_path.get(node.path[:end])
            if ancestor is not None:
                ancestor.subtree.add(tally)
    tops = []
    for node in sorted(nodes.values(), key=lambda n: n.name.casefold()):
        parent = by_path.get(node.path[:-step])
        if parent is None:
            tops.append(node)
        else:
            parent.children.append(node)
    return Rollup(nodes=nodes, tops=tops, course_titles=titles)


# --- The drill-down: one row per employee × course ---------------------------------------------

SORTS = {
    "name": ("employee__user__last_name", "employee__user__first_name", "employee_id"),
    "department": ("employee__department__name", "employee__user__last_name", "employee_id"),
    "course": ("course__title", "employee__user__last_name", "employee_id"),
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
    return enrollments.select_related(
        "employee__user", "employee__department", "course", "certificate"
    ).order_by(*ordering_for(sort))


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
        .order_by("course__title", "course_id", "-cycle")
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


# --- HR dashboard ------------------------------------------------------------------------------


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
    for pk, title, module_id, module_position, module_title, position in Lesson.objects.filter(
        module__course=course
    ).values_list("pk", "title", "module_id", "module__position", "module__title", "position"):
        keyed.append(
            (
                (module_position, module_id, 0, position, pk),
                MatrixItem("lesson", pk, title, module_title),
            )
        )
    for pk, title, module_id, module_position, module_title, position, mark in Quiz.objects.filter(
        module__course=course
    ).values_list(
        "pk",
        "title",
        "module_id",
        "module__position",
        "module__title",
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


# --- Weakest topics ----------------------------------------------------------------------------

MIN_GROUP = 5  # fewer people than this answered: hidden, so no one can be singled out


@dataclass
class WrongChoice:
    text: str
    count: int
    percent: int


@dataclass
class WeakQuestion:
    pk: int
    code: str
    prompt: str
    topic: str
    quiz: str
    answers: int
    people: int
    wrong: int
    wrong_choices: list[WrongChoice] = field(default_factory=list)

    @property
    def wrong_percent(self):
        return round(100 * self.wrong / self.answers) if self.answers else 0


@dataclass
class WeakTopic:
    topic: str
    answers: int
    wrong: int

    @property
    def wrong_percent(self):
        return round(100 * self.wrong / self.answers) if self.answers else 0


@dataclass
class WeakestTopics:
    questions: list[WeakQuestion]
    topics: list[WeakTopic]
    hidden: int  # questions answered, but by fewer than MIN_GROUP people


def weakest_topics(user, *, course: Course, department: Department | None, limit: int = 10):
    """The scenario questions of `course` answered wrongly most often by the employees
    in scope (all cycles), with the share choosing each wrong choice, and the topics
    behind them. Questions answered by fewer than `MIN_GROUP` people are hidden, and
    topics are built from the shown questions only. Two queries."""
    answers = AttemptAnswer.objects.filter(
        attempt__employee__in=report_employees(user).values("pk"),
        attempt__quiz__module__course=course,
        attempt__submitted_at__isnull=False,
        question__isnull=False,
    )
    if department is not None:
        answers = answers.filter(attempt__employee__department__path__startswith=department.path)
    grouped = (
        answers.order_by()
        .values(
            "question_id",
            "question__code",
            "question__prompt",
            "question__topic",
            "question__quiz__title",
        )
        .annotate(
            answers=Count("pk"),
            people=Count("attempt__employee_id", distinct=True),
            wrong=Count("pk", filter=Q(is_correct=False)),
        )
    )
    shown, hidden = [], 0
    for row in grouped:
        if row["people"] < MIN_GROUP:
            hidden += 1
            continue
        shown.append(
            WeakQuestion(
                pk=row["question_id"],
                code=row["question__code"],
                prompt=row["question__prompt"],
                topic=row["question__topic"],
                quiz=row["question__quiz__title"],
                answers=row["answers"],
                people=row["people"],
                wrong=row["wrong"],
            )
        )
    topics: dict[str, WeakTopic] = {}
    for question in shown:
        topic = topics.setdefault(question.topic, WeakTopic(question.topic, 0, 0))
        topic.answers += question.answers
        topic.wrong += question.wrong
    weakest = sorted(
        (q for q in shown if q.wrong), key=lambda q: (-q.wrong / q.answers, -q.wrong, q.code)
    )[:limit]
    by_pk = {q.pk: q for q in weakest}
    if by_pk:
        for question_id, text, count in (
            answers.filter(question_id__in=by_pk, wrong_choice__isnull=False)
            .order_by()
            .values("question_id", "wrong_choice__text")
            .annotate(n=Count("pk"))
            .values_list("question_id", "wrong_choice__text", "n")
        ):
            question = by_pk[question_id]
            question.wrong_choices.append(
                WrongChoice(text, count, round(100 * count / question.answers))
            )
        for question in weakest:
            question.wrong_choices.sort(key=lambda c: (-c.count, c.text))
    return WeakestTopics(
        questions=weakest,
        topics=sorted(
            (t for t in topics.values() if t.wrong),
            key=lambda t: (-t.wrong / t.answers, t.topic),
        ),
        hidden=hidden,
    )
