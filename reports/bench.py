"""Benchmark data and measurements for `manage.py bench_reports` (see bench/README.md).

`bench_organisation_ensure(employees=N)` builds, or reuses, the demo organisation of N
people (`people.demo`) with 10 generated courses (4 modules × 4 lessons and a module
check each), every employee enrolled in all ten (three of them mandatory, with due dates
around today), a realistic spread of progress, and for the first course the detail rows
too: lesson completions, quiz attempts with answers, certificates. Everything is
bulk-inserted and deterministic (`random.Random(seed)`).

`kolibri_matrix_load(path)` loads the peer's learner × item matrix
(`/work/shared/bench/kolibri-matrix/`) as one department and one course.

`measure_*` time a page or an export in-process through Django's test client (the
whole request: middleware, view, template) and count its queries; `raw_sql_ms` times
one hand-written `GROUP BY` over the same rows, the floor to compare against.
"""

import csv
import gzip
import io
import random
import statistics
import time
import tracemalloc
from datetime import timedelta

from django.db import connection, transaction
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from certificates.models import Certificate
from certificates.services import certificate_code_generate
from courses.models import Course, Enrollment, Lesson, LessonCompletion, Module
from courses.translation import bulk_create_translated
from people.demo import demo_organisation_seed
from people.models import Department, Employee, User
from quizzes.models import Attempt, AttemptAnswer, Choice, Question, Quiz

COURSES = 10
MANDATORY = 3
MODULES = 4
LESSONS_PER_MODULE = 4
QUESTIONS_PER_QUIZ = 5
TOPICS = ("Confidentiality", "Disclosure", "Tone", "Security", "Crisis", "Copyright")
BATCH = 5000


def _bulk(model, rows):
    return bulk_create_translated(model, rows, batch_size=BATCH)


def _courses_ensure() -> list[Course]:
    existing = list(Course.objects.filter(code__startswith="bench-").order_by("code"))
    if len(existing) == COURSES:
        return existing
    courses = _bulk(
        Course,
        [
            Course(
                code=f"bench-{i:02d}",
                title=f"Bench course {i:02d}",
                published=True,
                certificate_valid_months=12 if i == 1 else None,
            )
            for i in range(1, COURSES + 1)
        ],
    )
    modules = _bulk(
        Module,
        [
            Module(course=c, code=f"{c.code}-m{m}", title=f"Module {m}", position=m)
            for c in courses
            for m in range(1, MODULES + 1)
        ],
    )
    _bulk(
        Lesson,
        [
            Lesson(
                module=module,
                code=f"{module.code}-l{n}",
                title=f"{module.title}, lesson {n}",
                position=n,
                body="Bench",
            )
            for module in modules
            for n in range(1, LESSONS_PER_MODULE + 1)
        ],
    )
    quizzes = _bulk(
        Quiz,
        [
            Quiz(module=m, code=f"{m.code}-q", title=f"{m.title} check", pass_mark_percent=80)
            for m in modules
        ],
    )
    questions = _bulk(
        Question,
        [
            Question(
                quiz=q,
                code=f"{q.code}{n}",
                position=n,
                topic=TOPICS[(q.pk + n) % len(TOPICS)],
                prompt=f"Scenario {n} of {q.title}: what do you do?",
            )
            for q in quizzes
            for n in range(1, QUESTIONS_PER_QUIZ + 1)
        ],
    )
    _bulk(
        Choice,
        [
            Choice(question=q, position=n, text=f"Answer {n}", is_correct=n == 1)
            for q in questions
            for n in range(1, 4)
        ],
    )
    return courses


def bench_organisation_ensure(*, employees: int, seed: int = 2026, stdout=None) -> dict:
    """The demo organisation of `employees` people with the bench courses and progress,
    built unless it is already there (with that many employees). Returns what was done."""
    started = time.monotonic()
    if not Department.objects.filter(code="EXC").exists():
        demo_organisation_seed(employees=employees, seed=seed, stdout=stdout)
    actual = Employee.objects.count()
    if Enrollment.objects.filter(course__code__startswith="bench-").exists():
        return {"employees": actual, "built": False, "seconds": 0.0}
    with transaction.atomic():
        courses = _courses_ensure()
        _progress_build(courses, seed=seed)
    return {"employees": actual, "built": True, "seconds": time.monotonic() - started}


