"""Completion reports for managers (their departments' subtrees) and HR (everyone).

Every view is declared for the manager and HR roles (others get 403) and reads through
`reports.selectors`, which start from `people.selectors`: a department id outside the
user's scope is a 404, never an empty page.
"""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from people.access import role_required

from . import exports
from .forms import ExpiringForm, MatrixFilterForm, ReportFilterForm
from .selectors import (
    EXPIRY_WINDOWS,
    MIN_GROUP,
    ReportFilters,
    completions_per_week,
    department_rollup,
    departments_behind,
    drilldown_rows,
    employee_get_for,
    employee_record,
    enrollments_for,
    expiring_list,
    expiry_counts,
    mandatory_assignments_summary,
    matrix_enrollments,
    matrix_fill,
    matrix_items,
    matrix_stream,
    report_departments,
    weakest_topics,
)

PAGE_SIZE = 50
MATRIX_PAGE_SIZE = 50
EXPORT_FORMATS = ("csv", "xlsx")


def _querystring(request, *drop):
    query = request.GET.copy()
    for name in ("page", *drop):
        query.pop(name, None)
    return query.urlencode()


def _department_options(rollup, selected):
    """(pk, indented name, selected) for the department <select>, in tree order."""
    options = []

    def walk(nodes):
        for node in nodes:
            options.append((node.pk, "\u2003" * (node.depth - 1) + node.name, node.pk == selected))
            walk(node.children)

    walk(rollup.tops)
    return options


def _report_filters(request):
    form = ReportFilterForm(request.GET or None)
    filters = form.filters_for(report_departments(request.user)) if request.GET else ReportFilters()
    return form, filters


@role_required("manager", "hr")
@require_GET
def completion_report(request):
    """Per course, the department roll-up and the employees (drill-down), filtered."""
    today = timezone.localdate()
    form, filters = _report_filters(request)
    enrollments = enrollments_for(request.user, filters, today=today)
    paginator = Paginator(drilldown_rows(enrollments, sort=form.sort_value), PAGE_SIZE)
    partial = request.htmx and not request.htmx.history_restore_request
    context = {
        "form": form,
        "filters": filters,
        "today": today,
        "sort": form.sort_value,
        "querystring": _querystring(request),
        "sort_querystring": _querystring(request, "sort"),
        "rollup_querystring": _querystring(request, "department"),
    }
    if not partial:
        # The summaries count what the course and mandatory filters select (status,
        # overdue and the name search narrow the employee list only), in one grouped
        # query; the roll-up shows every department in scope, the selected one first.
        summary = ReportFilters(course=filters.course, mandatory=filters.mandatory)
        rollup = department_rollup(
            request.user, enrollments_for(request.user, summary, today=today), today=today
        )
        selected = rollup.get(filters.department.pk) if filters.department else None
        if not (filters.status or filters.overdue or filters.q):
            # The list counts the same rows as the summary: no COUNT query needed.
            paginator.__dict__["count"] = rollup.total(selected).total
        context.update(
            courses=rollup.by_course(selected),
            rollup=rollup,
            selected=selected,
            rollup_rows=[selected] if selected else rollup.tops,
            department_options=_department_options(
                rollup, filters.department.pk if filters.department else None
            ),
            breadcrumbs=_breadcrumbs(rollup, selected),
        )
    context["page"] = paginator.get_page(request.GET.get("page"))
    template = "reports/_employee_rows.html" if partial else "reports/completion_report.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _breadcrumbs(rollup, selected):
    if selected is None:
        return []
    step = len(selected.path) // selected.depth
    by_path = {node.path: node for node in rollup.nodes.values()}
    crumbs = []
    for end in range(step, len(selected.path), step):
        node = by_path.get(selected.path[:end])
        if node is not None:
            crumbs.append(node)
    return crumbs


@role_required("manager", "hr")
@require_GET
def department_rows(request, pk):
    """The children rows of one department in the roll-up (htmx); without htmx, the
    report for that department (which shows its children)."""
    departments = report_departments(request.user)
    if not departments.filter(pk=pk).exists():
        raise Http404
    query = request.GET.copy()
    query["department"] = str(pk)
    if not request.htmx:
        query.pop("page", None)
        return redirect(reverse("reports:completion") + "?" + query.urlencode())
    today = timezone.localdate()
    query.pop("department")
    form = ReportFilterForm(query or None)
    filters = form.filters_for(departments) if query else ReportFilters()
    summary = ReportFilters(course=filters.course, mandatory=filters.mandatory)
    rollup = department_rollup(
        request.user, enrollments_for(request.user, summary, today=today), today=today
    )
    node = rollup.get(pk)
    response = render(
        request,
        "reports/_rollup_rows.html",
        {"rows": node.children, "querystring": _querystring(request, "department")},
    )
    patch_vary_headers(response, ["HX-Request"])
    return response


