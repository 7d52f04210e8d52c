"""Privacy: what the site records about handling personal data itself.

`privacy` reads every app (to export everything held about one employee) and writes
to them only through `privacy.services.employee_pseudonymise`; nothing imports it.

- `PersonalDataExport` is the audit trail of subject-access exports: who exported
  whose data, when, in which format. Rows are kept (they are the proof that a request
  was answered) and name the employee by id only.
- `Pseudonymisation` marks an employee whose personal data was replaced by a
  pseudonym once the retention period after leaving had passed (see docs/privacy.md).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from people.models import Employee


class PersonalDataExport(models.Model):
    class Format(models.TextChoices):
        JSON = "json", _("JSON")
        HTML = "html", _("Printable page")

    employee = models.ForeignKey(
        Employee,
        on_delete=models.PROTECT,
        related_name="personal_data_exports",
        verbose_name=_("employee"),
    )
    exported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("exported by"),
    )
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    exported_at = models.DateTimeField(_("exported at"))

    class Meta:
        verbose_name = _("personal data export")
        verbose_name_plural = _("personal data exports")
        ordering = ["-exported_at", "-pk"]
        permissions = [
            ("export_personal_data", _("Can export everything held about an employee")),
        ]
        indexes = [
            # The export itself lists earlier exports of the same employee.
            models.Index(fields=["employee", "-exported_at"], name="privacy_export_employee"),
        ]

    def __str__(self):
        return f"{self.employee_id} · {self.format} · {self.exported_at:%Y-%m-%d %H:%M}"


class Pseudonymisation(models.Model):
    employee = models.OneToOneField(
        Employee,
        on_delete=models.PROTECT,
        related_name="pseudonymisation",
        verbose_name=_("employee"),
    )
    left_at = models.DateTimeField(_("left at"))
    pseudonymised_at = models.DateTimeField(_("pseudonymised at"))

    class Meta:
        verbose_name = _("pseudonymisation")
        verbose_name_plural = _("pseudonymisations")
        ordering = ["-pseudonymised_at", "-pk"]

    def __str__(self):
        return f"{self.employee_id} · {self.pseudonymised_at:%Y-%m-%d}"
