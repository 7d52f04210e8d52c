from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Privacy")

    def ready(self):
        from people.roles import HR_GROUP, register_grants

        register_grants(self.label, {HR_GROUP: {"export_personal_data", "view_personaldataexport"}})
