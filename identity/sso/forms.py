"""Forms of company sign-in, and allauth's password forms with the SSO-domain rule.

`ACCOUNT_FORMS` points allauth's "login" and "reset_password" forms here: with
`SSO_PASSWORD_LOGIN_DISABLED`, an address of a domain that a company identity provider
serves gets no password sign-in and no reset link, and is told to use its company account.
"""

from __future__ import annotations

from allauth.account.forms import LoginForm, ResetPasswordForm
from allauth.core import context
from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from identity.sso import audit
from identity.sso.selectors import sso_provider_for_email, sso_provider_key

PASSWORD_OFF_MESSAGE = _(
    "%(company)s signs you in with your company account: use “Sign in with your company "
    "account” on the sign-in page instead of a password."
)


def _refuse_password(request, email: str) -> None:
    if not settings.SSO_PASSWORD_LOGIN_DISABLED or not email:
        return
    provider = sso_provider_for_email(request, email=email)
    if provider is None:
        return
    audit.password_refused(request=request, email=email, provider=sso_provider_key(provider))
    raise forms.ValidationError(
        PASSWORD_OFF_MESSAGE, code="sso_only", params={"company": settings.COMPANY_NAME}
    )


class CompanyLoginForm(LoginForm):
    def clean(self):
        _refuse_password(self.request, (self.cleaned_data.get("login") or "").strip())
        return super().clean()


class CompanyResetPasswordForm(ResetPasswordForm):
    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        _refuse_password(context.request, email)
        return super().clean_email()


class SsoStartForm(forms.Form):
    """The email-first step: the address picks the identity provider of its domain."""

    email = forms.EmailField(
        label=_("Work email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "username"}),
    )
