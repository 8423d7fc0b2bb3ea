"""Core tasks. Each takes ids, loads, and calls a service."""

from celery import shared_task
from django.conf import settings

from expertbank.models import User
from expertbank.services import notifications


# Sending tasks keep no results and stop well before a claim expires (settings, "Messages"):
# a failure is recorded on the row and retried by the sweep, not by Celery.
@shared_task(
    acks_late=True,
    ignore_result=True,
    time_limit=settings.MESSAGE_TASK_TIME_LIMIT,
    soft_time_limit=settings.MESSAGE_TASK_SOFT_TIME_LIMIT,
)
def message_deliver_task(message_id: int) -> bool:
    return notifications.message_deliver(message_id=message_id)


@shared_task(
    acks_late=True,
    ignore_result=True,
    time_limit=settings.MESSAGE_TASK_TIME_LIMIT,
    soft_time_limit=settings.MESSAGE_TASK_SOFT_TIME_LIMIT,
)
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


@shared_task(acks_late=True)
def coordinator_digests_task() -> dict[str, int]:
    """Today's digest to each coordinator who has not had it, from 7.30 (once per day)."""
    from expertbank.digest import digests_send

    return digests_send().as_dict()