def _progress_build(courses, *, seed):
    rng = random.Random(seed)
    today = timezone.localdate()
    now = timezone.now()
    employee_ids = list(Employee.objects.order_by("pk").values_list("pk", flat=True))
    rows = []
    for employee_id in employee_ids:
        for index, course in enumerate(courses):
            mandatory = index < MANDATORY
            roll = rng.random()
            if roll < 0.45:
                status, progress = Enrollment.Status.COMPLETED, 100
            elif roll < 0.75:
                status, progress = Enrollment.Status.IN_PROGRESS, rng.randint(5, 95)
            else:
                status, progress = Enrollment.Status.NOT_STARTED, 0
            started = now - timedelta(days=rng.randint(1, 360))
            rows.append(
                Enrollment(
                    employee_id=employee_id,
                    course=course,
                    status=status,
                    progress_percent=progress,
                    mandatory=mandatory,
                    due_on=today + timedelta(days=rng.randint(-60, 90)) if mandatory else None,
                    best_score=rng.randint(50, 100) if status != "not_started" else None,
                    started_at=None if status == "not_started" else started,
                    completed_at=started + timedelta(days=rng.randint(0, 30))
                    if status == "completed"
                    else None,
                )
            )
            if status == "completed" and rows[-1].completed_at > now:
                rows[-1].completed_at = now
        if len(rows) >= BATCH * 4:
            _bulk(Enrollment, rows)
            rows = []
    _bulk(Enrollment, rows)
    _detail_build(courses[0], rng=rng, now=now)


def _detail_build(course, *, rng, now):
    """Lesson completions, attempts with answers and certificates for one course."""
    lessons = list(
        Lesson.objects.filter(module__course=course)
        .order_by("module__position", "position")
        .values_list("pk", "module_id")
    )
    quizzes = {q.module_id: q for q in Quiz.objects.filter(module__course=course).order_by("pk")}
    questions = {}
    for question in Question.objects.filter(quiz__module__course=course).prefetch_related(
        "choices"
    ):
        questions.setdefault(question.quiz_id, []).append(question)
    enrollments = list(
        Enrollment.objects.filter(course=course, is_current=True).values_list(
            "pk", "employee_id", "progress_percent", "status", "completed_at"
        )
    )
    completions, attempts, certificates = [], [], []
    for pk, employee_id, progress, status, completed_at in enrollments:
        done = round(len(lessons) * progress / 100)
        for lesson_id, _ in lessons[:done]:
            completions.append(
                LessonCompletion(enrollment_id=pk, lesson_id=lesson_id, completed_at=now)
            )
        modules_done = {module_id for _, module_id in lessons[:done]}
        for module_id in modules_done:
            quiz = quizzes[module_id]
            score = rng.choice((60, 80, 100))
            attempts.append(
                Attempt(
                    employee_id=employee_id,
                    quiz=quiz,
                    enrollment_id=pk,
                    number=1,
                    submitted_at=now,
                    score_percent=score,
                    passed=score >= quiz.pass_mark_percent,
                )
            )
        if status == "completed":
            certificates.append(
                Certificate(
                    enrollment_id=pk,
                    employee_id=employee_id,
                    course=course,
                    code=certificate_code_generate(),
                    holder_name="Bench",
                    course_title=course.title,
                    issued_at=completed_at,
                    expires_at=completed_at + timedelta(days=365),
                )
            )
        if len(completions) > BATCH * 4:
            _bulk(LessonCompletion, completions)
            completions = []
    _bulk(LessonCompletion, completions)
    _bulk(Certificate, certificates)
    attempts = _bulk(Attempt, attempts)
    answers = []
    for attempt in attempts:
        for position, question in enumerate(questions[attempt.quiz_id]):
            choices = list(question.choices.all())
            right = rng.random() < 0.6 + 0.05 * position
            wrong = rng.choice(choices[1:])
            answers.append(
                AttemptAnswer(
                    attempt=attempt,
                    question=question,
                    position=position,
                    chosen=[choices[0].pk if right else wrong.pk],
                    is_correct=right,
                    wrong_choice=None if right else wrong,
                )
            )
        if len(answers) > BATCH * 4:
            _bulk(AttemptAnswer, answers)
            answers = []
    _bulk(AttemptAnswer, answers)


# --- The peer's matrix -------------------------------------------------------------------------

KOLIBRI_MODULES = 5
KOLIBRI_LESSONS = 8


