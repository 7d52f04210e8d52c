from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = _("People and departments")

    def ready(self):
        from .roles import (
            AUTHORS_GROUP,
            HR_GROUP,
            check_grants,
            connect_display_signals,
            register_grants,
            role_groups_sync,
        )

        register_grants(
            self.label,
            {
                HR_GROUP: {
                    "view_all_employees",
                    "import_employees",
                    "view_employee",
                    "change_employee",
                    "view_department",
                    "add_department",
                    "change_department",
                },
                AUTHORS_GROUP: {"author_content"},
            },
        )
        checks.register(check_grants)
        connect_display_signals()
        # Runs on every app's post_migrate (and after flush); acts on the last one.
        post_migrate.connect(role_groups_sync, dispatch_uid="people.role_groups_sync")
