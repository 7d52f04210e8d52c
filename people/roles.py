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
    flags = _role_flags(user)
    roles = Roles(
        employee=hasattr(user, "employee"),
        manager=flags["manager"],
        hr=flags["hr"] or user.is_superuser,
        author=flags["author"] or user.is_superuser,
        staff=user.is_staff,
    )
    user._ambassador_roles = roles
    return roles


# How long the roles shown in the layout may lag behind a change made in bulk (an HR
# import, a group's permissions); changes through the ORM drop the copy at once.
ROLES_DISPLAY_SECONDS = 60


def _display_key(user_id) -> str:
    return f"people:roles:{user_id}"


def roles_for_display(user) -> Roles:
    """The roles that decide which links the layout shows (the navigation, a button):
    those this request has already checked, else a copy kept in the cache. Never use it
    to allow anything: every view checks with `roles_for`, which reads the database."""
    if not user.is_authenticated or not user.is_active:
        return Roles()
    checked = getattr(user, "_ambassador_roles", None)
    if checked is not None:
        return checked
    from django.core.cache import cache

    roles = cache.get(_display_key(user.pk))
    if roles is None:
        roles = roles_for(user)
        cache.set(_display_key(user.pk), roles, ROLES_DISPLAY_SECONDS)
    return roles


def roles_display_forget(user_ids) -> None:
    """Drop the cached display roles of these users (their roles may have changed)."""
    from django.core.cache import cache

    cache.delete_many([_display_key(pk) for pk in user_ids])


def _roles_m2m_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    """A user's groups, permissions or managed departments changed: drop the copies."""
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    if isinstance(instance, user_model):
        roles_display_forget([instance.pk])
    elif model is user_model:
        if action == "pre_clear":  # a group or department loses every member
            owner = next(f for f in sender._meta.fields if f.related_model is type(instance))
            member = next(f for f in sender._meta.fields if f.related_model is user_model)
            pk_set = set(
                sender.objects.filter(**{owner.name: instance}).values_list(
                    member.attname, flat=True
                )
            )
        if pk_set:
            roles_display_forget(pk_set)


def _user_saved(sender, instance, **kwargs):
    roles_display_forget([instance.pk])


def connect_display_signals() -> None:
    from django.contrib.auth import get_user_model
    from django.db.models.signals import m2m_changed, post_save

    from .models import Department

    user_model = get_user_model()
    for through in (
        user_model.groups.through,
        user_model.user_permissions.through,
        Department.managers.through,
    ):
        m2m_changed.connect(_roles_m2m_changed, sender=through, dispatch_uid=f"roles_{through}")
    post_save.connect(_user_saved, sender=user_model, dispatch_uid="roles_user_saved")


def _role_flags(user) -> dict[str, bool]:
    """Manager, HR and author flags in one short query, on every page (the navigation
    shows what the roles allow). The permissions are read as Django's ModelBackend
    reads them: the user's own, or through one of their groups (superusers and inactive
    users are handled by the caller). Plain SQL: the ORM takes longer to build this
    query than the database takes to answer it."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection

    from .models import Department

    user_model = get_user_model()
    tables = {
        "managers": Department.managers.through._meta.db_table,
        "permission": Permission._meta.db_table,
        "content_type": ContentType._meta.db_table,
        "user_permissions": user_model.user_permissions.through._meta.db_table,
        "group_permissions": Group.permissions.through._meta.db_table,
        "user_groups": user_model.groups.through._meta.db_table,
    }
    granted = """EXISTS (
        SELECT 1 FROM {permission} p JOIN {content_type} ct ON ct.id = p.content_type_id
        WHERE ct.app_label = 'people' AND p.codename = %s AND (
            p.id IN (SELECT permission_id FROM {user_permissions} WHERE user_id = %s)
            OR p.id IN (
                SELECT gp.permission_id FROM {group_permissions} gp
                JOIN {user_groups} ug ON ug.group_id = gp.group_id WHERE ug.user_id = %s)))"""
    # Only table names from the models' metadata are formatted in; values are parameters.
    select = "SELECT EXISTS (SELECT 1 FROM {managers} WHERE user_id = %s), "
    sql = (select + granted + ", " + granted).format(**tables)  # noqa: S608
    pk = user.pk
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk, "view_all_employees", pk, pk, "author_content", pk, pk])
        manager, hr, author = cursor.fetchone()
    return {"manager": bool(manager), "hr": bool(hr), "author": bool(author)}


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
