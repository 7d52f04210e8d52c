"""The audit trail of sign-ins, second factors and provisioning (issue 15, item 4).

One append-only row per event, written by `identity.services.audit_record` and read by
HR on the audit page; rows older than `AUDIT_RETENTION_DAYS` are deleted by a daily job
(`identity.services.audit_events_purge`). The rows hold personal data (an email address
typed at sign-in, a network address): see docs/privacy.md.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    class Kind(models.TextChoices):
        SIGN_IN = "sign_in", _("Signed in")
        SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
        SIGN_IN_REFUSED = "sign_in_refused", _("Sign-in refused")
        MFA_ADDED = "mfa_added", _("Second factor added")
        MFA_REMOVED = "mfa_removed", _("Second factor removed")
        MFA_RECOVERY_CODES = "mfa_recovery_codes", _("Recovery codes renewed")
        SCIM = "scim", _("Provisioning call (SCIM)")

    created_at = models.DateTimeField(_("when"))
    kind = models.CharField(_("event"), max_length=30, choices=Kind.choices)
    success = models.BooleanField(_("succeeded"), default=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    # What was typed or claimed when no account matched (a failed sign-in), else the
    # account's address at the time.
    email = models.CharField(_("email address"), max_length=254, blank=True)
    method = models.CharField(_("method"), max_length=30, blank=True)
    provider = models.CharField(_("provider"), max_length=100, blank=True)
    actor = models.CharField(_("acting on behalf"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("network address"), null=True, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        # Newest first by id (rows are appended in time order): the page reads
        # "id < cursor" on the primary key, with no count over millions of rows.
        ordering = ["-id"]
        indexes = [
            # The retention purge (created_at < cutoff).
            models.Index(fields=["created_at"], name="identity_audit_created"),
            # The page filtered to one kind of event, one person, one address typed or
            # one network address.
            models.Index(fields=["kind", "-id"], name="identity_audit_kind"),
            models.Index(fields=["user", "-id"], name="identity_audit_user"),
            models.Index(fields=["email", "-id"], name="identity_audit_email"),
            models.Index(fields=["ip_address", "-id"], name="identity_audit_ip"),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} · {self.kind} · {self.email or self.actor}"


# SCIM provisioning's tables (identity/scim/models.py), registered with this app.
from .scim.models import ScimExternalId, ScimToken  # noqa: E402

__all__ = ["AuditEvent", "ScimExternalId", "ScimToken"]
