"""Roles. HR and authors are groups with permissions (created by a data migration);
a manager is anyone who manages at least one department."""

from dataclasses import dataclass

HR_GROUP = "HR admins"
AUTHORS_GROUP = "Content authors"


@dataclass(frozen=True)
class Roles:
    employee: bool = False
    manager: bool = False
    hr: bool = False
    author: bool = False

    @property
    def sees_people(self):
        return self.manager or self.hr


def roles_for(user) -> Roles:
    """The roles of a user, computed once per request (see `people.context_processors`)."""
    if not user.is_authenticated or not user.is_active:
        return Roles()
    cached = getattr(user, "_ambassador_roles", None)
    if cached is not None:
        return cached
    roles = Roles(
        employee=hasattr(user, "employee"),
        manager=user.managed_departments.exists(),
        hr=user.has_perm("people.view_all_employees"),
        author=user.has_perm("people.author_content") or user.is_superuser,
    )
    user._ambassador_roles = roles
    return roles


# The permissions each role group holds, as "app_label.codename". Data migrations create
# them on a new database; `role_groups_ensure` (run after every migrate and flush) keeps
# them there, so a flushed test database or an edited group is repaired. Permissions of
# apps that are not installed are skipped.
ROLE_PERMISSIONS = {
    HR_GROUP: [
        "people.view_all_employees",
        "people.import_employees",
        "people.view_employee",
        "people.change_employee",
        "people.view_department",
        "people.add_department",
        "people.change_department",
        "courses.view_course",
        "courses.view_enrollment",
        "courses.view_lessoncompletion",
        "quizzes.view_attempt",
        "certificates.view_certificate",
        "certificates.change_certificate",
        "certificates.revoke_certificate",
    ],
    AUTHORS_GROUP: [
        "people.author_content",
        *(
            f"{app}.{action}_{model}"
            for app, models in (
                ("courses", ("course", "module", "lesson")),
                ("quizzes", ("quiz", "question", "choice")),
            )
            for model in models
            for action in ("add", "change", "view", "delete")
        ),
    ],
}


def role_groups_ensure(**kwargs):
    """Create the role groups and grant their permissions (idempotent)."""
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q

    for name, permissions in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        query = Q(pk__in=[])
        for permission in permissions:
            app_label, codename = permission.split(".")
            query |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.add(*Permission.objects.filter(query))
