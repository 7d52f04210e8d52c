"""HR assignments: who must take which course, by when, how often, and what was sent.

- `Assignment` is a course × an audience × a due policy × mandatory × recurrence, made
  by HR. The audience is everyone and/or departments (each with all its
  sub-departments) and/or named employees, minus excluded departments and employees.
  Applying it writes enrollments in bulk through `courses.services` (courses own
  enrollments; `Enrollment.assignment_id` says which assignment owns each row).
  Assignments are cancelled, never deleted.
- `AssignmentChange` is the history of an assignment: who changed what, when.
- `ReminderLog` is one row per (enrollment, kind) of email: an enrollment row is one
  cycle, so this is "each email at most once per enrollment cycle and kind"; the unique
  constraint holds under retries and concurrent runs (the row is inserted before the
  email is queued; the sender claims it with a conditional UPDATE).
- `DigestLog` does the same for a manager's weekly digest (one per manager and week).
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from courses.models import Course, Enrollment
from people.models import Department, Employee


class Assignment(models.Model):
    class DueKind(models.TextChoices):
        FIXED = "fixed", _("On a fixed date")
        DAYS_AFTER = "days_after", _("A number of days after being assigned")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        CANCELLED = "cancelled", _("Cancelled")

    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("course")
    )
    everyone = models.BooleanField(_("everyone"), default=False)
    departments = models.ManyToManyField(
        Department,
        blank=True,
        related_name="assignments",
        verbose_name=_("departments (with their sub-departments)"),
    )
    employees = models.ManyToManyField(
        Employee, blank=True, related_name="assignments", verbose_name=_("named employees")
    )
    excluded_departments = models.ManyToManyField(
        Department,
        blank=True,
        related_name="assignment_exclusions",
        verbose_name=_("excluded departments (with their sub-departments)"),
    )
    excluded_employees = models.ManyToManyField(
        Employee,
        blank=True,
        related_name="assignment_exclusions",
        verbose_name=_("excluded employees"),
    )
    due_kind = models.CharField(
        _("due"), max_length=20, choices=DueKind.choices, default=DueKind.FIXED
    )
    due_on = models.DateField(_("due date"), null=True, blank=True)
    due_days = models.PositiveIntegerField(_("days to complete"), null=True, blank=True)
    new_hire_days = models.PositiveIntegerField(
        _("days after the hire date, for people who join later"),
        null=True,
        blank=True,
        help_text=_(
            "People hired after the assignment starts are due this many days after their "
            "hire date. Leave empty to apply the rule above to them too."
        ),
    )
    mandatory = models.BooleanField(_("mandatory"), default=True)
    recurrence_months = models.PositiveIntegerField(
        _("repeat every (months)"),
        null=True,
        blank=True,
        help_text=_("Leave empty for training taken once."),
    )
    note = models.TextField(_("note to employees"), blank=True, max_length=1000)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    starts_on = models.DateField(_("assigned on"))
    revision = models.PositiveIntegerField(_("revision"), default=1)
    # The create form's one-time token: a double submit is refused, not saved twice.
    form_token = models.UUIDField(
        _("form token"), null=True, blank=True, unique=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["-created_at", "-pk"]
        permissions = [("manage_assignments", _("Can assign training (HR)"))]
        constraints = [
            models.CheckConstraint(
                condition=~Q(due_kind="fixed") | Q(due_on__isnull=False),
                name="assignments_fixed_due_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(due_kind="days_after") | Q(due_days__isnull=False),
                name="assignments_relative_due_has_days",
            ),
            models.CheckConstraint(
                condition=Q(recurrence_months__isnull=True) | Q(recurrence_months__gte=1),
                name="assignments_recurrence_positive",
            ),
        ]
        indexes = [
            # Applying and syncing: the active assignments of a course.
            models.Index(
                fields=["course"],
                condition=Q(status="active"),
                name="assignments_active_by_course",
            ),
        ]

    def __str__(self):
        return f"{self.course} · {self.audience_label}"

    def get_absolute_url(self):
        return reverse("assignments:assignment-detail", kwargs={"pk": self.pk})

    @property
    def is_active(self):
        return self.status == self.Status.ACTIVE

    @property
    def audience_label(self) -> str:
        return str(_("everyone")) if self.everyone else str(_("selected people"))

    def due_for(self, *, hired_on: datetime.date | None, covered_on: datetime.date):
        """The due date of one employee covered on `covered_on` (see `services`)."""
        if self.new_hire_days is not None and hired_on is not None and hired_on > self.starts_on:
            return hired_on + datetime.timedelta(days=self.new_hire_days)
        if self.due_kind == self.DueKind.FIXED:
            return self.due_on
        return covered_on + datetime.timedelta(days=self.due_days or 0)


class AssignmentChange(models.Model):
    """One line of an assignment's history."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        UPDATED = "updated", _("Changed")
        CANCELLED = "cancelled", _("Cancelled")
        SYNCED = "synced", _("People picked up or released")

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="changes", verbose_name=_("assignment")
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("by"),
    )
    changed_at = models.DateTimeField(_("when"), auto_now_add=True)
    # {"field label": ["before", "after"], ...} and enrollment counts; schema_version 1.
    details = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("assignment change")
        verbose_name_plural = _("assignment changes")
        ordering = ["-changed_at", "-pk"]

    def __str__(self):
        return f"{self.assignment_id} · {self.get_action_display()} · {self.changed_at:%Y-%m-%d}"


class ReminderLog(models.Model):
    """One email of one kind for one enrollment cycle: inserted before it is queued."""

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", _("You have been assigned")
        DUE_IN_7_DAYS = "due_7", _("Due in 7 days")
        DUE_IN_1_DAY = "due_1", _("Due tomorrow")
        OVERDUE = "overdue", _("Overdue")
        ESCALATION = "escalation", _("Escalated to the line manager")

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="+", verbose_name=_("enrollment")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Set by the sender when it claims the row (conditional UPDATE); a failed send
    # clears it again so the retry can claim it.
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    recipient = models.EmailField(_("sent to"), blank=True)
    # Which run inserted the row: a run queues only the rows it inserted itself.
    run = models.UUIDField(_("run"), editable=False)

    class Meta:
        verbose_name = _("reminder log")
        verbose_name_plural = _("reminder logs")
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "kind"], name="assignments_reminder_once_per_cycle"
            )
        ]
        indexes = [
            # The daily run re-queues rows left unsent (a worker killed before sending).
            models.Index(
                fields=["created_at"],
                condition=Q(sent_at__isnull=True),
                name="assignments_reminder_unsent",
            ),
            models.Index(fields=["run"], name="assignments_reminder_run"),
        ]

    def __str__(self):
        return f"{self.enrollment_id} · {self.kind}"


class DigestLog(models.Model):
    """A manager's weekly digest: at most one per manager and week."""

    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("manager"),
    )
    week = models.DateField(_("week starting"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    run = models.UUIDField(_("run"), editable=False)

    class Meta:
        verbose_name = _("manager digest log")
        verbose_name_plural = _("manager digest logs")
        constraints = [
            models.UniqueConstraint(fields=["manager", "week"], name="assignments_digest_once")
        ]
        indexes = [models.Index(fields=["run"], name="assignments_digest_run")]

    def __str__(self):
        return f"{self.manager_id} · {self.week}"
