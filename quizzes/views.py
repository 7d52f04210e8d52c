from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from people.access import request_employee, role_required

from . import selectors, services
from .forms import AttemptAnswersForm
from .models import Quiz


def quiz_detail(request, code):
    page = selectors.quiz_page_for(user=request.user, employee=request_employee(request), code=code)
    return render(
        request,
        "quizzes/quiz_detail.html",
        {
            "quiz": page.quiz,
            "course": page.quiz.module.course,
            "preview": page.preview,
            "can_take": page.can_take,
            "progress": page.progress,
        },
    )


@require_POST
def attempt_start(request, code):
    quiz, preview = selectors.quiz_get_for(user=request.user, code=code)
    employee = request_employee(request)
    if preview or employee is None:
        raise PermissionDenied
    try:
        attempt = services.attempt_start(employee=employee, quiz=quiz)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(quiz)
    return redirect("quizzes:attempt-detail", pk=attempt.pk)


@require_http_methods(["GET", "POST"])
def attempt_detail(request, pk):
    attempt = selectors.attempt_get_for(employee=request_employee(request), pk=pk)
    if attempt.is_submitted:
        if request.method == "POST":
            messages.info(request, _("This attempt was already submitted; here is its result."))
        return redirect("quizzes:attempt-review", pk=attempt.pk)
    errors: list[str] = []
    chosen: dict[int, list[int]] = {}
    status = 200
    if request.method == "POST":
        form = AttemptAnswersForm(
            request.POST, question_ids=[q["id"] for q in attempt.served_questions]
        )
        if form.is_valid():
            chosen = form.cleaned_data["answers"]
            try:
                result = services.attempt_submit(
                    attempt=attempt, employee=attempt.employee, answers=chosen
                )
            except ValidationError as error:
                errors = error.messages
            else:
                if not result.graded:
                    messages.info(
                        request, _("This attempt was already submitted; here is its result.")
                    )
                elif result.late:
                    messages.warning(
                        request,
                        _("The time limit had passed: your answers could not be accepted."),
                    )
                return redirect("quizzes:attempt-review", pk=attempt.pk)
        else:
            errors = form.non_field_errors()
        status = 400
    return render(
        request,
        "quizzes/attempt_detail.html",
        {
            "attempt": attempt,
            "quiz": attempt.quiz,
            "course": attempt.quiz.module.course,
            "questions": selectors.attempt_public_questions(attempt, chosen),
            "errors": errors,
        },
        status=status,
    )


def attempt_review(request, pk):
    attempt = selectors.attempt_get_for(employee=request_employee(request), pk=pk)
    if not attempt.is_submitted:
        return redirect("quizzes:attempt-detail", pk=attempt.pk)
    quiz = attempt.quiz
    progress = selectors.quiz_progress(quiz=quiz, enrollment=attempt.enrollment)
    show_key = selectors.review_shows_key(quiz=quiz, progress=progress)
    return render(
        request,
        "quizzes/attempt_review.html",
        {
            "attempt": attempt,
            "quiz": quiz,
            "course": quiz.module.course,
            "rows": selectors.attempt_review(attempt, show_key=show_key),
            "show_key": show_key,
            "progress": progress,
            "can_retry": attempt.enrollment.is_current and progress.can_start,
        },
    )


@role_required("author")
def quiz_statistics(request, code):
    quiz = get_object_or_404(Quiz.objects.select_related("module__course"), code=code)
    return render(
        request,
        "quizzes/quiz_statistics.html",
        {"quiz": quiz, "course": quiz.module.course, "rows": selectors.quiz_statistics(quiz)},
    )
