"""Roles. HR and authors are groups with permissions (declared by the apps, see below);
a manager is anyone who manages at least one department."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

HR_GROUP = "HR admins"
AUTHORS_GROUP = "Content authors"


@dataclass(frozen=True)
class Roles:
    employee: bool = False
    manager: bool = False
    hr: bool = False
    author: bool = False
    staff: bool = False  # may open the Django admin

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
        staff=user.is_staff,
    )
    user._ambassador_roles = roles
    return roles


# What each role group holds, declared once: every app registers the grants on its own
# permissions in its AppConfig.ready() (see `register_grants`), the way `courses.completion`
# collects requirements, so `people` never names another app's permissions. After every
# migrate and flush, `role_groups_sync` makes each group hold exactly the declared set.
_grants: dict[str, dict[str, frozenset[str]]] = {}  # app label -> group -> codenames


def register_grants(app_label: str, grants: Mapping[str, Iterable[str]]) -> None:
    """Declare the permissions of `app_label` that each role group holds, by codename.

    Call it once from the app's AppConfig.ready(); calling it again replaces the app's part.
    A codename that is not one of the app's permissions is reported by `manage.py check`.
    """
    _grants[app_label] = {group: frozenset(codenames) for group, codenames in grants.items()}


def model_permissions(*model_names: str, actions=("add", "change", "view", "delete")) -> set[str]:
    """The default permission codenames of the given models: `add_course`, `view_course`…"""
    return {f"{action}_{model}" for model in model_names for action in actions}


def role_permissions() -> dict[str, set[str]]:
    """Every role group with the permissions it holds, as "app_label.codename"."""
    groups: dict[str, set[str]] = {}
    for app_label, grants in _grants.items():
        for group, codenames in grants.items():
            groups.setdefault(group, set()).update(f"{app_label}.{name}" for name in codenames)
    return groups


def defined_permissions() -> set[str]:
    """Every permission the installed models define, as "app_label.codename" (from the
    models' Meta, so no database is needed)."""
    from django.apps import apps
    from django.contrib.auth import get_permission_codename

    names = set()
    for model in apps.get_models():
        opts = model._meta
        names.update(
            f"{opts.app_label}.{get_permission_codename(action, opts)}"
            for action in opts.default_permissions
        )
        names.update(f"{opts.app_label}.{codename}" for codename, _ in opts.permissions)
    return names


def check_grants(app_configs=None, **kwargs):
    """System check: every declared grant names a permission that a model defines."""
    from django.core.checks import Error

    defined = defined_permissions()
    return [
        Error(
            f"The role group {group!r} is granted {permission!r}, which no model defines.",
            hint="Fix the codename in the app's register_grants() call in its apps.py.",
            obj=permission,
            id="people.E001",
        )
        for group, permissions in sorted(role_permissions().items())
        for permission in sorted(permissions - defined)
    ]


def role_groups_sync(*, sender=None, using="default", **kwargs) -> None:
    """Create the role groups and make each hold exactly its declared permissions.

    Connected to post_migrate, which runs once per app: the work is done on the last app's
    signal, when every app's permissions exist. A declared permission that has no row yet
    (its app is not migrated) is left out until the migrate that creates it.
    """
    from django.apps import apps
    from django.contrib.auth.models import Group, Permission
    from django.db.models import Q

    if sender is not None:
        migrated = [config for config in apps.get_app_configs() if config.models_module]
        if sender is not migrated[-1]:
            return
    for name, permissions in sorted(role_permissions().items()):
        group, _ = Group.objects.using(using).get_or_create(name=name)
        query = Q(pk__in=[])
        for permission in permissions:
            app_label, codename = permission.split(".")
            query |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.set(Permission.objects.using(using).filter(query))
