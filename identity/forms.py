from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv46_address
from django.utils.translation import gettext_lazy as _

from .models import AuditEvent


class AuditFilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Event"),
        required=False,
        choices=[("", _("All events")), *AuditEvent.Kind.choices],
    )
    failures = forms.BooleanField(label=_("Failures and refusals only"), required=False)
    q = forms.CharField(
        label=_("Email or network address"),
        required=False,
        max_length=254,
        help_text=_("The exact address, e.g. jane.doe@example.com or 192.0.2.10."),
    )

    def clean_q(self):
        value = self.cleaned_data["q"].strip()
        if value and "@" not in value:
            try:
                validate_ipv46_address(value)
            except ValidationError:
                raise ValidationError(
                    _("Enter an email address or a network address (IPv4 or IPv6).")
                ) from None
        return value
