from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = _("People and departments")

    def ready(self):
        from .roles import role_groups_ensure

        # After the last app's post_migrate (permissions exist by then) and after flush.
        post_migrate.connect(role_groups_ensure, dispatch_uid="people.role_groups_ensure")
