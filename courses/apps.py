from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses and training records")

    def ready(self):
        from people.roles import AUTHORS_GROUP, HR_GROUP, model_permissions, register_grants

        from . import caching, completion
        from .models import Course, Lesson, Module
        from .translation import register_translated_content

        completion.register_builtin_requirements()
        caching.register_content_models("courses.Course", "courses.Module", "courses.Lesson")
        caching.connect_signals()
        register_translated_content(Course, course_path="")
        register_translated_content(Module, course_path="course")
        register_translated_content(Lesson, course_path="module__course")
        register_grants(
            self.label,
            {
                HR_GROUP: {"view_course", "view_enrollment", "view_lessoncompletion"},
                AUTHORS_GROUP: model_permissions("course", "module", "lesson"),
            },
        )
