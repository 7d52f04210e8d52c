from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses and training records")

    def ready(self):
        from . import completion

        completion.register_builtin_requirements()
