from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from people.access import request_employee

from . import selectors, services
from .models import Lesson
from .outline import module_items


def my_training(request):
    employee = request_employee(request)
    training = selectors.my_training(employee=employee) if employee else None
    return render(request, "courses/my_training.html", {"training": training})


def catalog(request):
    rows = selectors.catalog_for(user=request.user, employee=request_employee(request))
    return render(request, "courses/course_list.html", {"rows": rows})


def course_detail(request, code):
    course = selectors.course_get_for(user=request.user, code=code)
    outline = selectors.course_outline(course=course, employee=request_employee(request))
    return render(
        request,
        "courses/course_detail.html",
        {"course": course, "outline": outline, "preview": not course.published},
    )


def lesson_detail(request, code, lesson_id):
    course = selectors.course_get_for(user=request.user, code=code)
    lesson = get_object_or_404(
        Lesson.objects.select_related("module"), pk=lesson_id, module__course=course
    )
    return render(request, "courses/lesson_detail.html", _lesson_context(request, course, lesson))


def _lesson_context(request, course, lesson, *, error=None):
    employee = request_employee(request)
    siblings = selectors.lesson_siblings(course=course)
    ids = [pk for pk, _title, _module in siblings]
    index = ids.index(lesson.pk)
    enrollment = selectors.enrollment_current(employee=employee, course=course)
    next_lesson = siblings[index + 1] if index + 1 < len(siblings) else None
    # At the end of a module, "Next" leads to the module's own items (its quiz) first.
    next_item = None
    if next_lesson is None or next_lesson[2] != lesson.module_id:
        items = module_items(course, enrollment).get(lesson.module_id, [])
        next_item = next((item for item in items if not item.done), items[0] if items else None)
    return {
        "course": course,
        "lesson": lesson,
        "enrollment": enrollment,
        "completion": selectors.lesson_completion(employee=employee, lesson=lesson),
        "previous": siblings[index - 1] if index > 0 else None,
        "next": next_lesson,
        "next_item": next_item,
        "position": index + 1,
        "count": len(siblings),
        "preview": not course.published,
        "can_complete": course.published and employee is not None,
        "error": error,
    }


@require_POST
def lesson_complete(request, code, lesson_id):
    course = selectors.course_get_for(user=request.user, code=code)
    lesson = get_object_or_404(
        Lesson.objects.select_related("module__course"), pk=lesson_id, module__course=course
    )
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
        context = _lesson_context(request, course, lesson, error=error.messages[0])
        template = "courses/_lesson_complete.html" if request.htmx else "courses/lesson_detail.html"
        return render(request, template, context)
    if request.htmx:
        context = _lesson_context(request, course, lesson) | {"oob_progress": True}
        return render(request, "courses/_lesson_complete.html", context)
    messages.success(request, _("Lesson complete."))
    context = _lesson_context(request, course, lesson)
    if context["next_item"]:
        return redirect(context["next_item"].url)
    if context["next"]:
        return redirect("courses:lesson-detail", code=course.code, lesson_id=context["next"][0])
    return redirect("courses:course-detail", code=course.code)


def lesson_media(request, code, lesson_id, kind):
    """An uploaded lesson video or captions file, for those who may see the lesson.

    Media files are not served from a public /media/ URL: certificate PDFs live there too.
    """
    course = selectors.course_get_for(user=request.user, code=code)
    lesson = get_object_or_404(Lesson, pk=lesson_id, module__course=course)
    files = {"video": lesson.video_file, "captions": lesson.captions_file}
    stored = files.get(kind)
    if not stored:
        raise Http404
    content_type = "text/vtt" if kind == "captions" else None
    return FileResponse(stored.open("rb"), content_type=content_type)
