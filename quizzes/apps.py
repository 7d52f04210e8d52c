from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = _("Quizzes")

    def ready(self):
        from courses.caching import register_content_models
        from courses.completion import register_requirement
        from courses.outline import register_outline_provider
        from courses.signals import curriculum_course_loaded
        from courses.translation import register_translated_content
        from people.roles import AUTHORS_GROUP, HR_GROUP, model_permissions, register_grants

        from . import curriculum, selectors
        from .models import Choice, Question, Quiz

        register_translated_content(Quiz, course_path="module__course")
        register_translated_content(
            Question, course_path="quiz__module__course", only={"is_active": True}
        )
        register_translated_content(
            Choice,
            course_path="question__quiz__module__course",
            only={"question__is_active": True},
        )

        register_requirement("quizzes", selectors.quiz_units_for_enrollment)
        register_outline_provider(selectors.quiz_outline_items)
        register_content_models("quizzes.Quiz", "quizzes.Question", "quizzes.Choice")
        curriculum_course_loaded.connect(
            curriculum.quizzes_load_for_course, dispatch_uid="quizzes_load_for_course"
        )
        register_grants(
            self.label,
            {
                HR_GROUP: {"view_attempt", "view_attemptanswer"},
                AUTHORS_GROUP: model_permissions("quiz", "question", "choice"),
            },
        )
