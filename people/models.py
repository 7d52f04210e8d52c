"""People: users, the department tree and employee profiles.

`people` owns who works here and who may see whom:

- `User` is the login (email + password; no username). Leavers are deactivated
  (`is_active=False`), never deleted, so their training history stays.
- `Department` is the HR organisation tree (treebeard materialised path: a subtree is
  one `path LIKE 'prefix%'` query). `code` is the HR system's key. `managers` are the
  users who see the department and every department below it.
- `Employee` is the HR profile of a user, keyed by `employee_number` (the HR system's
  key), upserted by the HR import.

Roles are groups and permissions (see `people.roles`); "which employees may this user
see" is answered in one place, `people.selectors`.
"""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from ambassador.languages import site_languages


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in with their email address."""

    username = None
    email = models.EmailField(_("email address"), unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["last_name", "first_name", "email"]
        constraints = [
            # Emails are compared case-insensitively everywhere (login, import).
            models.UniqueConstraint(Lower("email"), name="people_user_email_ci_unique"),
        ]
        indexes = [
            # People directory and reports: employees listed by name, one page at a time
            # (PostgreSQL walks this index instead of sorting every employee in scope).
            models.Index(fields=["last_name", "first_name", "id"], name="people_user_by_name"),
        ]

    def __str__(self):
        return self.get_full_name() or self.email


class Department(MP_Node):
    """A node of the organisation tree, keyed by the HR system's department code."""

    code = models.CharField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="managed_departments",
        blank=True,
        verbose_name=_("managers"),
        help_text=_("They see this department and every department below it."),
    )

    # No node_order_by: sorted insertion would rewrite siblings' paths on every insert.
    # Lists sort by name where it matters.

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self):
        return f"{self.name} ({self.code})"


class Employee(models.Model):
    """The HR profile of a user."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="employee",
        verbose_name=_("user"),
    )
    employee_number = models.CharField(_("employee number"), max_length=64, unique=True)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="employees",
        verbose_name=_("department"),
    )
    line_manager = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("line manager"),
    )
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    # Choices read from the settings at run time (a callable): a new language, added with
    # its files, needs no migration.
    locale = models.CharField(_("language"), max_length=10, choices=site_languages, default="en")
    hired_on = models.DateField(_("hire date"), null=True, blank=True)
    deactivated_at = models.DateTimeField(_("deactivated at"), null=True, blank=True)
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)
    created_at = models.DateTimeField(verbose_name=_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        permissions = [
            ("view_all_employees", _("Can see every employee (HR)")),
            ("import_employees", _("Can import employees and departments")),
            ("author_content", _("Can write and preview training content")),
        ]

    def __str__(self):
        return f"{self.user} ({self.employee_number})"

    @property
    def is_active(self):
        return self.user.is_active


class StagedImport(models.Model):
    """An HR file kept between its dry run and "Import this file now" (see
    `people.import_staging`): under an unguessable token, for its uploader only, for a
    short time, and used at most once."""

    token = models.CharField(verbose_name=_("token"), max_length=64, unique=True)
    uploaded_by = models.ForeignKey(
        User, verbose_name=_("uploaded by"), on_delete=models.CASCADE, related_name="+"
    )
    filename = models.CharField(verbose_name=_("file name"), max_length=255)
    content = models.BinaryField(verbose_name=_("content"))
    deactivate_missing = models.BooleanField(
        verbose_name=_("deactivate missing people"), default=False
    )
    created_at = models.DateTimeField(verbose_name=_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("staged HR file")
        verbose_name_plural = _("staged HR files")
        indexes = [
            # The purge of expired files on every new upload.
            models.Index(fields=["created_at"], name="people_stagedimport_created"),
        ]

    def __str__(self):
        return f"{self.filename} ({self.created_at:%Y-%m-%d %H:%M})"
