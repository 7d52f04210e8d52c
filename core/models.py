from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class OutboxTask(models.Model):
    """A Celery task recorded in the transaction that asked for it (transactional outbox).

    `core.outbox.enqueue` inserts the row; on commit it is relayed to the broker, and
    `core.outbox.outbox_relay_pending` (every minute, and `manage.py outbox_relay`)
    relays rows that are still unsent or were sent long ago and never ran. The worker
    runs it once: `done_at` is claimed with a conditional UPDATE in the same transaction
    as the task's own writes.
    """

    task_name = models.CharField(verbose_name=_("task name"), max_length=200)
    # The id of the request that queued the task: its log lines carry it when it runs.
    request_id = models.CharField(
        verbose_name=_("request id"), max_length=128, blank=True, default=""
    )
    kwargs = models.JSONField(verbose_name=_("arguments"), default=dict, blank=True)
    created_at = models.DateTimeField(verbose_name=_("created"), default=timezone.now)
    # Not relayed (nor retried after a failure) before this moment.
    available_at = models.DateTimeField(verbose_name=_("available from"), default=timezone.now)
    # Last hand-over to the broker; NULL while it is still to be relayed.
    relayed_at = models.DateTimeField(verbose_name=_("relayed"), null=True, blank=True)
    relay_count = models.PositiveIntegerField(verbose_name=_("relay count"), default=0)
    # Failed runs (the task raised); retried with backoff until OUTBOX_MAX_ATTEMPTS.
    failures = models.PositiveIntegerField(verbose_name=_("failures"), default=0)
    last_error = models.TextField(verbose_name=_("last error"), blank=True)
    done_at = models.DateTimeField(verbose_name=_("done"), null=True, blank=True)

    class Meta:
        verbose_name = _("queued task")
        verbose_name_plural = _("queued tasks")
        ordering = ["pk"]
        indexes = [
            # The sweep: pending rows in order of availability (done rows are not indexed).
            models.Index(
                fields=["available_at"],
                condition=Q(done_at__isnull=True),
                name="core_outbox_pending_idx",
            ),
            # Pruning done rows older than OUTBOX_KEEP_DAYS.
            models.Index(
                fields=["done_at"], condition=Q(done_at__isnull=False), name="core_outbox_done_idx"
            ),
        ]

    def __str__(self):
        state = "done" if self.done_at else "pending"
        return f"{self.task_name} #{self.pk} ({state})"
