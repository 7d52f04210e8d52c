import pytest
from django.urls import reverse

from courses.models import Lesson, LessonCompletion
from courses.tests.factories import LessonFactory, course_with_lessons


def lesson_url(lesson, name="courses:lesson-detail"):
    return reverse(name, kwargs={"code": lesson.module.course.code, "lesson_id": lesson.pk})


def first_lesson(course):
    return (
        Lesson.objects.filter(module__course=course)
        .order_by("module__position", "position")
        .first()
    )


def test_employee_reads_and_completes_a_lesson_with_a_plain_form(client_for, employee):
    course = course_with_lessons(modules=1, lessons=2)
    lesson = first_lesson(course)
    client = client_for(employee)
    page = client.get(lesson_url(lesson))
    assert page.status_code == 200
    assert "Mark as complete" in page.content.decode()
    response = client.post(lesson_url(lesson, "courses:lesson-complete"))
    assert response.status_code == 302  # to the next lesson
    assert LessonCompletion.objects.filter(lesson=lesson, enrollment__employee=employee).exists()


def test_htmx_completion_returns_the_partial_with_the_progress_bar(client_for, employee):
    course = course_with_lessons(modules=1, lessons=2)
    response = client_for(employee).post(
        lesson_url(first_lesson(course), "courses:lesson-complete"), HTTP_HX_REQUEST="true"
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert 'hx-swap-oob="true"' in content and "50% complete" in content


def test_acknowledgement_without_the_box_shows_an_error_and_saves_nothing(client_for, employee):
    lesson = LessonFactory(kind=Lesson.Kind.ACKNOWLEDGEMENT, acknowledgement="I accept.")
    response = client_for(employee).post(lesson_url(lesson, "courses:lesson-complete"))
    assert response.status_code == 200
    assert "Tick the box" in response.content.decode()
    assert not LessonCompletion.objects.exists()


def test_tampered_lesson_id_from_another_course_is_404(client_for, employee):
    course = course_with_lessons(modules=1, lessons=1)
    other = course_with_lessons(modules=1, lessons=1)
    foreign = first_lesson(other)
    url = reverse("courses:lesson-detail", kwargs={"code": course.code, "lesson_id": foreign.pk})
    client = client_for(employee)
    assert client.get(url).status_code == 404
    complete = reverse("courses:lesson-complete", kwargs={"code": course.code, "lesson_id": 999999})
    assert client.post(complete).status_code == 404
    assert not LessonCompletion.objects.exists()


def test_unpublished_course_is_404_for_employees_and_preview_for_authors(
    client_for, employee, author
):
    course = course_with_lessons(modules=1, lessons=1, published=False)
    lesson = first_lesson(course)
    assert client_for(employee).get(course.get_absolute_url()).status_code == 404
    assert client_for(employee).get(lesson_url(lesson)).status_code == 404
    assert (
        client_for(employee).post(lesson_url(lesson, "courses:lesson-complete")).status_code == 404
    )
    preview = client_for(author).get(lesson_url(lesson))
    assert preview.status_code == 200
    assert "Preview" in preview.content.decode()
    assert "Mark as complete" not in preview.content.decode()
    assert client_for(author).post(lesson_url(lesson, "courses:lesson-complete")).status_code == 404
    assert not LessonCompletion.objects.exists()


def test_completing_requires_post(client_for, employee):
    course = course_with_lessons(modules=1, lessons=1)
    assert (
        client_for(employee)
        .get(lesson_url(first_lesson(course), "courses:lesson-complete"))
        .status_code
        == 405
    )


@pytest.mark.parametrize("lessons", [2, 20])
def test_lesson_page_query_count_does_not_grow(
    client_for, employee, django_assert_num_queries, lessons
):
    course = course_with_lessons(modules=2, lessons=lessons // 2)
    # The last lesson of the first module: its "Next" also asks the outline providers.
    lesson = (
        Lesson.objects.filter(module__course=course)
        .order_by("module__position", "-position")
        .first()
    )
    client = client_for(employee)
    url = lesson_url(lesson)
    # Nothing cached yet: session, user, employee, the roles the navigation shows, the
    # course's content (course, modules, lessons), the lesson, the enrollment (none yet),
    # the outline providers' items (quizzes: 1 query without an enrollment).
    with django_assert_num_queries(
        16
    ):  # + content translation rows (parler), one query per kind of content read
        assert client.get(url).status_code == 200
    # Completing it changes the progress stamp: the completion's own answer reads it afresh
    client.post(lesson_url(lesson, "courses:lesson-complete"))
    # ...so the next page finds everything cached: session, user, employee, enrollment.
    with django_assert_num_queries(4):
        assert client.get(url).status_code == 200


def test_uploaded_video_is_served_only_to_those_who_may_see_the_lesson(
    client_for, employee, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    lesson = LessonFactory(
        kind=Lesson.Kind.VIDEO,
        video_file=SimpleUploadedFile("clip.mp4", b"video-bytes", "video/mp4"),
        captions_file=SimpleUploadedFile("clip.vtt", b"WEBVTT\n", "text/vtt"),
    )
    code = lesson.module.course.code
    client = client_for(employee)
    page = client.get(lesson_url(lesson)).content.decode()
    video_url = reverse(
        "courses:lesson-media", kwargs={"code": code, "lesson_id": lesson.pk, "kind": "video"}
    )
    assert video_url in page and "/media/lessons/" not in page
    assert b"".join(client.get(video_url).streaming_content) == b"video-bytes"
    captions = reverse(
        "courses:lesson-media", kwargs={"code": code, "lesson_id": lesson.pk, "kind": "captions"}
    )
    assert client.get(captions)["Content-Type"] == "text/vtt"
    bogus = reverse(
        "courses:lesson-media", kwargs={"code": code, "lesson_id": lesson.pk, "kind": "pdf"}
    )
    assert client.get(bogus).status_code == 404
    lesson.module.course.published = False
    lesson.module.course.save()
    assert client.get(video_url).status_code == 404


def test_lesson_page_shows_the_outline_with_done_marks_and_the_current_lesson(client_for, employee):
    course = course_with_lessons(modules=2, lessons=2)
    lessons = list(
        Lesson.objects.filter(module__course=course).order_by("module__position", "position")
    )
    client = client_for(employee)
    client.post(lesson_url(lessons[0], "courses:lesson-complete"))
    html = client.get(lesson_url(lessons[1])).content.decode()
    outline = html[
        html.index('id="course-outline"') : html.index("</ol>", html.index('id="course-outline"'))
    ]
    for lesson in lessons:
        assert lesson.title in outline
    current = outline[
        outline.index('aria-current="page"') - 300 : outline.index('aria-current="page"')
    ]
    assert lesson_url(lessons[1]) in current
    assert outline.count("(done)") == 1  # the first lesson only


def test_completing_by_htmx_focuses_the_message_and_refreshes_the_outline(client_for, employee):
    course = course_with_lessons(modules=1, lessons=2)
    lesson = first_lesson(course)
    response = client_for(employee).post(
        lesson_url(lesson, "courses:lesson-complete"), HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert 'role="status" tabindex="-1" autofocus' in html
    assert (
        'id="course-outline" class="course-outline list-unstyled mb-0" hx-swap-oob="true"' in html
    )
    assert "(done)" in html


def test_lesson_shows_the_company_contacts_from_the_settings(client_for, employee, settings):
    settings.SOCIAL_MEDIA_TEAM = "Brand & Social (Ana Lopez)"
    settings.SOCIAL_MEDIA_EMAIL = "brand@acme.test"
    settings.SOCIAL_MEDIA_OUT_OF_HOURS = "the duty manager on 0800 000"
    settings.WHISTLEBLOWING_CHANNEL = "the Speak Up line"
    course = course_with_lessons(modules=1, lessons=1)
    lesson = first_lesson(course)
    lesson.body = (
        "Ask {{social_team}} at {{social_email}}; at night, call {{out_of_hours}}. "
        "Report wrongdoing through {{whistleblowing}}."
    )
    lesson.save()
    content = client_for(employee).get(lesson_url(lesson)).content.decode()
    assert "Ask Brand &amp; Social (Ana Lopez) at brand@acme.test" in content
    assert "call the duty manager on 0800 000" in content
    assert "through the Speak Up line" in content
    assert "{{" not in content


def test_default_contacts_are_in_the_readers_language():
    from django.utils import translation

    from courses.rendering import fill_contacts

    with translation.override("fr"):
        assert fill_contacts("{{social_team}}") == "l’équipe Réseaux sociaux"
        assert "à toute heure" in fill_contacts("{{out_of_hours}}")
    with translation.override("en"):
        assert fill_contacts("{{social_team}}") == "the Social Media team"
