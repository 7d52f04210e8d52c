import io

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from .access import request_employee, role_required
from .directory import directory_items, has_providers
from .forms import (
    DirectoryFilterForm,
    EmployeeImportConfirmForm,
    EmployeeImportForm,
    ProfileForm,
)
from .import_staging import staged_import_claim, staged_import_create
from .importing import employees_import
from .selectors import (
    department_options,
    departments_visible_to,
    employee_directory,
    employee_profile_get,
)

DIRECTORY_PAGE_SIZE = 25


@require_http_methods(["GET", "POST"])
def profile(request):
    employee = request_employee(request)
    form = None
    if employee is not None:
        employee = employee_profile_get(employee_id=employee.pk)
        form = ProfileForm(request.POST or None, instance=employee)
        if request.method == "POST" and form.is_valid():
            form.save()
            messages.success(request, _("Your profile was saved."))
            return redirect("people:profile")
    return render(request, "people/profile_detail.html", {"employee": employee, "form": form})


@role_required("manager", "hr")
def directory(request):
    departments = departments_visible_to(request.user)
    form = DirectoryFilterForm(request.GET or None, departments=departments)
    filters = form.cleaned_data if form.is_valid() else {}
    if "department" in form.errors:
        # Only a changed URL names a department outside the list offered: 404, the
        # reports' rule for anything outside the scope (it does not say whether it exists).
        raise Http404(_("No department with this code in the departments you can see."))
    employees = employee_directory(
        request.user,
        query=filters.get("q", ""),
        department=filters.get("department"),
        include_leavers=filters.get("leavers", False),
    )
    page = Paginator(employees, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    training = directory_items(list(page.object_list))
    for person in page.object_list:
        person.directory_items = training.get(person.pk, [])
    querystring = request.GET.copy()
    querystring.pop("page", None)
    partial = request.htmx and not request.htmx.history_restore_request
    template = "people/_directory_results.html" if partial else "people/employee_list.html"
    response = render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "querystring": querystring.urlencode(),
            "department_options": []
            if partial
            else department_options(departments, selected=filters.get("department")),
            "training_column": has_providers(),
        },
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


@role_required("hr")
@require_http_methods(["GET", "POST"])
def employee_import(request):
    """Two steps: the upload is checked by a dry run and kept (`people.import_staging`);
    "Import this file now" imports exactly that file, once, inviting new employees only
    if that box is ticked on the confirmation."""
    if not request.user.has_perm("people.import_employees"):
        raise PermissionDenied
    if request.method == "POST" and "token" in request.POST:
        return _employee_import_confirm(request)
    form = EmployeeImportForm(request.POST or None, request.FILES or None)
    report = staged = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        report = employees_import(
            file=io.BytesIO(content),
            filename=upload.name,
            dry_run=True,
            deactivate_missing=form.cleaned_data["deactivate_missing"],
            acting_user=request.user,
        )
        if report.errors:
            messages.error(request, _("The file has errors: nothing was changed."))
        else:
            staged = staged_import_create(
                user=request.user,
                filename=upload.name,
                content=content,
                deactivate_missing=form.cleaned_data["deactivate_missing"],
            )
    context = {
        "form": form,
        "report": report,
        "staged": staged,
        "confirm_form": EmployeeImportConfirmForm(initial={"token": staged.token})
        if staged
        else None,
    }
    return render(request, "people/employee_import.html", context)


def _employee_import_confirm(request):
    form = EmployeeImportConfirmForm(request.POST)
    report = None
    with transaction.atomic():
        staged = (
            staged_import_claim(token=form.cleaned_data["token"], user=request.user)
            if form.is_valid()
            else None
        )
        if staged is not None:
            report = employees_import(
                file=io.BytesIO(staged.content),
                filename=staged.filename,
                deactivate_missing=staged.deactivate_missing,
                send_invitations=form.cleaned_data["send_invitations"],
                acting_user=request.user,
            )
    if report is None:
        messages.error(
            request,
            _(
                "This file was already imported, or its check is more than 30 minutes old: "
                "nothing was changed. Upload the file again."
            ),
        )
        return redirect("people:employee-import")
    if report.errors:  # the organisation changed since the check
        messages.error(request, _("The file has errors now: nothing was changed."))
    else:
        messages.success(request, _("The import is complete."))
    invited = report.employees_created if form.cleaned_data["send_invitations"] else 0
    return render(
        request,
        "people/employee_import.html",
        {"form": EmployeeImportForm(), "report": report, "imported": True, "invited": invited},
    )


@login_not_required
def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


@login_not_required
def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def bad_request(request, exception=None):
    # Rendered without the request, so no context processor runs: a request refused
    # before authentication (an unknown Host header) has no user for them to read.
    return HttpResponseBadRequest(render_to_string("400.html"))
