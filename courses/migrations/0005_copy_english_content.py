"""Keep the existing English content: copy every translatable field into an English
translation row (ids and codes unchanged, so progress and attempts keep pointing at the
same rows). The reverse copies the English rows back."""

from django.db import migrations

FIELDS = {
    "course": ["title", "summary", "description", "description_html"],
    "module": ["title", "summary"],
    "lesson": ["title", "body", "body_html", "body_version", "video_url", "acknowledgement"],
}


def forwards(apps, schema_editor):
    for model_name, names in FIELDS.items():
        model = apps.get_model("courses", model_name)
        translation = apps.get_model("courses", model_name + "translation")
        rows = [
            translation(master_id=values.pop("pk"), language_code="en", **values)
            for values in model.objects.values("pk", *names).iterator(chunk_size=2000)
        ]
        translation.objects.bulk_create(rows, batch_size=500)


def backwards(apps, schema_editor):
    for model_name, names in FIELDS.items():
        model = apps.get_model("courses", model_name)
        translation = apps.get_model("courses", model_name + "translation")
        for row in translation.objects.filter(language_code="en").values("master_id", *names):
            model.objects.filter(pk=row.pop("master_id")).update(**row)


class Migration(migrations.Migration):
    dependencies = [("courses", "0004_content_translations")]

    operations = [migrations.RunPython(forwards, backwards)]
