"""Company sign-in: the email-first step that sends a person to their identity provider."""

from __future__ import annotations

from allauth.account.utils import get_next_redirect_url
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from identity.sso.forms import SsoStartForm
from identity.sso.selectors import (
    sso_provider_for_email,
    sso_provider_get,
    sso_provider_key,
    sso_provider_list,
)


def _redirect_to(request, provider, *, email: str = ""):
    next_url = get_next_redirect_url(request)
    if provider.protocol == "oidc" and email:
        # Entra ID, Okta and Google skip their own "which account?" step with it.
        auth_params = {**provider.get_auth_params(), "login_hint": email}
        return provider.redirect(request, "login", next_url=next_url, auth_params=auth_params)
    return provider.redirect(request, "login", next_url=next_url)


@login_not_required
@require_http_methods(["GET", "POST"])
def sso_start(request):
    """GET: the company sign-in page (also embedded in the sign-in page). POST with
    `email`: the provider serving its domain; POST with `provider`: that provider."""
    providers = sso_provider_list(request)
    form = SsoStartForm(request.POST if "email" in request.POST else None)
    status, error = 200, ""
    if request.method == "POST":
        if "provider" in request.POST:
            provider = sso_provider_get(request, key=request.POST["provider"])
            if provider is not None:
                return _redirect_to(request, provider)
            status = 400
            error = _("This company account is not available. Choose another.")
        elif form.is_valid():
            email = form.cleaned_data["email"]
            provider = sso_provider_for_email(request, email=email)
            if provider is not None:
                return _redirect_to(request, provider, email=email)
            form.add_error(
                "email",
                _(
                    "No company account signs in addresses of this domain. Check the "
                    "address, or sign in with your password."
                ),
            )
        else:
            status = 400
    context = {
        "sso_form": form,
        "sso_error": error,
        "sso_providers": [(sso_provider_key(p), p.name) for p in providers],
        "redirect_field_name": "next",
        "redirect_field_value": get_next_redirect_url(request) or "",
    }
    return render(request, "identity/sso_start.html", context, status=status)
