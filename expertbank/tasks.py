"""Core tasks. Each takes ids, loads, and calls a service."""

from celery import shared_task

from expertbank.models import User
from expertbank.services import notifications


@shared_task(
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=30,
    retry_backoff_max=30 * 60,
    max_retries=5,
)
def message_deliver_task(message_id: int) -> bool:
    return notifications.message_deliver(message_id=message_id)


@shared_task(acks_late=True)
def messages_retry_stale() -> int:
    return notifications.messages_retry_stale()


@shared_task(acks_late=True)
def user_email_lookup(user_id: int) -> str:
    """Reads one row and answers with it: the health check of a worker that sees the database."""
    return User.objects.values_list("email", flat=True).get(pk=user_id)


@shared_task(acks_late=True)
def retention_run_task() -> dict[str, int]:
    """Remove what has outlived its retention period (every app's rules; idempotent)."""
    from expertbank.retention import retention_run

    return retention_run()
