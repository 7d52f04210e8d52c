from django import forms
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import path
from django.utils.decorators import method_decorator
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from parler.admin import TranslatableAdmin, TranslatableStackedInline, TranslatableTabularInline

from core.admin_inlines import LabelledTabularInline

from .models import Course, Enrollment, Lesson, LessonCompletion, Module
from .rendering import render_markdown
from .translation import translation_completeness
from .widgets import MarkdownPreviewWidget

MARKDOWN_PREVIEW_MAX_CHARS = 200_000


class MarkdownPreviewMixin:
    """Show the named Markdown fields beside a live preview (`courses.widgets`)."""

    markdown_fields: tuple[str, ...] = ()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in self.markdown_fields:
            kwargs["widget"] = MarkdownPreviewWidget
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class ModuleInline(LabelledTabularInline, TranslatableTabularInline):
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


class LessonInline(MarkdownPreviewMixin, TranslatableStackedInline):
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


def _other_languages():
    return [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


@admin.register(Course)
class CourseAdmin(MarkdownPreviewMixin, TranslatableAdmin):
    markdown_fields = ("description",)
    list_display = [
        "__str__",
        "code",
        "published",
        "estimated_minutes",
        "certificate_valid_months",
        "translations_complete",
    ]
    list_filter = ["published"]
    search_fields = ["translations__title", "code"]
    readonly_fields = ["translations_complete"]
    inlines = [ModuleInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("translations")

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        courses = list(changelist.result_list)
        table = translation_completeness([course.pk for course in courses], _other_languages())
        for course in courses:  # one set of grouped queries for the whole page
            course.completeness = table[course.pk]
        return changelist

    @admin.display(description=_("Translated"))
    def translations_complete(self, obj):
        """Per language: the share of the course's items (course, modules, lessons,
        quizzes, questions, choices) that have a translation."""
        if obj is None or obj.pk is None:
            return "—"
        completeness = getattr(obj, "completeness", None)
        if completeness is None:  # the change page: this course only
            completeness = translation_completeness([obj.pk], _other_languages())[obj.pk]
        names = dict(settings.LANGUAGES)
        return format_html_join(
            " · ",
            "{}: {} % ({}/{})",
            (
                (names.get(lang, lang), value.percent, value.translated, value.total)
                for lang, value in completeness.items()
            ),
        )

    # "View on site" opens the course as employees see it; unpublished courses open in
    # preview mode for authors.


@admin.register(Module)
class ModuleAdmin(TranslatableAdmin):
    list_display = ["__str__", "course", "position", "code"]
    list_filter = ["course"]
    list_select_related = ["course"]
    ordering = ["course", "position"]
    search_fields = ["translations__title", "code"]
    inlines = [LessonInline]

    def view_on_site(self, obj):
        return obj.course.get_absolute_url()


@admin.register(Lesson)
class LessonAdmin(MarkdownPreviewMixin, TranslatableAdmin):
    list_display = ["__str__", "module", "kind", "position", "minutes"]
    list_filter = ["kind", "module__course"]
    list_select_related = ["module__course"]
    search_fields = ["translations__title", "code", "translations__body"]
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
