from django.apps import AppConfig


class CoreConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "core"
    verbose_name = "Core"

    def ready(self):
        from celery.signals import before_task_publish, task_postrun, task_prerun
        from django.core.signals import request_finished

        from . import metrics, observability

        observability.install_log_record_factory()
        request_finished.connect(observability.request_id_end, dispatch_uid="core.request_id_end")
        before_task_publish.connect(
            observability.add_request_id_header, dispatch_uid="core.request_id_header"
        )
        task_prerun.connect(observability.restore_request_id, dispatch_uid="core.request_id_in")
        task_postrun.connect(observability.clear_request_id, dispatch_uid="core.request_id_out")
        task_postrun.connect(metrics.count_task, dispatch_uid="core.count_task")
