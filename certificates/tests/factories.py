"""Certificates are made through the real flow: lessons completed through
`courses.services.lesson_complete` on a course without quizzes, then issued."""

from certificates.models import Certificate
from certificates.services import certificate_issue
from courses.models import Enrollment, Lesson
from courses.services import lesson_complete
from courses.tests.factories import course_with_lessons


def complete_course(*, employee, course=None, mandatory=False, **course_kwargs) -> Enrollment:
    """Complete every lesson of `course` (a new one-module, two-lesson course by default)."""
    if course is None:
        course = course_with_lessons(modules=1, lessons=2, **course_kwargs)
    for lesson in Lesson.objects.filter(module__course=course).order_by("position"):
        lesson_complete(employee=employee, lesson=lesson)
    enrollment = Enrollment.objects.get(employee=employee, course=course, is_current=True)
    assert enrollment.status == Enrollment.Status.COMPLETED
    if mandatory:
        Enrollment.objects.filter(pk=enrollment.pk).update(mandatory=True)
        enrollment.mandatory = True
    return enrollment


def issue_certificate(*, employee, **kwargs) -> Certificate:
    """A completed course and its certificate, issued by the service."""
    enrollment = complete_course(employee=employee, **kwargs)
    return certificate_issue(enrollment_id=enrollment.pk)
