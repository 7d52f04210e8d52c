"""The cached outline and rendered pieces (`courses.caching`, `courses.fragments`): fresh
after every change of content or progress, and never one learner's or language's for
another."""

from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation

from ambassador.tests.mfa import enrol_totp
from courses import caching
from courses.models import Lesson, Module
from courses.services import lesson_complete
from courses.tests.factories import LessonFactory, course_with_lessons
from people.roles import HR_GROUP
from quizzes.services import attempt_start
from quizzes.tests.factories import quiz_with_questions


def lessons_of(course):
    return list(
        Lesson.objects.filter(module__course=course).order_by("module__position", "position")
    )


def lesson_url(lesson):
    return reverse(
        "courses:lesson-detail", kwargs={"code": lesson.module.course.code, "lesson_id": lesson.pk}
    )


def outline_of(html: str) -> str:
    start = html.index('id="course-outline"')
    return html[start : html.index("</ol>", start)]


def lessons_done(outline: str) -> int:
    """Lessons marked done in the side outline (a module heading has its own mark)."""
    return outline.count("(done)</span></span>")


def test_editing_a_lesson_title_shows_on_every_page_at_once(client_for, employee):
    course = course_with_lessons(modules=1, lessons=2)
    first, second = lessons_of(course)
    client = client_for(employee)
    assert first.title in client.get(course.get_absolute_url()).content.decode()
    version = caching.content_version()
    first.title = "Renamed by the author"
    first.save()
    assert caching.content_version() != version
    assert "Renamed by the author" in client.get(course.get_absolute_url()).content.decode()
    assert "Renamed by the author" in outline_of(client.get(lesson_url(second)).content.decode())
    assert "Renamed by the author" in client.get(lesson_url(first)).content.decode()


def test_adding_a_lesson_or_a_module_shows_in_the_outline(client_for, employee):
    course = course_with_lessons(modules=1, lessons=1)
    (only,) = lessons_of(course)
    client = client_for(employee)
    client.get(lesson_url(only))
    module = Module.objects.create(course=course, code="extra", title="Extra module", position=9)
    LessonFactory(module=module, title="A lesson added later", position=1)
    html = client.get(lesson_url(only)).content.decode()
    assert "Extra module" in outline_of(html)
    assert "A lesson added later" in outline_of(html)


def test_a_deleted_lesson_is_gone_and_its_page_is_404(client_for, employee):
    course = course_with_lessons(modules=1, lessons=2)
    first, second = lessons_of(course)
    client = client_for(employee)
    assert client.get(lesson_url(second)).status_code == 200
    url, title = lesson_url(second), second.title  # read before: its rows go with it
    second.delete()
    assert client.get(url).status_code == 404
    assert title not in outline_of(client.get(lesson_url(first)).content.decode())


def test_unpublishing_a_course_hides_it_at_once(client_for, employee):
    course = course_with_lessons(modules=1, lessons=1)
    client = client_for(employee)
    assert client.get(course.get_absolute_url()).status_code == 200
    course.published = False
    course.save()
    assert client.get(course.get_absolute_url()).status_code == 404


def test_loading_the_curriculum_bumps_the_content_version(db):
    from courses.curriculum import curriculum_load

    version = caching.content_version()
    curriculum_load()
    assert caching.content_version() != version


def test_completing_a_lesson_refreshes_the_learners_outline(client_for, employee):
    course = course_with_lessons(modules=1, lessons=2)
    first, second = lessons_of(course)
    client = client_for(employee)
    assert "(done)" not in outline_of(client.get(lesson_url(second)).content.decode())
    lesson_complete(employee=employee, lesson=first)
    outline = outline_of(client.get(lesson_url(second)).content.decode())
    assert outline.count("(done)") == 1
    assert "50% complete" in client.get(course.get_absolute_url()).content.decode()


