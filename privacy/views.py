"""HR's subject-access export: everything held about one employee, as a printable page
and as a JSON download. Both need `privacy.export_personal_data` (HR) and are audited."""

import json

from django.contrib.auth.decorators import permission_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from people.selectors import employees_visible_to

from .models import PersonalDataExport
from .selectors import employee_personal_data, employee_personal_records
from .services import personal_data_export_record

PERMISSION = "privacy.export_personal_data"


def _employee(request, pk):
    return get_object_or_404(
        employees_visible_to(request.user).select_related(
            "user", "department", "line_manager__user"
        ),
        pk=pk,
    )


@permission_required(PERMISSION, raise_exception=True)
@require_GET
def employee_export(request, pk):
    employee = _employee(request, pk)
    personal_data_export_record(
        employee=employee, by=request.user, format=PersonalDataExport.Format.HTML
    )
    data, sections = employee_personal_records(employee)
    return render(
        request,
        "privacy/employee_export.html",
        {"employee": employee, "data": data, "sections": sections, "now": timezone.now()},
    )


@permission_required(PERMISSION, raise_exception=True)
@require_GET
def employee_export_json(request, pk):
    employee = _employee(request, pk)
    personal_data_export_record(
        employee=employee, by=request.user, format=PersonalDataExport.Format.JSON
    )
    data = {
        "exported_at": timezone.now(),
        "employee_id": employee.pk,
        **employee_personal_data(employee),
    }
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False, cls=DjangoJSONEncoder),
        content_type="application/json",
    )
    filename = f"personal-data-{employee.employee_number}.json".replace('"', "")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
