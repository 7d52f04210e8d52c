"""Progress writes lock one employee's enrollment row and nothing else (PostgreSQL)."""

import threading
import time

import pytest
from django.db import connection, transaction

from courses.models import Enrollment, Lesson
from courses.services import enrollment_get_or_create, enrollment_lock, lesson_complete
from courses.tests.factories import course_with_lessons

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_employees_completing_lessons_of_one_course_never_wait_on_each_other(
    employee, outsider
):
    course = course_with_lessons(modules=1, lessons=2)
    first = Lesson.objects.filter(module__course=course).order_by("position").first()
    held = enrollment_get_or_create(employee=employee, course=course)
    locked, release = threading.Event(), threading.Event()

    def hold_the_employees_lock():
        from django.db import connection as thread_connection

        try:
            with transaction.atomic():
                enrollment_lock(enrollment_id=held.pk)  # e.g. a slow quiz submit
                locked.set()
                release.wait(timeout=30)
        finally:
            thread_connection.close()

    holder = threading.Thread(target=hold_the_employees_lock)
    holder.start()
    try:
        assert locked.wait(timeout=10)
        started = time.monotonic()
        with transaction.atomic():
            with connection.cursor() as cursor:
                # Fail instead of waiting if any lock is taken by the holder.
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            enrollment = lesson_complete(employee=outsider, lesson=first)
        elapsed = time.monotonic() - started
    finally:
        release.set()
        holder.join(timeout=30)
    assert enrollment.progress_percent == 50
    assert elapsed < 1.5
    assert Enrollment.objects.get(pk=held.pk).progress_percent == 0