def test_one_learners_progress_never_shows_for_another(client_for, employee, manager):
    course = course_with_lessons(modules=1, lessons=2)
    first, second = lessons_of(course)
    lesson_complete(employee=employee, lesson=first)
    lesson_complete(employee=manager, lesson=first)
    lesson_complete(employee=manager, lesson=second)
    mine = client_for(employee).get(lesson_url(second)).content.decode()
    theirs = client_for(manager).get(lesson_url(second)).content.decode()
    assert lessons_done(outline_of(mine)) == 1
    assert lessons_done(outline_of(theirs)) == 2
    assert "(done)</span></p>" in outline_of(theirs)  # their module is done
    assert "(done)</span></p>" not in outline_of(mine)
    # and again, now that both are cached
    again = client_for(employee).get(lesson_url(second)).content.decode()
    assert lessons_done(outline_of(again)) == 1
    course_page = client_for(employee).get(course.get_absolute_url()).content.decode()
    assert "50% complete" in course_page


def test_the_current_lesson_mark_follows_the_page(client_for, employee):
    course = course_with_lessons(modules=1, lessons=3)
    lessons = lessons_of(course)
    client = client_for(employee)
    for lesson in lessons:
        outline = outline_of(client.get(lesson_url(lesson)).content.decode())
        assert outline.count('aria-current="page"') == 1
        current = outline[: outline.index('aria-current="page"')]
        assert current.rstrip().endswith(f'href="{lesson_url(lesson)}"')


def test_starting_a_quiz_attempt_refreshes_its_status_in_the_outline(client_for, employee):
    course = course_with_lessons(modules=1, lessons=1)
    (lesson,) = lessons_of(course)
    quiz = quiz_with_questions(questions=2, module=lesson.module, max_attempts=3)
    client = client_for(employee)
    lesson_complete(employee=employee, lesson=lesson)  # the enrollment has started
    assert "3 attempts left" in client.get(lesson_url(lesson)).content.decode()
    attempt_start(employee=employee, quiz=quiz)
    assert "2 attempts left" in client.get(lesson_url(lesson)).content.decode()


def test_pieces_are_cached_per_language(client_for, employee):
    from django.core.cache import cache

    course = course_with_lessons(modules=1, lessons=1)
    client = client_for(employee)
    with translation.override("en"):
        english_key = caching.content_key("contents", course.pk)
    with translation.override("fr"):
        french_key = caching.content_key("contents", course.pk)
    assert english_key != french_key
    english = client.get(course.get_absolute_url()).content.decode()
    assert cache.get(english_key) is not None
    assert cache.get(french_key) is None
    employee.locale = "fr"
    employee.save()
    french = client.get(course.get_absolute_url()).content.decode()
    assert '<html lang="fr">' in french
    assert '<html lang="en">' in english
    pieces = cache.get(french_key)
    assert pieces is not None
    with translation.override("fr"):
        heading = translation.gettext("Module %(number)s: %(title)s") % {
            "number": 1,
            "title": Module.objects.get(course=course).title,
        }
    assert heading in next(iter(pieces["modules"].values()))[False]
    assert heading in french


def test_the_navigation_shows_a_new_role_at_once(client_for, employee):
    enrol_totp(employee.user)  # HR must have a second factor (MFA_REQUIRED_ROLES)
    client = client_for(employee)
    hr_link = reverse("reports:hr-dashboard")
    assert hr_link not in client.get("/").content.decode()
    employee.user.groups.add(Group.objects.get(name=HR_GROUP))
    assert hr_link in client.get("/").content.decode()
    employee.user.groups.clear()
    assert hr_link not in client.get("/").content.decode()


def test_a_changed_assignment_note_shows_on_my_training(client_for, employee, hr):
    from assignments.tests.factories import assign

    course = course_with_lessons(modules=1, lessons=1)
    assignment = assign(course=course, by=hr.user, everyone=True, note="First note")
    client = client_for(employee)
    assert "First note" in client.get("/").content.decode()
    assignment.note = "Second note"
    assignment.save()
    html = client.get("/").content.decode()
    assert "Second note" in html
    assert "First note" not in html
