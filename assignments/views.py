import uuid
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from courses.models import Course, Enrollment
from courses.translation import translations_prefetch
from people.models import Employee

from . import selectors, services
from .calendar import enrollments_ics
from .forms import AssignmentForm, EmployeeSearchForm
from .models import Assignment
from .signals import calendar_employee_id

PAGE_SIZE = 25
PERMISSION = "assignments.manage_assignments"


def hr_required(view):
    """HR only (permission `assignments.manage_assignments`); others get 403."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.has_perm(PERMISSION):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.required_permission = PERMISSION
    return wrapped


@hr_required
def assignment_list(request):
    page = Paginator(selectors.assignment_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    reach = selectors.reach_for(a.pk for a in page.object_list)
    rows = [(a, reach.get(a.pk, selectors.Reach())) for a in page.object_list]
    return render(
        request,
        "assignments/assignment_list.html",
        {"page": page, "rows": rows, "today": timezone.localdate()},
    )


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(None if name not in form.fields else name, errors)
    else:
        form.add_error(None, error)


def _form_page(request, form, *, assignment=None, preview=None):
    return render(
        request,
        "assignments/assignment_form.html",
        {
            "form": form,
            "assignment": assignment,
            "preview": preview,
            "search_form": EmployeeSearchForm(),
        },
    )


@hr_required
@require_http_methods(["GET", "POST"])
def assignment_create(request):
    if request.method == "GET":
        initial = {"form_token": uuid.uuid4()}
        if request.GET.get("course"):
            initial["course"] = request.GET["course"]
        return _form_page(request, AssignmentForm(initial=initial))
    form = AssignmentForm(request.POST)
    if not form.is_valid():
        return _form_page(request, form)
    spec = form.spec()
    if request.POST.get("action") != "save":
        try:
            services.assignment_validate(spec, today=timezone.localdate(), is_new=True)
        except ValidationError as error:
            _apply_errors(form, error)
            return _form_page(request, form)
        return _form_page(request, form, preview=services.assignment_preview(spec=spec))
    try:
        assignment = services.assignment_create(
            spec=spec, by=request.user, form_token=form.cleaned_data["form_token"]
        )
    except ValidationError as error:
        _apply_errors(form, error)
        return _form_page(request, form)
    messages.success(
        request,
        _("Assigned %(course)s. Enrollments were created and the emails are on their way.")
        % {"course": assignment.course.title},
    )
    return redirect(assignment)


@hr_required
@require_http_methods(["GET", "POST"])
def assignment_edit(request, pk):
    assignment = get_object_or_404(Assignment.objects.select_related("course"), pk=pk)
    if not assignment.is_active:
        messages.error(request, _("A cancelled assignment cannot be changed."))
        return redirect(assignment)
    if request.method == "GET":
        form = AssignmentForm(initial=AssignmentForm.initial_for(assignment), editing=assignment)
        return _form_page(request, form, assignment=assignment)
    form = AssignmentForm(
        request.POST, initial=AssignmentForm.initial_for(assignment), editing=assignment
    )
    if not form.is_valid():
        return _form_page(request, form, assignment=assignment)
    spec = form.spec()
    revision = form.cleaned_data["revision"] or 0
    if request.POST.get("action") != "save":
        return _form_page(
            request, form, assignment=assignment, preview=services.assignment_preview(spec=spec)
        )
    try:
        services.assignment_update(
            assignment=assignment, spec=spec, by=request.user, revision=revision
        )
    except ValidationError as error:
        _apply_errors(form, error)
        return _form_page(request, form, assignment=assignment)
    messages.success(request, _("The assignment was saved and its enrollments updated."))
    return redirect(assignment)


@hr_required
def assignment_detail(request, pk):
    try:
        assignment = selectors.assignment_get(pk)
    except Assignment.DoesNotExist:
        raise Http404 from None
    today = timezone.localdate()
    return render(
        request,
        "assignments/assignment_detail.html",
        {
            "assignment": assignment,
            "reach": selectors.reach_for([assignment.pk], today=today).get(
                assignment.pk, selectors.Reach()
            ),
            "history": selectors.assignment_history(assignment),
            "people": selectors.assignment_people(assignment),
            "today": today,
        },
    )


@hr_required
@require_http_methods(["GET", "POST"])
def assignment_cancel(request, pk):
    assignment = get_object_or_404(Assignment.objects.select_related("course"), pk=pk)
    if request.method == "POST":
        if services.assignment_cancel(assignment=assignment, by=request.user):
            messages.success(
                request,
                _("The assignment was cancelled. What people completed stays completed."),
            )
        else:
            messages.info(request, _("This assignment was already cancelled."))
        return redirect(assignment)
    reach = selectors.reach_for([assignment.pk]).get(assignment.pk, selectors.Reach())
    return render(
        request, "assignments/assignment_cancel.html", {"assignment": assignment, "reach": reach}
    )


@hr_required
def employee_search(request):
    form = EmployeeSearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    results = selectors.employee_search(query)
    return render(
        request, "assignments/_employee_search.html", {"results": results, "query": query}
    )


@login_not_required
def calendar_feed(request, token):
    """The employee's due dates as an ICS feed; the signed token is the only key (calendar
    apps cannot sign in). Leavers' feeds are empty."""
    employee_id = calendar_employee_id(token)
    if employee_id is None:
        raise Http404
    employee = Employee.objects.filter(pk=employee_id).select_related("user").first()
    if employee is None:
        raise Http404
    enrollments = []
    if employee.user.is_active:
        enrollments = list(
            Enrollment.objects.filter(
                employee=employee, is_current=True, due_on__isnull=False, course__published=True
            )
            .exclude(status=Enrollment.Status.COMPLETED)
            .select_related("course")
            .prefetch_related(translations_prefetch(Course, "course"))
            .order_by("due_on")
        )
    response = HttpResponse(
        enrollments_ics(enrollments, name=_("My training due dates")),
        content_type="text/calendar; charset=utf-8",
    )
    response["Content-Disposition"] = 'inline; filename="training.ics"'
    return response
