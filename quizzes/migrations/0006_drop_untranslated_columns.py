"""The translated fields now live in the translation rows (0004, 0005)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("quizzes", "0005_copy_english_content")]

    operations = [
        # A default first, so that migrating back can re-add the column to existing
        # rows (0005's reverse then fills it from the English rows).
        migrations.AlterField(
            model_name="quiz",
            name="title",
            field=models.CharField(default="", max_length=200, verbose_name="title"),
        ),
        migrations.AlterField(
            model_name="question",
            name="prompt",
            field=models.CharField(default="", max_length=400, verbose_name="prompt"),
        ),
        migrations.AlterField(
            model_name="choice",
            name="text",
            field=models.CharField(default="", max_length=500, verbose_name="text"),
        ),
        migrations.RemoveField(
            model_name="choice",
            name="feedback",
        ),
        migrations.RemoveField(
            model_name="choice",
            name="text",
        ),
        migrations.RemoveField(
            model_name="question",
            name="explanation",
        ),
        migrations.RemoveField(
            model_name="question",
            name="explanation_html",
        ),
        migrations.RemoveField(
            model_name="question",
            name="post_author",
        ),
        migrations.RemoveField(
            model_name="question",
            name="post_text",
        ),
        migrations.RemoveField(
            model_name="question",
            name="prompt",
        ),
        migrations.RemoveField(
            model_name="question",
            name="scenario",
        ),
        migrations.RemoveField(
            model_name="question",
            name="scenario_html",
        ),
        migrations.RemoveField(
            model_name="question",
            name="topic",
        ),
        migrations.RemoveField(
            model_name="quiz",
            name="intro",
        ),
        migrations.RemoveField(
            model_name="quiz",
            name="title",
        ),
    ]
