"""What SCIM keeps beside an employee follows the employee's life.

Pseudonymisation (`privacy`, which `identity` may not import, nor it `identity`) is the
only write that changes an employee's number: the identity provider's key for that
person (`externalId`, often a mail nickname) goes with it.
"""

from django.db.models.signals import post_save


def _employee_saved(sender, instance, update_fields=None, **kwargs):
    if update_fields is not None and "employee_number" in update_fields:
        from .models import ScimExternalId

        ScimExternalId.objects.filter(employee_id=instance.pk).delete()


def connect() -> None:
    post_save.connect(
        _employee_saved, sender="people.Employee", dispatch_uid="identity.scim.employee_saved"
    )