def kolibri_matrix_load(path) -> tuple[Department, Course, int]:
    """Load the learner × item matrix as one department and one course (5 modules of 8
    lessons, the 2 quizzes in the last module). Reused if already loaded."""
    with gzip.open(path, "rt", newline="") as handle:
        rows = list(csv.DictReader(handle))
    learners = sorted({row["learner"] for row in rows})
    code = f"KOLIBRI-{len(learners)}"
    department = Department.objects.filter(code=code).first()
    course = Course.objects.filter(code=code.lower()).first()
    if department is not None and course is not None:
        return department, course, len(learners)
    with transaction.atomic():
        department = Department.objects.add_root(
            {"code": code, "name": f"Kolibri class of {len(learners)}"}
        )
        course = Course.objects.create(
            code=code.lower(), title=f"Kolibri class {len(learners)}", published=True
        )
        modules = _bulk(
            Module,
            [
                Module(course=course, code=f"{code.lower()}-m{m}", title=f"Lesson {m}", position=m)
                for m in range(1, KOLIBRI_MODULES + 1)
            ],
        )
        lesson_by_item = {}
        lessons = [
            Lesson(
                module=module,
                code=f"{module.code}-r{n}",
                title=f"Resource {module.position}.{n}",
                position=n,
                body_html="<p>Resource</p>",
            )
            for module in modules
            for n in range(1, KOLIBRI_LESSONS + 1)
        ]
        for lesson in _bulk(Lesson, lessons):
            lesson_by_item[lesson.title] = lesson.pk
        quizzes = {
            title: Quiz.objects.create(
                module=modules[-1], code=f"{code.lower()}-{title[-1]}", title=title, position=i
            )
            for i, title in enumerate(("Quiz 1", "Quiz 2"), start=1)
        }
        users = _bulk(
            User,
            [
                User(
                    email=f"{learner}@{code.lower()}.example.com",
                    first_name="Learner",
                    last_name=learner,
                    password="!",  # noqa: S106 -- Django's "unusable password" marker
                )
                for learner in learners
            ],
        )
        employees = _bulk(
            Employee,
            [
                Employee(user=user, employee_number=f"{code}-{i:06d}", department=department)
                for i, user in enumerate(users)
            ],
        )
        by_learner = {}
        for learner, employee in zip(learners, employees, strict=True):
            by_learner[learner] = {
                "employee": employee,
                "done": [],
                "started": False,
                "quizzes": [],
            }
        for row in rows:
            state = by_learner[row["learner"]]
            if row["assignment_type"] == "lesson":
                title = row["item"].split(" (")[0]
                if row["status"] == "Completed":
                    state["done"].append(lesson_by_item[title])
                elif row["status"] in ("Started", "HelpNeeded"):
                    state["started"] = True
            elif row["status"] == "Completed":
                state["quizzes"].append(
                    (quizzes[row["assignment"]], round(100 * float(row["progress_or_score"])))
                )
            elif row["status"] == "Started":
                state["started"] = True
        now = timezone.now()
        units = KOLIBRI_MODULES * KOLIBRI_LESSONS + len(quizzes)
        enrollments = []
        for learner in learners:
            state = by_learner[learner]
            done = len(state["done"]) + sum(
                1 for q, s in state["quizzes"] if s >= q.pass_mark_percent
            )
            status = (
                Enrollment.Status.COMPLETED
                if done == units
                else Enrollment.Status.IN_PROGRESS
                if done or state["started"] or state["quizzes"]
                else Enrollment.Status.NOT_STARTED
            )
            enrollments.append(
                Enrollment(
                    employee=state["employee"],
                    course=course,
                    status=status,
                    progress_percent=round(100 * done / units),
                    best_score=max((s for _, s in state["quizzes"]), default=None),
                    completed_at=now if status == "completed" else None,
                )
            )
        enrollments = _bulk(Enrollment, enrollments)
        completions, attempts = [], []
        for learner, enrollment in zip(learners, enrollments, strict=True):
            state = by_learner[learner]
            completions += [
                LessonCompletion(enrollment=enrollment, lesson_id=pk, completed_at=now)
                for pk in state["done"]
            ]
            attempts += [
                Attempt(
                    employee=state["employee"],
                    quiz=quiz,
                    enrollment=enrollment,
                    number=1,
                    submitted_at=now,
                    score_percent=score,
                    passed=score >= quiz.pass_mark_percent,
                )
                for quiz, score in state["quizzes"]
            ]
        _bulk(LessonCompletion, completions)
        _bulk(Attempt, attempts)
    return department, course, len(learners)


# --- Measuring ---------------------------------------------------------------------------------


