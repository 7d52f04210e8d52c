"""Who may see whom: the one scoping rule of the site, in two faces.

`employees_visible_to(user)` is the queryset every directory, report, export and
certificate download starts from; `can_view_employee(user, employee)` answers the
same question for one employee. Both derive from `_scope_for(user)`:

- HR (permission `people.view_all_employees`) and superusers see everyone;
- a manager sees every employee of the departments they manage and of all the
  departments below them (the union of those subtrees);
- everyone sees themselves;
- an inactive or anonymous user sees nobody.

Leavers (inactive users) stay visible to those in scope: their history matters.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from .models import Department, Employee


@dataclass(frozen=True)
class _Scope:
    everyone: bool
    paths: tuple[str, ...]  # materialised paths of the subtrees the user manages
    self_id: int | None


def _top_paths(paths):
    """Drop paths inside another path of the list: nested subtrees add nothing."""
    kept = []
    for path in sorted(paths):
        if not kept or not path.startswith(kept[-1]):
            kept.append(path)
    return tuple(kept)


def _scope_for(user) -> _Scope:
    if not user.is_authenticated or not user.is_active:
        return _Scope(everyone=False, paths=(), self_id=None)
    cached = getattr(user, "_ambassador_scope", None)
    if cached is not None:
        return cached
    if user.is_superuser or user.has_perm("people.view_all_employees"):
        scope = _Scope(everyone=True, paths=(), self_id=user.pk)
    else:
        paths = Department.objects.filter(managers=user).values_list("path", flat=True)
        scope = _Scope(everyone=False, paths=_top_paths(paths), self_id=user.pk)
    user._ambassador_scope = scope
    return scope


def _subtree_q(paths, prefix=""):
    q = Q(**{f"{prefix}pk__in": []})
    for path in paths:
        q |= Q(**{f"{prefix}path__startswith": path})
    return q


def employees_visible_to(user) -> QuerySet[Employee]:
    """Every employee this user may see (including leavers), as a queryset."""
    scope = _scope_for(user)
    employees = Employee.objects.all()
    if scope.everyone:
        return employees
    if scope.self_id is None:
        return employees.none()
    return employees.filter(_subtree_q(scope.paths, "department__") | Q(user_id=scope.self_id))


def departments_visible_to(user) -> QuerySet[Department]:
    """The departments whose people this user may see (for filters and reports)."""
    return Department.objects.filter(department_scope_q(user))


def department_scope_q(user, prefix: str = "") -> Q:
    """`departments_visible_to` as a condition on a department reached through
    `prefix` (e.g. `"employee__department__"` from an enrollment): lets a report filter
    on the scope with a join instead of nested `IN (SELECT ...)` subqueries, which the
    database plans far better on large tables. Everything for HR, the managed subtrees
    for a manager, nothing for anyone else."""
    scope = _scope_for(user)
    if scope.everyone:
        return Q()
    if not scope.paths:
        return Q(**{f"{prefix}pk__in": []})
    return _subtree_q(scope.paths, prefix)


def department_options(
    departments: QuerySet[Department], *, selected: Department | None = None
) -> list[tuple[str, str, bool]]:
    """The directory's department filter: (code, name indented by depth, is selected) in
    tree order. One query."""
    return [
        (code, "\u2003" * (depth - 1) + name, selected is not None and code == selected.code)
        for code, name, depth in departments.order_by("path").values_list("code", "name", "depth")
    ]


def employee_profile_get(*, employee_id: int) -> Employee:
    """An employee with what their profile page shows (department, line manager)."""
    return Employee.objects.select_related("user", "department", "line_manager__user").get(
        pk=employee_id
    )


def can_view_employee(user, employee: Employee) -> bool:
    """Whether `user` may see `employee`; the same rule as `employees_visible_to`."""
    scope = _scope_for(user)
    if scope.everyone:
        return True
    if scope.self_id is None:
        return False
    if employee.user_id == scope.self_id:
        return True
    department_path = (
        Department.objects.filter(pk=employee.department_id).values_list("path", flat=True).first()
    )
    return department_path is not None and department_path.startswith(scope.paths)


def employee_directory(user, *, query="", department=None, include_leavers=False):
    """The People directory: the employees in scope, searched and filtered."""
    employees = employees_visible_to(user).select_related(
        "user", "department", "line_manager__user"
    )
    if not include_leavers:
        employees = employees.filter(user__is_active=True)
    if department is not None:
        employees = employees.filter(department__path__startswith=department.path)
    for term in query.split():
        employees = employees.filter(
            Q(user__first_name__icontains=term)
            | Q(user__last_name__icontains=term)
            | Q(user__email__icontains=term)
            | Q(employee_number__iexact=term)
            | Q(job_title__icontains=term)
        )
    return employees.order_by("user__last_name", "user__first_name", "pk")
