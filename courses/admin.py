from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import path
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from core.admin_inlines import LabelledTabularInline

from .models import Course, Enrollment, Lesson, LessonCompletion, Module
from .rendering import render_markdown
from .widgets import MarkdownPreviewWidget

MARKDOWN_PREVIEW_MAX_CHARS = 200_000


class MarkdownPreviewMixin:
    """Show the named Markdown fields beside a live preview (`courses.widgets`)."""

    markdown_fields: tuple[str, ...] = ()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in self.markdown_fields:
            kwargs["widget"] = MarkdownPreviewWidget
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class ModuleInline(LabelledTabularInline):
    model = Module
    fields = ["position", "code", "title", "summary"]
    extra = 0
    show_change_link = True
    # Narrow inputs, so the table fits beside the admin's sidebar in a 1280px window.
    input_sizes = {
        "position": {"class": "vSmallField"},
        "code": {"size": 14},
        "title": {"size": 28},
    }

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "summary":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 2, "cols": 32})
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None:
            field.widget.attrs.update(self.input_sizes.get(db_field.name, {}))
        return field


class LessonInline(MarkdownPreviewMixin, admin.StackedInline):
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
    markdown_fields = ("body",)


@admin.register(Course)
class CourseAdmin(MarkdownPreviewMixin, admin.ModelAdmin):
    markdown_fields = ("description",)
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
class LessonAdmin(MarkdownPreviewMixin, admin.ModelAdmin):
    list_display = ["title", "module", "kind", "position", "minutes"]
    list_filter = ["kind", "module__course"]
    list_select_related = ["module__course"]
    search_fields = ["title", "code", "body"]
    readonly_fields = ["body_version"]
    markdown_fields = ("body",)

    def get_urls(self):
        preview = self.admin_site.admin_view(self.markdown_preview)
        return [
            path("markdown-preview/", preview, name="courses_markdown_preview"),
            *super().get_urls(),
        ]

    @method_decorator(require_POST)
    def markdown_preview(self, request):
        """The Markdown editor's preview: the posted text through the lesson renderer."""
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        text = request.POST.get("text", "")[:MARKDOWN_PREVIEW_MAX_CHARS]
        return HttpResponse(render_markdown(text), content_type="text/html; charset=utf-8")

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
