"""Create the HR and content-author groups with their permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

HR_GROUP = "HR admins"
AUTHORS_GROUP = "Content authors"

HR_PERMISSIONS = [
    "view_all_employees",
    "import_employees",
    "view_employee",
    "change_employee",
    "view_department",
    "add_department",
    "change_department",
]
AUTHOR_PERMISSIONS = ["author_content"]


def create_groups(apps, schema_editor):
    # Permissions are normally created after migrations; make sure ours exist now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in ((HR_GROUP, HR_PERMISSIONS), (AUTHORS_GROUP, AUTHOR_PERMISSIONS)):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="people", codename__in=codenames)
        )


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[HR_GROUP, AUTHORS_GROUP]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
