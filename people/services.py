"""Writes on people that are not the HR import (see `people.importing`, which also has
the one-person door `employee_upsert`/`employee_deactivate` used by SCIM)."""

from collections.abc import Iterable

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.contrib.auth.models import Group
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.emails import send_templated_email

from .models import Employee, User
from .roles import AUTHORS_GROUP, HR_GROUP


def employee_invite(*, employee_id: int) -> bool:
    """Email one provisioned employee a link to choose a password; exactly once.

    The claim is a conditional UPDATE: only the call that flips `invited_at` from
    NULL sends, whatever retries or duplicate tasks happen.
    """
    with transaction.atomic():
        claimed = Employee.objects.filter(
            pk=employee_id, invited_at__isnull=True, user__is_active=True
        ).update(invited_at=timezone.now())
        if not claimed:
            return False
        employee = Employee.objects.select_related("user").get(pk=employee_id)
        user = employee.user
        path = reverse(
            "account_reset_password_from_key",
            kwargs={
                "uidb36": user_pk_to_url_str(user),
                "key": default_token_generator.make_token(user),
            },
        )
        send_templated_email(
            name="invitation",
            to=user.email,
            context={"user": user, "employee": employee, "set_password_path": path},
            language=employee.locale,
        )
    return True


ROLE_GROUPS = (HR_GROUP, AUTHORS_GROUP)


@transaction.atomic
def role_group_members_change(
    *, group_name: str, add: Iterable[int] = (), remove: Iterable[int] = ()
) -> tuple[int, int]:
    """Add users to, and remove them from, a role group (HR admins, content authors):
    SCIM group membership. Only employees' accounts are added. Returns (added, removed).
    The layout's cached roles of those people are dropped (`people.roles`)."""
    if group_name not in ROLE_GROUPS:
        raise ValueError(f"Not a role group: {group_name!r}")
    group = Group.objects.get(name=group_name)
    members = group.user_set
    current = set(members.values_list("pk", flat=True))
    to_add = set(
        User.objects.filter(pk__in=set(add) - current, employee__isnull=False).values_list(
            "pk", flat=True
        )
    )
    to_remove = set(remove) & current
    if to_add:
        members.add(*to_add)
    if to_remove:
        members.remove(*to_remove)
    return len(to_add), len(to_remove)