@role_required("manager", "hr")
@require_GET
def completion_export(request, fmt):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    today = timezone.localdate()
    form, filters = _report_filters(request)
    rows = drilldown_rows(enrollments_for(request.user, filters, today=today), sort=form.sort_value)
    table = exports.drilldown_table(rows, filters, today=today)
    return exports.respond(
        fmt, table, filename=f"completion-{today:%Y-%m-%d}", sheet=_("Completion")
    )


@role_required("manager", "hr")
@require_GET
def employee_detail(request, pk):
    """One employee (within scope): every course, certificates and earlier cycles."""
    record = employee_record(employee_get_for(request.user, pk))
    return render(request, "reports/employee_detail.html", {"record": record})


# --- Activity matrix ---------------------------------------------------------------------------


def _matrix_context(request):
    form = MatrixFilterForm(request.GET or None)
    if not form.is_valid() or not form.cleaned_data.get("course"):
        return form, None
    departments = report_departments(request.user)
    department = form.department_for(departments)
    course = form.cleaned_data["course"]
    filters = ReportFilters(course=course, department=department, q=form.cleaned_data["q"])
    return form, filters


@role_required("manager", "hr")
@require_GET
def activity_matrix(request):
    form, filters = _matrix_context(request)
    context = {"form": form, "filters": filters, "querystring": _querystring(request)}
    departments = report_departments(request.user)
    context["department_options"] = [
        (
            pk,
            "\u2003" * (depth - 1) + name,
            filters is not None and filters.department is not None and pk == filters.department.pk,
        )
        for pk, name, depth in departments.order_by("path").values_list("pk", "name", "depth")
    ]
    if filters is not None:
        today = timezone.localdate()
        items = matrix_items(filters.course)
        enrollments = enrollments_for(request.user, filters, today=today)
        page = Paginator(matrix_enrollments(enrollments), MATRIX_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        context.update(items=items, page=page, rows=matrix_fill(items, list(page.object_list)))
    return render(request, "reports/activity_matrix.html", context)


@role_required("manager", "hr")
@require_GET
def matrix_export(request, fmt):
    if fmt not in EXPORT_FORMATS:
        raise Http404
    form, filters = _matrix_context(request)
    if filters is None:
        return redirect(reverse("reports:matrix") + "?" + request.GET.urlencode())
    today = timezone.localdate()
    items = matrix_items(filters.course)
    rows = matrix_stream(items, enrollments_for(request.user, filters, today=today))
    table = exports.matrix_table(items, rows, filters.describe())
    return exports.respond(
        fmt,
        table,
        filename=f"activity-{filters.course.code}-{today:%Y-%m-%d}",
        sheet=_("Activity"),
    )


# --- Weakest topics ----------------------------------------------------------------------------


@role_required("manager", "hr")
@require_GET
def weakest_topics_report(request):
    form, filters = _matrix_context(request)
    departments = report_departments(request.user)
    context = {
        "form": form,
        "filters": filters,
        "min_group": MIN_GROUP,
        "department_options": [
            (
                pk,
                "\u2003" * (depth - 1) + name,
                filters is not None
                and filters.department is not None
                and pk == filters.department.pk,
            )
            for pk, name, depth in departments.order_by("path").values_list("pk", "name", "depth")
        ],
    }
    if filters is not None:
        context["result"] = weakest_topics(
            request.user, course=filters.course, department=filters.department
        )
    return render(request, "reports/weakest_topics.html", context)


# --- HR dashboard ------------------------------------------------------------------------------


@role_required("hr")
@require_GET
def hr_dashboard(request):
    today = timezone.localdate()
    now = timezone.now()
    mandatory = enrollments_for(request.user, ReportFilters(mandatory=True), today=today)
    rollup = department_rollup(request.user, mandatory, today=today)
    weeks = completions_per_week(today=today)
    context = {
        "mandatory": rollup.by_course(),
        "assignments": mandatory_assignments_summary(mandatory, today=today),
        "weeks": weeks,
        "weeks_total": sum(bar.count for bar in weeks),
        "behind": departments_behind(rollup),
        "expiry": expiry_counts(now=now),
        "windows": EXPIRY_WINDOWS,
    }
    return render(request, "reports/hr_dashboard.html", context)


@role_required("hr")
@require_GET
def certificates_expiring(request):
    form = ExpiringForm(request.GET or None)
    days = form.cleaned_data["days"] if form.is_valid() else 30
    page = Paginator(expiring_list(now=timezone.now(), days=days), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "reports/certificates_expiring.html",
        {
            "form": form,
            "days": days,
            "page": page,
            "windows": EXPIRY_WINDOWS,
            "querystring": f"days={days}",
        },
    )
