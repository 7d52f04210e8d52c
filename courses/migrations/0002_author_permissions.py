"""Formerly granted the courses permissions to authors and HR; now deliberately empty.

Role groups and their permissions are declared in each app's apps.py (`register_grants`)
and synced exactly after every migrate by `people.roles.role_groups_sync` (decision 11).
The migration stays, empty, so that databases which applied it and later migrations that
depend on it keep a consistent history; there is nothing to undo when unapplying it.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("courses", "0001_initial"), ("people", "0002_role_groups")]

    operations = []
