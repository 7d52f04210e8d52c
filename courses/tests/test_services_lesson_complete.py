import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from courses import completion
from courses.models import Enrollment, Lesson, LessonCompletion
from courses.services import enrollment_new_cycle, lesson_complete
from courses.signals import enrollment_completed
from courses.tests.factories import LessonFactory, course_with_lessons


def lessons_of(course):
    return list(
        Lesson.objects.filter(module__course=course).order_by("module__position", "position")
    )


def test_completing_a_lesson_enrolls_and_updates_progress(employee):
    course = course_with_lessons(modules=2, lessons=2)
    first = lessons_of(course)[0]
    enrollment = lesson_complete(
        employee=employee.__class__.objects.get(pk=employee.pk), lesson=first
    )
    assert enrollment.status == Enrollment.Status.IN_PROGRESS
    assert enrollment.progress_percent == 25
    assert enrollment.started_at is not None
    assert LessonCompletion.objects.filter(enrollment=enrollment).count() == 1


def test_completing_twice_changes_nothing(employee):
    course = course_with_lessons(modules=1, lessons=3)
    first = lessons_of(course)[0]
    once = lesson_complete(employee=employee, lesson=first)
    twice = lesson_complete(employee=employee, lesson=first)
    assert once.pk == twice.pk
    assert twice.progress_percent == 33
    assert LessonCompletion.objects.count() == 1
    assert Enrollment.objects.count() == 1


def test_last_lesson_completes_the_enrollment_and_announces_it_in_the_same_transaction(
    employee,
):
    course = course_with_lessons(modules=2, lessons=1)
    received = []

    def receiver(sender, enrollment_id, **kwargs):
        # Sent before the commit, with the completed row saved (and locked).
        received.append(Enrollment.objects.get(pk=enrollment_id).status)

    enrollment_completed.connect(receiver)
    try:
        for lesson in lessons_of(course):
            enrollment = lesson_complete(employee=employee, lesson=lesson)
    finally:
        enrollment_completed.disconnect(receiver)
    assert enrollment.status == Enrollment.Status.COMPLETED
    assert enrollment.progress_percent == 100
    assert enrollment.completed_at is not None
    # No on-commit callback has run (the test's transaction never commits).
    assert received == [Enrollment.Status.COMPLETED]


def test_completion_waits_for_every_registered_requirement(employee):
    course = course_with_lessons(modules=1, lessons=1)
    completion.register_requirement("test-extra", lambda e: completion.Units(done=0, total=1))
    try:
        enrollment = lesson_complete(employee=employee, lesson=lessons_of(course)[0])
        assert enrollment.status == Enrollment.Status.IN_PROGRESS
        assert enrollment.progress_percent < 100
    finally:
        completion._requirements.pop("test-extra")


def test_acknowledgement_needs_the_box_ticked_and_records_the_version(employee):
    lesson = LessonFactory(
        kind=Lesson.Kind.ACKNOWLEDGEMENT,
        body="## Our guidelines\n\nBe kind.",
        acknowledgement="I have read the guidelines.",
    )
    with pytest.raises(ValidationError):
        lesson_complete(employee=employee, lesson=lesson)
    assert not LessonCompletion.objects.exists()
    lesson_complete(employee=employee, lesson=lesson, acknowledged=True)
    record = LessonCompletion.objects.get()
    assert record.acknowledged_version == lesson.body_version
    assert record.acknowledged_statement == "I have read the guidelines."
    lesson.body += "\n\nA new rule."
    lesson.save()
    assert lesson.body_version != record.acknowledged_version


def test_unpublished_course_cannot_be_completed(employee):
    course = course_with_lessons(modules=1, lessons=1, published=False)
    with pytest.raises(PermissionDenied):
        lesson_complete(employee=employee, lesson=lessons_of(course)[0])
    assert not Enrollment.objects.exists()


def test_new_cycle_keeps_history_and_one_current_row(employee):
    course = course_with_lessons(modules=1, lessons=1)
    done = lesson_complete(employee=employee, lesson=lessons_of(course)[0])
    new = enrollment_new_cycle(enrollment=done, due_on=None, mandatory=True)
    again = enrollment_new_cycle(enrollment=done)
    assert new.pk == again.pk
    assert new.cycle == 2 and new.is_current and new.status == Enrollment.Status.NOT_STARTED
    done.refresh_from_db()
    assert not done.is_current and done.status == Enrollment.Status.COMPLETED
    assert Enrollment.objects.filter(employee=employee, course=course, is_current=True).count() == 1


def test_lesson_markdown_is_sanitised_when_saved(db, settings):
    settings.LESSON_IMAGE_HOSTS = ["example.com"]  # images from elsewhere: test_rendering.py
    lesson = LessonFactory(
        body="Hello <script>alert(1)</script> [x](javascript:alert(1)) ![i](https://example.com/a.png)"
    )
    assert "<script>" not in lesson.body_html
    assert "javascript:" not in lesson.body_html
    assert '<img alt="i" src="https://example.com/a.png"' in lesson.body_html


def test_video_urls_outside_the_allow_list_are_refused(db):
    lesson = LessonFactory.build(kind=Lesson.Kind.VIDEO, video_url="https://evil.example.com/v.mp4")
    with pytest.raises(ValidationError):
        lesson.clean()
    lesson.video_url = "https://www.youtube.com/watch?v=abc_DEF-123"
    lesson.clean()
    assert lesson.video_embed == "https://www.youtube-nocookie.com/embed/abc_DEF-123"
