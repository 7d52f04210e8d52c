"""Every field of our models has a label marked for translation, so the admin (and any
form built from a model) speaks the reader's language. Fields that a library declares
(parler's `master`, treebeard's path columns) are the library's own."""

from django.apps import apps
from django.utils.functional import Promise

OUR_APPS = {
    "core",
    "people",
    "courses",
    "quizzes",
    "certificates",
    "assignments",
    "reports",
    "privacy",
    "demo",
}
LIBRARY_FIELDS = {"master", "path", "depth", "numchild"}


def test_every_field_of_our_models_has_a_translated_label():
    untranslated = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        if model._meta.app_label in OUR_APPS
        for field in model._meta.get_fields()
        if getattr(field, "concrete", False)
        and not field.auto_created
        and field.name not in LIBRARY_FIELDS
        and not isinstance(field.verbose_name, Promise)
    ]
    assert untranslated == []


def test_every_model_has_translated_names():
    unnamed = [
        model._meta.label
        for model in apps.get_models()
        if model._meta.app_label in OUR_APPS and not isinstance(model._meta.verbose_name, Promise)
    ]
    assert unnamed == []
