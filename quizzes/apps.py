from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = _("Quizzes")

    def ready(self):
        from courses.completion import register_requirement
        from courses.outline import register_outline_provider
        from courses.signals import curriculum_course_loaded

        from . import curriculum, selectors

        register_requirement("quizzes", selectors.quiz_units_for_enrollment)
        register_outline_provider(selectors.quiz_outline_items)
        curriculum_course_loaded.connect(
            curriculum.quizzes_load_for_course, dispatch_uid="quizzes_load_for_course"
        )
