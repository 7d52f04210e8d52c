from datetime import timedelta

import pytest
from django.utils import timezone

from courses.models import Enrollment
from courses.tests.factories import course_with_lessons
from people.tests.factories import EmployeeFactory


@pytest.fixture
def course(db):
    return course_with_lessons(modules=2, lessons=2, title="Social Media 101")


def enroll(employee, course, **fields):
    """A current enrollment row with the given denormalised state."""
    if fields.get("status") == Enrollment.Status.COMPLETED:
        fields.setdefault("completed_at", timezone.now())
        fields.setdefault("progress_percent", 100)
    return Enrollment.objects.create(employee=employee, course=course, **fields)


@pytest.fixture
def team(org, course):
    """`size(n)`: n more people in Sales North (the manager's scope), half overdue."""

    def make(n, department=None):
        people = []
        for i in range(n):
            person = EmployeeFactory(department=department or org["north"])
            enroll(
                person,
                course,
                status=Enrollment.Status.IN_PROGRESS if i % 2 else Enrollment.Status.NOT_STARTED,
                due_on=timezone.localdate() - timedelta(days=3) if i % 2 else None,
                mandatory=True,
            )
            people.append(person)
        return people

    return make
