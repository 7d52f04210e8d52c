"""Writes on people that are not the HR import (see `people.importing`)."""

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.emails import send_templated_email

from .models import Employee


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
