"""The Markdown editor of the admin: the text beside a live preview rendered by the
same sanitising renderer as the lesson page (`courses.rendering.render_markdown`)."""

from django import forms
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe

from .rendering import render_markdown


class MarkdownPreviewWidget(forms.Textarea):
    template_name = "courses/widgets/markdown_preview.html"

    class Media:
        css = {"all": ["css/lesson.css"]}
        js = ["js/markdown_preview.js"]

    def __init__(self, attrs=None):
        super().__init__({"rows": 16, **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # Rendered now for what is saved; the script refreshes it as the author types.
        context["preview_html"] = mark_safe(render_markdown(value or ""))  # noqa: S308 -- sanitised by nh3
        context["preview_url"] = reverse("admin:courses_markdown_preview")
        return context

    def _render(self, template_name, context, renderer=None):
        # The project's template engine (templates/courses/widgets/), not the form
        # renderer's, which only searches the apps' own template folders.
        return mark_safe(render_to_string(template_name, context))  # noqa: S308 -- a template
