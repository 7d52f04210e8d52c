from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssignmentsConfig(AppConfig):
    name = "assignments"
    verbose_name = _("Assignments")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from courses.annotations import register_training_provider
        from people.directory import register_directory_provider
        from people.roles import HR_GROUP, register_grants
        from people.signals import employees_imported

        from . import signals

        register_grants(
            self.label,
            {
                HR_GROUP: {
                    "manage_assignments",
                    "view_assignment",
                    "view_assignmentchange",
                    "view_reminderlog",
                    "view_digestlog",
                }
            },
        )
        register_training_provider(signals.training_extras_for)
        post_save.connect(
            signals.assignment_note_forget, sender="assignments.Assignment", dispatch_uid="a_note_s"
        )
        post_delete.connect(
            signals.assignment_note_forget, sender="assignments.Assignment", dispatch_uid="a_note_d"
        )
        register_directory_provider(signals.directory_items_for)
        employees_imported.connect(
            signals.sync_after_import, dispatch_uid="assignments.sync_after_import"
        )
