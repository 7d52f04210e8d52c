from celery import shared_task

from . import services


@shared_task(
    name="people.tasks.employee_invite",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def employee_invite_task(employee_id: int) -> bool:
    return services.employee_invite(employee_id=employee_id)
