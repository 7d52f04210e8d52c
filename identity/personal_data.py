"""What `identity` holds about one employee, for the subject-access export
(`core.personal_data`): their sign-in and provisioning log, second factors, company
accounts linked by SSO and the identity provider's key for them. Four queries."""

from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.utils.translation import gettext_lazy as _

from core.personal_data import PersonalDataSection

from .models import AuditEvent
from .scim.models import ScimExternalId


def identity_personal_data(employee) -> list[PersonalDataSection]:
    user = employee.user
    kinds = dict(AuditEvent.Kind.choices)
    types = dict(Authenticator.Type.choices)
    events = [
        {**row, "kind": str(kinds.get(row["kind"], row["kind"]))}
        for row in AuditEvent.objects.filter(user=user)
        .order_by("pk")
        .values("created_at", "kind", "success", "method", "provider", "ip_address", "actor")
    ]
    factors = [
        {**row, "type": str(types.get(row["type"], row["type"]))}
        for row in Authenticator.objects.filter(user=user)
        .order_by("pk")
        .values("type", "created_at", "last_used_at")
    ]
    accounts = list(
        SocialAccount.objects.filter(user=user)
        .order_by("pk")
        .values("provider", "uid", "date_joined", "last_login")
    )
    keys = list(ScimExternalId.objects.filter(employee=employee).values("value"))
    return [
        PersonalDataSection(
            "sign_in_log",
            _("Sign-in and provisioning log"),
            (
                ("created_at", _("When")),
                ("kind", _("Event")),
                ("success", _("Succeeded")),
                ("method", _("Method")),
                ("provider", _("Provider")),
                ("ip_address", _("Network address")),
                ("actor", _("By")),
            ),
            events,
        ),
        PersonalDataSection(
            "second_factors",
            _("Second factors"),
            (("type", _("Type")), ("created_at", _("Added")), ("last_used_at", _("Last used"))),
            factors,
        ),
        PersonalDataSection(
            "company_accounts",
            _("Company accounts linked by single sign-on"),
            (
                ("provider", _("Provider")),
                ("uid", _("Identifier at the provider")),
                ("date_joined", _("Linked")),
                ("last_login", _("Last sign-in")),
            ),
            accounts,
        ),
        PersonalDataSection(
            "identity_provider_keys",
            _("Identity provider's key (SCIM externalId)"),
            (("value", _("Key")),),
            keys,
        ),
    ]
