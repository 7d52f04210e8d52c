"""Content authors edit quizzes, questions and choices; HR reads the attempts."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

AUTHORS_GROUP = "Content authors"
HR_GROUP = "HR admins"
AUTHOR_CODENAMES = [
    f"{action}_{model}"
    for model in ("quiz", "question", "choice")
    for action in ("add", "change", "view", "delete")
]
HR_CODENAMES = ["view_attempt", "view_attemptanswer"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("quizzes")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ((AUTHORS_GROUP, AUTHOR_CODENAMES), (HR_GROUP, HR_CODENAMES)):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="quizzes", codename__in=codenames)
        )


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for name, codenames in ((AUTHORS_GROUP, AUTHOR_CODENAMES), (HR_GROUP, HR_CODENAMES)):
        group = Group.objects.filter(name=name).first()
        if group:
            group.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label="quizzes", codename__in=codenames
                )
            )


class Migration(migrations.Migration):
    dependencies = [("quizzes", "0001_initial"), ("people", "0002_role_groups")]

    operations = [migrations.RunPython(grant, revoke)]
