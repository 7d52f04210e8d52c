"""The translated fields now live in the translation rows (0004, 0005)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("courses", "0005_copy_english_content")]

    operations = [
        # A default first, so that migrating back can re-add the column to existing
        # rows (0005's reverse then fills it from the English rows).
        migrations.AlterField(
            model_name="course",
            name="title",
            field=models.CharField(default="", max_length=200, verbose_name="title"),
        ),
        migrations.AlterField(
            model_name="module",
            name="title",
            field=models.CharField(default="", max_length=200, verbose_name="title"),
        ),
        migrations.AlterField(
            model_name="lesson",
            name="title",
            field=models.CharField(default="", max_length=200, verbose_name="title"),
        ),
        migrations.AlterModelOptions(
            name="course",
            options={
                "ordering": ["code"],
                "verbose_name": "course",
                "verbose_name_plural": "courses",
            },
        ),
        migrations.RemoveField(
            model_name="course",
            name="description",
        ),
        migrations.RemoveField(
            model_name="course",
            name="description_html",
        ),
        migrations.RemoveField(
            model_name="course",
            name="summary",
        ),
        migrations.RemoveField(
            model_name="course",
            name="title",
        ),
        migrations.RemoveField(
            model_name="lesson",
            name="acknowledgement",
        ),
        migrations.RemoveField(
            model_name="lesson",
            name="body",
        ),
        migrations.RemoveField(
            model_name="lesson",
            name="body_html",
        ),
        migrations.RemoveField(
            model_name="lesson",
            name="body_version",
        ),
        migrations.RemoveField(
            model_name="lesson",
            name="title",
        ),
        migrations.RemoveField(
            model_name="lesson",
            name="video_url",
        ),
        migrations.RemoveField(
            model_name="module",
            name="summary",
        ),
        migrations.RemoveField(
            model_name="module",
            name="title",
        ),
    ]
