"""SCIM provisioning data: the bearer tokens HR hands to identity providers, and the
`externalId` each provider gives the people it provisions.

- `ScimToken`: the secret itself is never stored, only its SHA-256 (a token is 256
  random bits, so a plain hash is enough: nothing to guess); `prefix` is shown so that HR
  can tell tokens apart. A token opens the SCIM API only: it signs nobody into the site.
  Revoked tokens stay listed (who made it, when it was last used).
- `ScimExternalId`: the provider's own key for an employee (`externalId`), kept beside
  the HR profile (`people.Employee`), which SCIM writes through `people`'s import path.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from people.models import Employee


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class ScimToken(models.Model):
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16)
    digest = models.CharField(_("digest"), max_length=64, unique=True)  # SHA-256, hex
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )

    class Meta:
        verbose_name = _("SCIM token")
        verbose_name_plural = _("SCIM tokens")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def actor(self) -> str:
        """How the audit trail names this token."""
        return f"SCIM token '{self.name}' (#{self.pk})"


class ScimExternalId(models.Model):
    employee = models.OneToOneField(
        Employee,
        on_delete=models.CASCADE,
        related_name="scim_external_id",
        verbose_name=_("employee"),
    )
    value = models.CharField(_("external id"), max_length=255)

    class Meta:
        verbose_name = _("SCIM external id")
        verbose_name_plural = _("SCIM external ids")
        indexes = [
            # GET /scim/v2/Users?filter=externalId eq "..." (how Entra ID finds a user).
            models.Index(fields=["value"], name="identity_scim_external_id"),
        ]

    def __str__(self):
        return self.value
