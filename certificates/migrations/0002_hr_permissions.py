"""HR reads certificates and revokes them (admin action and the HR pages)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

HR_GROUP = "HR admins"
HR_CODENAMES = ["view_certificate", "change_certificate"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("certificates")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=HR_GROUP)
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="certificates", codename__in=HR_CODENAMES
        )
    )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=HR_GROUP).first()
    if group:
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="certificates", codename__in=HR_CODENAMES
            )
        )


class Migration(migrations.Migration):
    dependencies = [("certificates", "0001_certificate"), ("people", "0002_role_groups")]

    operations = [migrations.RunPython(grant, revoke)]
