"""Rendered pieces of the course outline, shared by every learner (cached with the
content, `courses.caching`).

An outline lists every lesson of the course on the course page and beside each lesson;
rendering those links (a URL, a title, an icon, the screen-reader words) for each request
was most of those pages' cost. Each module heading and lesson link is rendered once per
content version and language in each state it can be in (done or not; on the lesson
page also the current lesson or not), and a request only picks the right piece for
each from what the learner has done. Other apps' items (a quiz and its status, which
differ per learner) are rendered with the page. The templates stay the source of the markup:
`courses/_outline_module.html` and `_outline_lesson.html` (beside a lesson),
`courses/_contents_module.html` and `_contents_lesson.html` (the course page).
"""

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from .caching import cached, content_key
from .selectors import CourseOutline, course_content

# (done, current) states of a lesson link beside a lesson; done only on the course page.
SIDE_STATES = [(done, current) for done in (False, True) for current in (False, True)]


def _pieces(course, kind: str, templates: tuple[str, str], lesson_states) -> dict:
    """{"modules": {module id: {done: html}}, "lessons": {lesson id: {state: html}}}."""
    module_template, lesson_template = templates

    def build():
        content = course_content(code=course.code)
        pieces = {"modules": {}, "lessons": {}}
        for number, (module, lessons) in enumerate(content.modules, start=1):
            pieces["modules"][module.pk] = {
                done: render_to_string(
                    module_template,
                    {"course": course, "module": module, "number": number, "done": done},
                )
                for done in (False, True)
            }
            for lesson in lessons:
                pieces["lessons"][lesson.pk] = {
                    state: render_to_string(
                        lesson_template, {"course": course, "lesson": lesson, "state": state}
                    )
                    for state in lesson_states
                }
        return pieces

    return cached(content_key(kind, course.pk), build)


def outline_with_side_links(outline: CourseOutline, *, current_id: int) -> CourseOutline:
    """Give each module of the outline its rendered heading (`module.heading_html`) and
    lesson links (`module.lessons_html`) for the side outline of the lesson page, in
    their state for this learner and page."""
    pieces = _pieces(
        outline.course,
        "side-outline",
        ("courses/_outline_module.html", "courses/_outline_lesson.html"),
        SIDE_STATES,
    )
    for module in outline.modules:
        module.heading_html = pieces["modules"][module.module.pk][module.done]
        module.lessons_html = SafeString(
            "".join(
                pieces["lessons"][entry.lesson.pk][(entry.done, entry.lesson.pk == current_id)]
                for entry in module.lessons
            )
        )
    return outline


def outline_with_contents_rows(outline: CourseOutline) -> CourseOutline:
    """Give each module of the outline its rendered heading and lesson rows for the
    course page's contents."""
    pieces = _pieces(
        outline.course,
        "contents",
        ("courses/_contents_module.html", "courses/_contents_lesson.html"),
        [False, True],
    )
    for module in outline.modules:
        module.heading_html = pieces["modules"][module.module.pk][module.done]
        module.lessons_html = SafeString(
            "".join(pieces["lessons"][entry.lesson.pk][entry.done] for entry in module.lessons)
        )
    return outline
