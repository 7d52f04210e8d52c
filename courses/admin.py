from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Course, Enrollment, Lesson, LessonCompletion, Module


class ModuleInline(admin.TabularInline):
    model = Module
    fields = ["position", "code", "title", "summary"]
    extra = 0
    show_change_link = True


class LessonInline(admin.StackedInline):
    model = Lesson
    fields = [
        ("position", "code", "kind", "minutes"),
        "title",
        "body",
        ("video_url", "video_file", "captions_file"),
        "acknowledgement",
    ]
    extra = 0
    show_change_link = True


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ["title", "code", "published", "estimated_minutes", "certificate_valid_months"]
    list_filter = ["published"]
    search_fields = ["title", "code"]
    inlines = [ModuleInline]
    # "View on site" opens the course as employees see it; unpublished courses open in
    # preview mode for authors.


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin):
    list_display = ["title", "course", "position", "code"]
    list_filter = ["course"]
    list_select_related = ["course"]
    ordering = ["course", "position"]
    search_fields = ["title", "code"]
    inlines = [LessonInline]

    def view_on_site(self, obj):
        return obj.course.get_absolute_url()


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    list_display = ["title", "module", "kind", "position", "minutes"]
    list_filter = ["kind", "module__course"]
    list_select_related = ["module__course"]
    search_fields = ["title", "code", "body"]
    readonly_fields = ["body_version"]

    def view_on_site(self, obj):
        from django.urls import reverse

        return reverse(
            "courses:lesson-detail", kwargs={"code": obj.module.course.code, "lesson_id": obj.pk}
        )


@admin.register(Enrollment)
class EnrollmentAdmin(admin.ModelAdmin):
    list_display = [
        "employee",
        "course",
        "cycle",
        "is_current",
        "status",
        "progress_percent",
        "due_on",
    ]
    list_filter = ["status", "is_current", "mandatory", "course"]
    list_select_related = ["employee__user", "course"]
    search_fields = ["employee__employee_number", "employee__user__email"]
    raw_id_fields = ["employee"]
    readonly_fields = [f.name for f in Enrollment._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(LessonCompletion)
class LessonCompletionAdmin(admin.ModelAdmin):
    list_display = ["enrollment", "lesson", "completed_at", "acknowledged_version"]
    list_select_related = ["enrollment__employee__user", "enrollment__course", "lesson"]
    readonly_fields = [f.name for f in LessonCompletion._meta.fields]
    verbose_name = _("lesson completion")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