class QueryCounter:
    """Counts the queries run inside `with connection.execute_wrapper(counter):` (the
    test client's request_started signal resets `connection.queries`, so
    CaptureQueriesContext cannot count across a request)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def _count_queries(fn):
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        result = fn()
    return counter.count, result


def _median_ms(fn, repeat):
    """Median wall-clock and process CPU milliseconds of `repeat` runs after a warm-up.
    CPU time is reported too: on a shared, loaded machine it is the steadier figure."""
    fn()  # warm up (caches, the first connection)
    wall, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return round(statistics.median(wall), 1), round(statistics.median(cpu), 1)


def measure_page(client: Client, url: str, *, repeat: int) -> dict:
    def get():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    queries, _ = _count_queries(get)
    median, cpu = _median_ms(get, repeat)
    return {"median_ms": median, "cpu_ms": cpu, "queries": queries}


def measure_xlsx(client: Client, url: str, *, repeat: int) -> dict:
    """An XLSX download: the workbook is written before the response is sent."""

    def download():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return b"".join(response.streaming_content)

    queries, body = _count_queries(download)
    tracemalloc.start()
    download()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    median, cpu = _median_ms(download, repeat)
    sheet = load_workbook(io.BytesIO(body), read_only=True).active
    return {
        "median_ms": median,
        "cpu_ms": cpu,
        "queries": queries,
        "rows": sum(1 for _ in sheet.iter_rows(values_only=True)),
        "peak_memory_mb": round(peak / 1024 / 1024, 1),
    }


def measure_export(client: Client, url: str, *, repeat: int) -> dict:
    """A CSV download, streamed: rows counted as lines."""

    def download():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        lines = 0
        for chunk in response.streaming_content:
            lines += chunk.count(b"\n")
        return lines

    queries, lines = _count_queries(download)
    tracemalloc.start()
    download()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    median, cpu = _median_ms(download, repeat)
    return {
        "median_ms": median,
        "cpu_ms": cpu,
        "queries": queries,
        "rows": lines,
        "peak_memory_mb": round(peak / 1024 / 1024, 1),
    }


def measure_raw_sql(sql: str, params, *, repeat: int) -> float:
    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    return _median_ms(run, repeat)[0]


# The floors. Each computes exactly the numbers its page aggregates, over the same rows:
# the page's tallies (`reports.selectors.tally_annotations`: total, the three statuses,
# overdue, overdue and in progress, score sum and count) per department and course — the
# roll-up that the completion report and the HR dashboard read, from which their
# per-course and per-department tables are added up — and, for weakest topics, the
# per-question counts (answers, distinct people, wrong). The scope is written as the
# pages write it: the department's materialised path and the user's `is_active`.

RAW_ROLLUP = """
SELECT e.department_id, en.course_id, c.title, COUNT(*),
       SUM(CASE WHEN en.status = 'completed' THEN 1 ELSE 0 END),
       SUM(CASE WHEN en.status = 'in_progress' THEN 1 ELSE 0 END),
       SUM(CASE WHEN en.status = 'not_started' THEN 1 ELSE 0 END),
       SUM(CASE WHEN en.status <> 'completed' AND en.due_on < %s THEN 1 ELSE 0 END),
       SUM(CASE WHEN en.status = 'in_progress' AND en.due_on < %s THEN 1 ELSE 0 END),
       SUM(en.best_score), COUNT(en.best_score)
FROM courses_enrollment en
JOIN people_employee e ON e.id = en.employee_id
JOIN people_user u ON u.id = e.user_id
JOIN people_department d ON d.id = e.department_id
JOIN courses_course_translation c ON c.master_id = en.course_id AND c.language_code = 'en'
WHERE en.is_current AND u.is_active AND d.path LIKE %s {extra}
GROUP BY e.department_id, en.course_id, c.title
"""

RAW_WEAKEST = """
SELECT a.question_id, COUNT(*), COUNT(DISTINCT at.employee_id),
       SUM(CASE WHEN a.is_correct THEN 0 ELSE 1 END)
FROM quizzes_attemptanswer a
JOIN quizzes_attempt at ON at.id = a.attempt_id
JOIN quizzes_quiz q ON q.id = at.quiz_id
JOIN courses_module m ON m.id = q.module_id
JOIN people_employee e ON e.id = at.employee_id
JOIN people_user u ON u.id = e.user_id
JOIN people_department d ON d.id = e.department_id
WHERE m.course_id = %s AND at.submitted_at IS NOT NULL AND a.question_id IS NOT NULL
  AND u.is_active AND d.path LIKE %s
GROUP BY a.question_id
"""


def database_analyze() -> None:
    """Refresh the planner's statistics (PostgreSQL), as autovacuum does on a normal
    server after a bulk load: the data was just written, and the shared server this
    runs on has autovacuum off. Without it PostgreSQL plans for near-empty tables."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
