from django import forms
from django.utils.translation import gettext_lazy as _

from .models import normalise_code


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Certificate code"),
        max_length=64,
        help_text=_("As printed on the certificate, e.g. ABCDE-FGHIJ-KLMNO-PQRST."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_code(self):
        code = normalise_code(self.cleaned_data["code"])
        if not code:
            raise forms.ValidationError(_("Type the code printed on the certificate."))
        return code


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for revoking"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept with the certificate; not shown on the public verification page."),
    )
    # Set by the confirmation step's button: the first submission only asks to confirm.
    confirmed = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def clean_reason(self):
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Give the reason for revoking this certificate."))
        return reason


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Code, name, email, employee number or course"),
        max_length=200,
        required=False,
    )
