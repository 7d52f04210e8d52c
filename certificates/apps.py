from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "certificates"
    verbose_name = _("Certificates")

    def ready(self):
        from courses.signals import enrollment_completed
        from people.roles import HR_GROUP, register_grants

        from . import signals

        enrollment_completed.connect(
            signals.issue_on_enrollment_completed,
            dispatch_uid="certificates.issue_on_enrollment_completed",
        )
        register_grants(
            self.label,
            {HR_GROUP: {"view_certificate", "change_certificate", "revoke_certificate"}},
        )
