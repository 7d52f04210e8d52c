from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from parler.admin import TranslatableAdmin, TranslatableStackedInline, TranslatableTabularInline

from core.admin_inlines import LabelledTabularInline

from .forms import ChoiceInlineFormSet
from .models import Attempt, AttemptAnswer, Choice, Question, Quiz


class QuestionInline(TranslatableStackedInline):
    model = Question
    fields = [
        ("position", "code", "kind", "topic", "is_active"),
        "scenario",
        ("post_platform", "post_author"),
        "post_text",
        "prompt",
        "explanation",
    ]
    extra = 0
    show_change_link = True


class ChoiceInline(LabelledTabularInline, TranslatableTabularInline):
    model = Choice
    formset = ChoiceInlineFormSet
    fields = ["position", "segment_kind", "text", "is_correct", "feedback"]
    extra = 0
    verbose_name = _("choice (or spot-the-risk segment)")
    verbose_name_plural = _("choices (or, for a spot-the-risk item, the post's segments in order)")

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and db_field.name in ("text", "feedback"):
            field.widget.attrs.update({"rows": 3, "cols": 36})  # fits a 1280px window
        elif field is not None and db_field.name == "position":
            field.widget.attrs["class"] = "vSmallField"
        return field


@admin.register(Quiz)
class QuizAdmin(TranslatableAdmin):
    list_display = [
        "__str__",
        "code",
        "module",
        "kind",
        "pass_mark_percent",
        "max_attempts",
        "statistics_link",
    ]
    list_filter = ["kind", "module__course"]
    list_select_related = ["module__course"]
    search_fields = ["translations__title", "code"]
    readonly_fields = ["statistics_link"]
    fields = [
        ("module", "position"),
        ("code", "kind"),
        "title",
        "intro",
        ("pass_mark_percent", "max_attempts"),
        ("questions_per_attempt", "shuffle_choices", "time_limit_minutes"),
        "review_policy",
        "statistics_link",
    ]
    inlines = [QuestionInline]

    @admin.display(description=_("Statistics"))
    def statistics_link(self, obj):
        if obj is None or obj.pk is None:
            return "—"
        url = reverse("quizzes:quiz-statistics", kwargs={"code": obj.code})
        return format_html('<a href="{}">{}</a>', url, _("Question statistics"))

    def view_on_site(self, obj):
        return obj.get_absolute_url()


@admin.register(Question)
class QuestionAdmin(TranslatableAdmin):
    list_display = ["__str__", "quiz", "kind", "is_active", "position"]
    list_filter = ["kind", "is_active", "quiz__module__course", "quiz"]
    list_select_related = ["quiz"]
    search_fields = [
        "code",
        "translations__prompt",
        "translations__topic",
        "translations__scenario",
    ]
    inlines = [ChoiceInline]

    def view_on_site(self, obj):
        return obj.quiz.get_absolute_url()


class AttemptAnswerInline(admin.TabularInline):
    model = AttemptAnswer
    fields = ["position", "question", "chosen", "is_correct", "segments_right", "wrong_choice"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    """Read-only history (HR may view it)."""

    list_display = ["employee", "quiz", "number", "started_at", "submitted_at", "score_percent"]
    list_filter = ["passed", "quiz__module__course", "quiz"]
    list_select_related = ["employee__user", "quiz"]
    search_fields = ["employee__employee_number", "employee__user__email"]
    readonly_fields = [f.name for f in Attempt._meta.fields]
    inlines = [AttemptAnswerInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
