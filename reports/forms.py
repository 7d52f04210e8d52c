from django import forms
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from courses.models import Enrollment

from .selectors import SORTS, ReportFilters, report_courses


class DepartmentIdField(forms.IntegerField):
    """A department id; whether it is in the user's scope is decided by the view (404)."""

    def __init__(self, **kwargs):
        super().__init__(min_value=1, required=False, **kwargs)


class ReportFilterForm(forms.Form):
    """The filters of the completion report and its exports (all GET parameters).

    An invalid value is reported on the form and ignored; a well-formed department id
    the user may not see is not a form error but a 404 (see `filters_for`)."""

    q = forms.CharField(
        label=_("Name search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name, email or number")}),
    )
    course = forms.ModelChoiceField(
        label=_("Course"), queryset=report_courses(), required=False, empty_label=_("All courses")
    )
    department = DepartmentIdField(label=_("Department (and below)"))
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *Enrollment.Status.choices],
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    mandatory = forms.BooleanField(label=_("Mandatory only"), required=False)
    sort = forms.ChoiceField(
        required=False,
        choices=[(key, key) for name in SORTS for key in (name, f"-{name}")],
    )

    def filters_for(self, departments) -> ReportFilters:
        """The valid filters; a department id outside `departments` raises Http404."""
        data = self.cleaned_data if self.is_valid() else self._valid_part()
        department = None
        if data.get("department"):
            department = departments.filter(pk=data["department"]).first()
            if department is None:
                raise Http404
        return ReportFilters(
            course=data.get("course"),
            department=department,
            status=data.get("status") or "",
            overdue=bool(data.get("overdue")),
            mandatory=bool(data.get("mandatory")),
            q=(data.get("q") or "").strip(),
        )

    def _valid_part(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name not in self.errors}

    @property
    def sort_value(self) -> str:
        if not self.is_bound:
            return "name"
        if self.is_valid() or "sort" not in self.errors:
            return self.cleaned_data.get("sort") or "name"
        return "name"


class MatrixFilterForm(forms.Form):
    course = forms.ModelChoiceField(
        label=_("Course"), queryset=report_courses(), empty_label=_("Choose a course")
    )
    department = DepartmentIdField(label=_("Department (and below)"))
    q = forms.CharField(
        label=_("Name search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )

    def department_for(self, departments):
        value = self.cleaned_data.get("department") if hasattr(self, "cleaned_data") else None
        if not value:
            return None
        department = departments.filter(pk=value).first()
        if department is None:
            raise Http404
        return department


class ExpiringForm(forms.Form):
    days = forms.TypedChoiceField(
        choices=[(30, "30"), (60, "60"), (90, "90")], coerce=int, required=False, empty_value=30
    )
