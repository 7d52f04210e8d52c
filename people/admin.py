from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from treebeard.admin import TreeAdmin
from treebeard.forms import movenodeform_factory

from .models import Department, Employee, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active", "is_staff"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


@admin.register(Department)
class DepartmentAdmin(TreeAdmin):
    form = movenodeform_factory(Department)
    list_display = ["name", "code"]
    search_fields = ["name", "code"]
    filter_horizontal = ["managers"]


@admin.register(Employee)
class EmployeeAdmin(admin.ModelAdmin):
    list_display = ["employee_number", "user", "department", "job_title", "hired_on"]
    list_select_related = ["user", "department"]
    search_fields = ["employee_number", "user__email", "user__last_name"]
    raw_id_fields = ["user", "line_manager", "department"]
    list_filter = ["user__is_active", "locale"]
