"""The generated organisation of `bench_reports`: people, courses, progress, detail rows."""

import random
import time
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from certificates.models import Certificate
from certificates.services import certificate_code_generate
from courses.models import Course, Enrollment, Lesson, LessonCompletion, Module
from courses.translation import bulk_create_translated
from people.demo import demo_organisation_seed
from people.models import Department, Employee
from quizzes.models import Attempt, AttemptAnswer, Choice, Question, Quiz

COURSES = 10
MANDATORY = 3
MODULES = 4
LESSONS_PER_MODULE = 4
QUESTIONS_PER_QUIZ = 5
TOPICS = ("Confidentiality", "Disclosure", "Tone", "Security", "Crisis", "Copyright")
BATCH = 5000


def bulk_insert(model, rows):
    return bulk_create_translated(model, rows, batch_size=BATCH)


def _courses_ensure() -> list[Course]:
    existing = list(Course.objects.filter(code__startswith="bench-").order_by("code"))
    if len(existing) == COURSES:
        return existing
    courses = bulk_insert(
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
    modules = bulk_insert(
        Module,
        [
            Module(course=c, code=f"{c.code}-m{m}", title=f"Module {m}", position=m)
            for c in courses
            for m in range(1, MODULES + 1)
        ],
    )
    bulk_insert(
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
    quizzes = bulk_insert(
        Quiz,
        [
            Quiz(module=m, code=f"{m.code}-q", title=f"{m.title} check", pass_mark_percent=80)
            for m in modules
        ],
    )
    questions = bulk_insert(
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
    bulk_insert(
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
            bulk_insert(Enrollment, rows)
            rows = []
    bulk_insert(Enrollment, rows)
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
            bulk_insert(LessonCompletion, completions)
            completions = []
    bulk_insert(LessonCompletion, completions)
    bulk_insert(Certificate, certificates)
    attempts = bulk_insert(Attempt, attempts)
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
            bulk_insert(AttemptAnswer, answers)
            answers = []
    bulk_insert(AttemptAnswer, answers)
