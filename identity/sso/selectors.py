"""Reads for company sign-in: the configured identity providers and whom they may sign in."""

from __future__ import annotations

from allauth.socialaccount.adapter import get_adapter
from django.contrib.auth import get_user_model

from ambassador.sso_settings import OIDC, SAML


def email_domain(email: str) -> str:
    return email.rpartition("@")[2].strip().lower()


def sso_provider_list(request) -> list:
    """Every company identity provider (environment and admin), in a stable order: the
    allauth provider instances, each with `app.settings["domains"]`."""
    apps = get_adapter(request).list_apps(request)
    providers = [app.get_provider(request) for app in apps if app.provider in (OIDC, SAML)]
    return sorted(
        providers, key=lambda provider: (provider.name.lower(), sso_provider_key(provider))
    )


def sso_provider_key(provider) -> str:
    """The id that names a provider in URLs and in the audit: the OIDC `provider_id`, the
    SAML `client_id` (allauth's organisation slug)."""
    if provider.app.provider == SAML:
        return provider.app.client_id
    return provider.app.provider_id or provider.app.client_id


def sso_provider_get(request, *, key: str):
    for provider in sso_provider_list(request):
        if sso_provider_key(provider) == key:
            return provider
    return None


def sso_domains(provider) -> set[str]:
    return {str(domain).lower() for domain in provider.app.settings.get("domains", [])}


def sso_provider_for_email(request, *, email: str):
    """The provider that serves this address's domain, or None. Two providers claiming
    one domain: the first in `sso_provider_list`'s order (docs/sso.md says not to)."""
    domain = email_domain(email)
    for provider in sso_provider_list(request):
        if domain in sso_domains(provider):
            return provider
    return None


def sso_all_domains(request) -> set[str]:
    return {domain for provider in sso_provider_list(request) for domain in sso_domains(provider)}


def employee_user_by_email(*, email: str):
    """The user of the provisioned employee with this address (any state), or None."""
    return (
        get_user_model()
        .objects.filter(email__iexact=email.strip(), employee__isnull=False)
        .select_related("employee")
        .first()
    )


def employee_user_by_number(*, employee_number: str):
    return (
        get_user_model()
        .objects.filter(employee__employee_number=employee_number.strip())
        .select_related("employee")
        .first()
    )
