import re

from crispy_forms.helper import FormHelper
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from courses.models import Course
from courses.translation import order_by_title
from people.models import Department, Employee

from .models import Assignment
from .services import AssignmentSpec

MAX_NAMED = 2000


class DepartmentChoiceField(forms.ModelMultipleChoiceField):
    """Departments shown as an indented tree; an unknown id gets a clear message."""

    def __init__(self, **kwargs):
        super().__init__(
            queryset=Department.objects.order_by("path"),
            required=False,
            error_messages={
                "invalid_choice": _("A chosen department is not in the organisation tree."),
                "invalid_pk_value": _("A chosen department is not in the organisation tree."),
            },
            widget=forms.SelectMultiple(attrs={"size": 8}),
            **kwargs,
        )

    def label_from_instance(self, obj):
        return "\u2003" * (obj.depth - 1) + obj.name


class EmployeeListField(forms.CharField):
    """Employee numbers or email addresses, separated by new lines, commas or spaces."""

    widget = forms.Textarea(attrs={"rows": 3})

    def __init__(self, **kwargs):
        super().__init__(required=False, max_length=100_000, **kwargs)

    def clean(self, value):
        text = super().clean(value)
        keys = [key for key in re.split(r"[\s,;]+", text) if key]
        if len(keys) > MAX_NAMED:
            raise forms.ValidationError(
                _("Name at most %(max)d people here; use departments for more."),
                params={"max": MAX_NAMED},
            )
        if not keys:
            return []
        numbers = {key for key in keys if "@" not in key}
        emails = {key.lower() for key in keys if "@" in key}
        found = list(
            Employee.objects.filter(
                Q(employee_number__in=numbers) | Q(user__email__in=emails)
            ).select_related("user")
        )
        known = {e.employee_number for e in found} | {e.user.email.lower() for e in found}
        unknown = [key for key in keys if (key.lower() if "@" in key else key) not in known]
        if unknown:
            raise forms.ValidationError(
                _("No employee has this number or email: %(keys)s"),
                params={"keys": ", ".join(unknown[:10])},
            )
        return found


def employees_as_text(employees) -> str:
    return "\n".join(sorted(e.employee_number for e in employees))


class AssignmentForm(forms.Form):
    course = forms.ModelChoiceField(
        label=_("Course"),
        queryset=Course.objects.all(),
        error_messages={"invalid_choice": _("Choose a course from the list.")},
    )
    everyone = forms.BooleanField(label=_("Everyone in the company"), required=False)
    departments = DepartmentChoiceField(
        label=_("Departments"),
        help_text=_("Each with all its sub-departments. Hold Ctrl (⌘ on a Mac) to choose several."),
    )
    employees = EmployeeListField(
        label=_("Named employees"),
        help_text=_("Employee numbers or work emails, one per line. Use the search below."),
    )
    excluded_departments = DepartmentChoiceField(label=_("Except these departments"))
    excluded_employees = EmployeeListField(
        label=_("Except these employees"), help_text=_("Employee numbers or work emails.")
    )
    due_kind = forms.ChoiceField(
        label=_("Due date"),
        choices=Assignment.DueKind.choices,
        widget=forms.RadioSelect,
        initial=Assignment.DueKind.FIXED,
    )
    due_on = forms.DateField(
        label=_("Fixed due date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    due_days = forms.IntegerField(
        label=_("Days to complete, from being assigned"),
        required=False,
        min_value=1,
        max_value=730,
    )
    new_hire_days = forms.IntegerField(
        label=_("For people who join later: days after their hire date"),
        required=False,
        min_value=1,
        max_value=730,
        help_text=_("Leave empty to apply the rule above to new hires too."),
    )
    mandatory = forms.TypedChoiceField(
        label=_("Requirement"),
        choices=[("1", _("Mandatory")), ("0", _("Recommended"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
        initial="1",
    )
    recurrence_months = forms.IntegerField(
        label=_("Repeat every (months)"),
        required=False,
        min_value=1,
        max_value=120,
        help_text=_("E.g. 12 to renew it every year. Leave empty for training taken once."),
    )
    note = forms.CharField(
        label=_("Note to employees"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown on their training page and in the email."),
    )
    form_token = forms.UUIDField(widget=forms.HiddenInput, required=False)
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, editing: Assignment | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        published = order_by_title(Course.objects.filter(published=True), Course)
        self.fields["course"].widget.choices = [("", "---------")] + [
            (course.pk, course.title) for course in published
        ]
        if editing is not None:
            self.fields["course"].disabled = True
            self.fields["course"].help_text = _("The course of an assignment cannot change.")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    @classmethod
    def initial_for(cls, assignment: Assignment) -> dict:
        return {
            "course": assignment.course_id,
            "everyone": assignment.everyone,
            "departments": list(assignment.departments.all()),
            "employees": employees_as_text(assignment.employees.all()),
            "excluded_departments": list(assignment.excluded_departments.all()),
            "excluded_employees": employees_as_text(assignment.excluded_employees.all()),
            "due_kind": assignment.due_kind,
            "due_on": assignment.due_on,
            "due_days": assignment.due_days,
            "new_hire_days": assignment.new_hire_days,
            "mandatory": "1" if assignment.mandatory else "0",
            "recurrence_months": assignment.recurrence_months,
            "note": assignment.note,
            "revision": assignment.revision,
        }

    def spec(self) -> AssignmentSpec:
        data = self.cleaned_data
        return AssignmentSpec(
            course=data["course"],
            everyone=data["everyone"],
            departments=list(data["departments"]),
            employees=data["employees"],
            excluded_departments=list(data["excluded_departments"]),
            excluded_employees=data["excluded_employees"],
            due_kind=data["due_kind"],
            due_on=data["due_on"],
            due_days=data["due_days"],
            new_hire_days=data["new_hire_days"],
            mandatory=data["mandatory"],
            recurrence_months=data["recurrence_months"],
            note=data["note"],
        )


class EmployeeSearchForm(forms.Form):
    q = forms.CharField(label=_("Find people"), max_length=100, required=False)
