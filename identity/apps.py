from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    """Sign-in and provisioning: SSO, MFA policy, SCIM and their audit trail.

    `identity` calls `people`'s services and reads the lower apps; nothing imports it."""

    name = "identity"
    verbose_name = _("Identity")

    def ready(self):
        from core.personal_data import register_personal_data_provider
        from people.roles import HR_GROUP, register_grants

        from . import signals
        from .mfa import receivers as mfa_receivers
        from .personal_data import identity_personal_data
        from .scim import receivers as scim_receivers

        signals.connect()
        scim_receivers.connect()
        mfa_receivers.connect()
        register_grants(self.label, {HR_GROUP: {"view_auditevent"}})
        register_personal_data_provider(identity_personal_data)
