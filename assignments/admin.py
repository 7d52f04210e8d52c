from django.contrib import admin

from .models import Assignment, AssignmentChange, DigestLog, ReminderLog


class ReadOnlyAdmin(admin.ModelAdmin):
    """History and logs are written by the services only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    """Assignments are made on the HR page (it applies them); the admin only shows them."""

    list_display = ["course", "everyone", "due_kind", "due_on", "due_days", "status", "created_at"]
    list_filter = ["status", "course", "mandatory"]


@admin.register(AssignmentChange)
class AssignmentChangeAdmin(ReadOnlyAdmin):
    list_display = ["assignment", "action", "changed_by", "changed_at"]
    list_filter = ["action"]


@admin.register(ReminderLog)
class ReminderLogAdmin(ReadOnlyAdmin):
    list_display = ["enrollment", "kind", "created_at", "sent_at", "recipient"]
    list_filter = ["kind"]
    raw_id_fields = ["enrollment"]


@admin.register(DigestLog)
class DigestLogAdmin(ReadOnlyAdmin):
    list_display = ["manager", "week", "sent_at"]
