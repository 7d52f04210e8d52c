"""The peer's learner × item matrix (Kolibri's coach class summary), loaded as one
department and one course."""

import csv
import gzip

from django.db import transaction
from django.utils import timezone

from courses.models import Course, Enrollment, Lesson, LessonCompletion, Module
from people.models import Department, Employee, User
from quizzes.models import Attempt, Quiz

from .organisation import bulk_insert

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
        modules = bulk_insert(
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
        for lesson in bulk_insert(Lesson, lessons):
            lesson_by_item[lesson.title] = lesson.pk
        quizzes = {
            title: Quiz.objects.create(
                module=modules[-1], code=f"{code.lower()}-{title[-1]}", title=title, position=i
            )
            for i, title in enumerate(("Quiz 1", "Quiz 2"), start=1)
        }
        users = bulk_insert(
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
        employees = bulk_insert(
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
        enrollments = bulk_insert(Enrollment, enrollments)
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
        bulk_insert(LessonCompletion, completions)
        bulk_insert(Attempt, attempts)
    return department, course, len(learners)
