from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from people.access import request_employee

from . import fragments, selectors, services


def my_training(request):
    employee = request_employee(request)
    training = selectors.my_training(employee=employee) if employee else None
    return render(request, "courses/my_training.html", {"training": training})


def catalog(request):
    rows = selectors.catalog_for(user=request.user, employee=request_employee(request))
    return render(request, "courses/course_list.html", {"rows": rows})


def course_detail(request, code):
    outline = selectors.course_outline_for(
        user=request.user, employee=request_employee(request), code=code
    )
    course = outline.course
    fragments.outline_with_contents_rows(outline)
    return render(
        request,
        "courses/course_detail.html",
        {"course": course, "outline": outline, "preview": not course.published},
    )


def lesson_detail(request, code, lesson_id):
    lesson = selectors.lesson_get_for(user=request.user, code=code, lesson_id=lesson_id)
    return render(request, "courses/lesson_detail.html", _lesson_context(request, lesson))


def _lesson_context(request, lesson, *, error=None):
    context = selectors.lesson_page(lesson=lesson, employee=request_employee(request))
    fragments.outline_with_side_links(context["outline"], current_id=lesson.pk)
    return context | {"error": error}


@require_POST
def lesson_complete(request, code, lesson_id):
    lesson = selectors.lesson_get_for(user=request.user, code=code, lesson_id=lesson_id)
    course = lesson.module.course
    employee = request_employee(request)
    if employee is None or not course.published:
        # Authors previewing an unpublished course, or staff without a profile.
        raise Http404
    try:
        services.lesson_complete(
            employee=employee, lesson=lesson, acknowledged=request.POST.get("acknowledged") == "on"
        )
    except PermissionDenied as error:
        raise Http404 from error
    except ValidationError as error:
        context = _lesson_context(request, lesson, error=error.messages[0])
        template = "courses/_lesson_complete.html" if request.htmx else "courses/lesson_detail.html"
        return render(request, template, context)
    if request.htmx:
        # The swapped-in message takes the focus; the progress and outline follow (oob).
        context = _lesson_context(request, lesson) | {"oob_progress": True}
        return render(request, "courses/_lesson_complete.html", context)
    messages.success(request, _("Lesson complete."))
    context = _lesson_context(request, lesson)
    if context["next_item"]:
        return redirect(context["next_item"].url)
    if context["next"]:
        return redirect("courses:lesson-detail", code=course.code, lesson_id=context["next"][0])
    return redirect("courses:course-detail", code=course.code)


def lesson_media(request, code, lesson_id, kind):
    """An uploaded lesson video or captions file, for those who may see the lesson.

    Media files are not served from a public /media/ URL: certificate PDFs live there too.
    """
    lesson = selectors.lesson_get_for(user=request.user, code=code, lesson_id=lesson_id)
    files = {"video": lesson.video_file, "captions": lesson.captions_file}
    stored = files.get(kind)
    if not stored:
        raise Http404
    content_type = "text/vtt" if kind == "captions" else None
    return FileResponse(stored.open("rb"), content_type=content_type)
