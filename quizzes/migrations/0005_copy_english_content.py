"""Keep the existing English content: copy every translatable field into an English
translation row (ids and codes unchanged, so progress and attempts keep pointing at the
same rows). The reverse copies the English rows back."""

from django.db import migrations

FIELDS = {
    "quiz": ["title", "intro"],
    "question": [
        "topic",
        "scenario",
        "scenario_html",
        "post_author",
        "post_text",
        "prompt",
        "explanation",
        "explanation_html",
    ],
    "choice": ["text", "feedback"],
}


def forwards(apps, schema_editor):
    for model_name, names in FIELDS.items():
        model = apps.get_model("quizzes", model_name)
        translation = apps.get_model("quizzes", model_name + "translation")
        rows = [
            translation(master_id=values.pop("pk"), language_code="en", **values)
            for values in model.objects.values("pk", *names).iterator(chunk_size=2000)
        ]
        translation.objects.bulk_create(rows, batch_size=500)
    # Every attempt so far was served in English.
    apps.get_model("quizzes", "attempt").objects.filter(language="").update(language="en")


def backwards(apps, schema_editor):
    for model_name, names in FIELDS.items():
        model = apps.get_model("quizzes", model_name)
        translation = apps.get_model("quizzes", model_name + "translation")
        for row in translation.objects.filter(language_code="en").values("master_id", *names):
            model.objects.filter(pk=row.pop("master_id")).update(**row)


class Migration(migrations.Migration):
    dependencies = [("quizzes", "0004_content_translations")]

    operations = [migrations.RunPython(forwards, backwards)]
