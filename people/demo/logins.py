"""The four demo logins: the demo password, hashed once, and the repair step that makes
the logins exist and work as advertised whether or not the organisation was just built."""

from datetime import timedelta

from allauth.mfa.models import Authenticator
from allauth.mfa.utils import decrypt, encrypt
from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import Group
from django.db.models import Max, Q
from django.utils import timezone

from ..models import Department, Employee, User
from ..roles import AUTHORS_GROUP, HR_GROUP
from .company import (
    _ROLE_GROUPS,
    DEMO_LOGINS,
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    EMPLOYEE_NUMBER_PREFIX,
    DemoSeedError,
)


class _DemoPassword:
    """The demo password, hashed at most once per run and checked at most once per hash."""

    def __init__(self):
        self._encoded = None
        self._checked: dict[str, bool] = {}

    @property
    def encoded(self) -> str:
        if self._encoded is None:
            self._encoded = make_password(DEMO_PASSWORD)
            self._checked[self._encoded] = True
        return self._encoded

    def matches(self, encoded: str) -> bool:
        if encoded not in self._checked:
            self._checked[encoded] = check_password(DEMO_PASSWORD, encoded)
        return self._checked[encoded]


def _existing_users(emails) -> dict[str, User]:
    query = Q(pk__in=[])
    for email in emails:
        query |= Q(email__iexact=email)
    return {user.email.lower(): user for user in User.objects.filter(query)}


def _role_groups() -> dict[str, Group]:
    groups = {g.name: g for g in Group.objects.filter(name__in=_ROLE_GROUPS)}
    missing = set(_ROLE_GROUPS) - set(groups)
    if missing:
        raise DemoSeedError(f"Missing role groups {sorted(missing)}: run `manage.py migrate`.")
    return groups


def _next_employee_number() -> str:
    last = Employee.objects.filter(
        employee_number__regex=rf"^{EMPLOYEE_NUMBER_PREFIX}[0-9]{{6}}$"
    ).aggregate(last=Max("employee_number"))["last"]
    number = int(last[len(EMPLOYEE_NUMBER_PREFIX) :]) + 1 if last else 1
    return f"{EMPLOYEE_NUMBER_PREFIX}{number:06d}"


def _line_manager_for(department: Department, user: User) -> Employee | None:
    """The department's manager, or, for its manager, the nearest manager above."""
    for dept in [department, *list(Department.objects.get_ancestors(department))[::-1]]:
        boss = (
            Employee.objects.filter(user__managed_departments=dept)
            .exclude(user=user)
            .order_by("pk")
            .first()
        )
        if boss is not None:
            return boss
    return None


def _demo_logins_ensure(*, password: _DemoPassword) -> list[str]:
    """Make the four demo logins exist and work as advertised; return the ones changed.

    A constant number of queries; cheap when nothing needs fixing (one password check
    for the four, as they share one hash).
    """
    codes = {spec.department_code for spec in DEMO_LOGINS}
    codes.update(code for spec in DEMO_LOGINS for code in spec.manages)
    departments = {d.code: d for d in Department.objects.filter(code__in=codes)}
    missing = codes - set(departments)
    if missing:
        raise DemoSeedError(
            f"The demo organisation lacks the departments {sorted(missing)}; "
            "the demo logins cannot be placed."
        )
    groups = _role_groups()
    users = _existing_users([spec.email for spec in DEMO_LOGINS])
    repaired = []
    for spec in DEMO_LOGINS:
        user = users.get(spec.email)
        changed = False
        if user is None:
            user = User(email=spec.email, first_name=spec.first_name, last_name=spec.last_name)
            changed = True
        if not user.is_active or (spec.is_staff and not user.is_staff):
            user.is_active = True
            user.is_staff = user.is_staff or spec.is_staff
            changed = True
        if not password.matches(user.password):
            user.password = password.encoded
            changed = True
        if changed:
            user.save()

        wanted_groups = {groups[name].pk for name in spec.groups}
        has_groups = set(user.groups.filter(name__in=_ROLE_GROUPS).values_list("pk", flat=True))
        if has_groups != wanted_groups:
            user.groups.remove(*(has_groups - wanted_groups))
            user.groups.add(*(wanted_groups - has_groups))
            changed = True

        wanted_departments = {departments[code].pk for code in spec.manages}
        manages = set(user.managed_departments.values_list("pk", flat=True))
        if manages != wanted_departments:
            user.managed_departments.set(wanted_departments)
            changed = True

        department = departments[spec.department_code]
        employee = Employee.objects.filter(user=user).first()
        if employee is None:
            Employee.objects.create(
                user=user,
                employee_number=_next_employee_number(),
                department=department,
                line_manager=_line_manager_for(department, user),
                job_title=spec.job_title,
                locale="en",
                hired_on=timezone.localdate() - timedelta(days=400),
                invited_at=timezone.now(),
            )
            changed = True
        elif employee.department_id != department.pk or employee.deactivated_at is not None:
            employee.department = department
            employee.line_manager = _line_manager_for(department, user)
            employee.deactivated_at = None
            employee.save(update_fields=["department", "line_manager", "deactivated_at"])
            changed = True
        if changed:
            repaired.append(spec.email)
    return repaired


def _demo_second_factors_ensure() -> list[str]:
    """Give each demo login whose roles must use a second factor (MFA_REQUIRED_ROLES) an
    authenticator app with the published DEMO_TOTP_SECRET, so the demo signs in as in
    production (docs/mfa.md); return their emails. Idempotent; three queries when
    nothing needs fixing (the roles are the demo logins' own, as the repair step sets)."""
    required = set(settings.MFA_REQUIRED_ROLES)
    emails = [
        spec.email
        for spec in DEMO_LOGINS
        if ("hr" in required and HR_GROUP in spec.groups)
        or ("author" in required and AUTHORS_GROUP in spec.groups)
        or ("staff" in required and spec.is_staff)
        or ("manager" in required and spec.manages)
    ]
    users = {user.email: user for user in User.objects.filter(email__in=emails)}
    apps = Authenticator.objects.filter(user__in=users.values(), type=Authenticator.Type.TOTP)
    stale = [app.pk for app in apps if decrypt(app.data["secret"]) != DEMO_TOTP_SECRET]
    current = {app.user_id for app in apps if app.pk not in stale}
    if stale:
        Authenticator.objects.filter(pk__in=stale).delete()
    Authenticator.objects.bulk_create(
        Authenticator(
            user=user, type=Authenticator.Type.TOTP, data={"secret": encrypt(DEMO_TOTP_SECRET)}
        )
        for user in users.values()
        if user.pk not in current
    )
    return sorted(users)


def _demo_role_labels(manager_department: str) -> dict[str, str]:
    return {
        "employee": "employee",
        "manager": f"manager of {manager_department} and its sub-departments",
        "hr": "HR admin",
        "author": "content author",
    }
