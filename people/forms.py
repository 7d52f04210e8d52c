from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .importing import MAX_FILE_BYTES
from .models import Department, Employee


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Employee
        fields = ["locale"]
        help_texts = {"locale": _("The language of the site and of the emails you receive.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["locale"].choices = settings.LANGUAGES
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Save")))


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name, email, number or job title")}
        ),
    )
    department = forms.ModelChoiceField(
        label=_("Department (and below)"),
        queryset=Department.objects.none(),
        required=False,
        to_field_name="code",
        empty_label=_("All departments"),
    )
    leavers = forms.BooleanField(label=_("Include leavers"), required=False)

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments.order_by("path")
        self.fields["department"].label_from_instance = lambda d: "\u2003" * (d.depth - 1) + d.name


class EmployeeImportForm(forms.Form):
    file = forms.FileField(
        label=_("HR file (CSV or XLSX)"),
        help_text=_(
            "One row per employee. Columns: employee_number, email, first_name, last_name, "
            "department_code, and optionally department_name, parent_department_code, "
            "line_manager_number, job_title, locale, hired_on (YYYY-MM-DD), manages_departments."
        ),
    )
    deactivate_missing = forms.BooleanField(
        label=_("Deactivate employees who are not in the file (leavers)"), required=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB.")
                % {"size": MAX_FILE_BYTES // (1024 * 1024)}
            )
        return upload


class EmployeeImportConfirmForm(forms.Form):
    """The second step: import the checked file (named by its staging token)."""

    token = forms.CharField(max_length=64, widget=forms.HiddenInput)
    send_invitations = forms.BooleanField(required=False, initial=False)
