from django.contrib import admin

from .models import PersonalDataExport, Pseudonymisation


class _ReadOnly(admin.ModelAdmin):
    """Audit rows: readable by HR in the admin, written only by the site."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(PersonalDataExport)
class PersonalDataExportAdmin(_ReadOnly):
    list_display = ["exported_at", "employee", "exported_by", "format"]
    list_filter = ["format"]
    list_select_related = ["employee__user", "exported_by"]
    date_hierarchy = "exported_at"


@admin.register(Pseudonymisation)
class PseudonymisationAdmin(_ReadOnly):
    list_display = ["pseudonymised_at", "employee", "left_at"]
    list_select_related = ["employee__user"]
