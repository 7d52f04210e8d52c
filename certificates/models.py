"""Certificates: the proof that an enrollment (one employee × course × cycle) completed.

One `Certificate` per enrollment (a one-to-one, so retries and concurrent completions
cannot issue two). The holder's name and the course title are *snapshots* taken at
issue: renaming a course or an employee later never rewrites a certificate. The code
is random (100 bits from `secrets`), stored normalised (20 base32 characters, no
separators) and shown in groups of five (`ABCDE-FGHIJ-KLMNO-PQRST`); it is the key of
the public verification page. `employee` and `course` are denormalised from the
enrollment so that lists and the scoping of downloads need no extra join.

A certificate is never deleted: revocation (by HR, with a reason) and expiry are
states; the rendered PDF is a file rendered after issue (or on first download).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from courses.models import Course, Enrollment
from people.models import Employee

CODE_LENGTH = 20
CODE_GROUP = 5


def format_code(code: str) -> str:
    """`ABCDEFGHIJKLMNOPQRST` → `ABCDE-FGHIJ-KLMNO-PQRST` (for people to read and type)."""
    return "-".join(code[i : i + CODE_GROUP] for i in range(0, len(code), CODE_GROUP))


def normalise_code(value: str) -> str:
    """What someone typed → the stored form: upper case, without spaces or dashes."""
    return "".join(ch for ch in (value or "").upper() if ch.isalnum())


class Certificate(models.Model):
    class State(models.TextChoices):
        VALID = "valid", _("Valid")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")

    enrollment = models.OneToOneField(
        Enrollment,
        on_delete=models.PROTECT,
        related_name="certificate",
        verbose_name=_("enrollment"),
    )
    employee = models.ForeignKey(
        Employee,
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("holder"),
    )
    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="certificates", verbose_name=_("course")
    )
    code = models.CharField(_("verification code"), max_length=32, unique=True, editable=False)
    holder_name = models.CharField(_("holder name (at issue)"), max_length=300)
    course_title = models.CharField(_("course title (at issue)"), max_length=200)
    # The holder's language at issue: the PDF's language. Blank on certificates issued
    # before languages were recorded (their PDF follows the holder's profile).
    language = models.CharField(_("language (at issue)"), max_length=10, blank=True)
    # The course's title in every language it had at issue, so a PDF in another language
    # is also "as it was" ({"en": "...", "fr": "..."}).
    course_titles = models.JSONField(_("course titles (at issue)"), default=dict, blank=True)
    issued_at = models.DateTimeField(_("issued at"))
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_reason = models.TextField(_("reason for revocation"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    pdf = models.FileField(_("PDF"), upload_to="certificates/%Y/%m/", blank=True)
    expiry_warning_sent_at = models.DateTimeField(
        _("expiry warning sent at"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_at", "-pk"]
        permissions = [("revoke_certificate", _("Can revoke certificates"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True) | Q(expires_at__gt=models.F("issued_at")),
                name="certificates_expires_after_issue",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | ~Q(revoked_reason=""),
                name="certificates_revocation_has_reason",
            ),
        ]
        indexes = [
            # My certificates: one employee's certificates, newest first.
            models.Index(fields=["employee", "-issued_at"], name="certificates_employee_issued"),
            # Daily job: unrevoked certificates by expiry (warnings and renewals).
            models.Index(
                fields=["expires_at"],
                condition=Q(revoked_at__isnull=True, expires_at__isnull=False),
                name="certificates_open_expiry",
            ),
        ]

    def __str__(self):
        return f"{self.display_code} · {self.holder_name} · {self.course_title}"

    @property
    def display_code(self) -> str:
        return format_code(self.code)

    def state(self, now=None) -> "Certificate.State":
        if self.revoked_at is not None:
            return self.State.REVOKED
        if self.expires_at is not None and self.expires_at <= (now or timezone.now()):
            return self.State.EXPIRED
        return self.State.VALID

    @property
    def current_state(self) -> "Certificate.State":
        return self.state()

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def get_verification_path(self) -> str:
        return reverse("certificate-verify", kwargs={"code": self.display_code})

    def get_verification_url(self) -> str:
        return settings.SITE_URL.rstrip("/") + self.get_verification_path()

    def get_download_url(self, language: str | None = None) -> str:
        url = reverse("certificates:certificate-download", kwargs={"code": self.display_code})
        return f"{url}?language={language}" if language else url

    def course_title_in(self, language: str | None) -> str:
        """The course title as it was at issue, in `language` when it had one."""
        return self.course_titles.get(language or "") or self.course_title

    @property
    def course_title_shown(self) -> str:
        """The course title in the reader's language (as it was at issue)."""
        return self.course_title_in(translation.get_language())

    def other_languages(self) -> list[tuple[str, str, str]]:
        """(code, name, download URL) of the languages the PDF is offered in besides its
        own (`language`, or English for certificates issued before it was recorded)."""
        own = self.language or settings.LANGUAGE_CODE
        return [
            (code, name, self.get_download_url(code))
            for code, name in settings.LANGUAGES
            if code != own
        ]
