from django.contrib import admin

from .models import OutboxTask


@admin.register(OutboxTask)
class OutboxTaskAdmin(admin.ModelAdmin):
    """Read-only view of the outbox, to see what is pending or failing."""

    list_display = ["pk", "task_name", "created_at", "relayed_at", "failures", "done_at"]
    list_filter = ["task_name", ("done_at", admin.EmptyFieldListFilter)]
    search_fields = ["task_name", "last_error"]
    readonly_fields = [field.name for field in OutboxTask._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
