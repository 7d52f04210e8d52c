"""Random organisations for report tests: a department tree, employees (some leavers),
courses and enrollments in every state, built from a seed so a failure can be replayed."""

import random
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from courses.models import Course, Enrollment
from courses.tests.factories import CourseFactory
from people.models import Department, Employee
from people.tests.factories import DepartmentFactory, EmployeeFactory, UserFactory


@dataclass
class RandomOrganisation:
    root: Department
    departments: list[Department]
    employees: list[Employee]
    courses: list[Course]
    enrollments: list[Enrollment]


def enrollment_make(*, employee, course, rng, today, cycle=1, is_current=True) -> Enrollment:
    status = rng.choice(list(Enrollment.Status.values))
    now = timezone.now()
    completed = status == Enrollment.Status.COMPLETED
    return Enrollment(
        employee=employee,
        course=course,
        cycle=cycle,
        is_current=is_current,
        status=status,
        progress_percent=100
        if completed
        else (0 if status == "not_started" else rng.randint(1, 99)),
        mandatory=rng.random() < 0.5,
        due_on=rng.choice(
            [
                None,
                today - timedelta(days=rng.randint(1, 60)),
                today,
                today + timedelta(days=rng.randint(1, 60)),
            ]
        ),
        best_score=rng.choice([None, rng.randint(0, 100)]) if status != "not_started" else None,
        started_at=None if status == "not_started" else now - timedelta(days=rng.randint(1, 300)),
        completed_at=now - timedelta(days=rng.randint(0, 300)) if completed else None,
    )


def random_organisation(
    *, seed: int, parent: Department | None = None, employees=30, departments=7, courses=3
):
    """A random subtree (under `parent`, or a new root) with people and enrollments."""
    rng = random.Random(seed)
    today = timezone.localdate()
    root = DepartmentFactory(name=f"Org {seed}", parent=parent)
    nodes = [root]
    for _ in range(departments - 1):
        parent_node = Department.objects.get(pk=rng.choice(nodes).pk)  # fresh numchild/path
        nodes.append(DepartmentFactory(parent=parent_node))
    people = []
    for _ in range(employees):
        user = UserFactory(is_active=rng.random() > 0.1)
        people.append(EmployeeFactory(user=user, department=rng.choice(nodes)))
    course_list = [CourseFactory() for _ in range(courses)]
    rows = []
    for person in people:
        for course in course_list:
            if rng.random() < 0.75:
                if rng.random() < 0.2:  # an earlier cycle, history only
                    rows.append(
                        enrollment_make(
                            employee=person,
                            course=course,
                            rng=rng,
                            today=today,
                            cycle=1,
                            is_current=False,
                        )
                    )
                    rows[-1].status = Enrollment.Status.COMPLETED
                    rows[-1].completed_at = timezone.now() - timedelta(days=400)
                    rows.append(
                        enrollment_make(
                            employee=person, course=course, rng=rng, today=today, cycle=2
                        )
                    )
                else:
                    rows.append(
                        enrollment_make(employee=person, course=course, rng=rng, today=today)
                    )
    enrollments = Enrollment.objects.bulk_create(rows)
    return RandomOrganisation(root, nodes, people, course_list, enrollments)
