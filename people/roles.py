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
