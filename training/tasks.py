"""Training tasks: each takes ids and calls a service."""

from celery import shared_task
from django.core.exceptions import ObjectDoesNotExist

from expertbank.services.pdf import PDFUnavailable
from training.services import certificate_issue, enrollments_start_due
from training.services.errors import TrainingError


@shared_task(
    acks_late=True,
    autoretry_for=(Exception,),
    dont_autoretry_for=(TrainingError, PDFUnavailable, ObjectDoesNotExist),
    retry_backoff=30,
    retry_backoff_max=30 * 60,
    max_retries=5,
)
def certificate_issue_task(enrollment_id: int) -> int:
    return certificate_issue(enrollment_id=enrollment_id).pk


@shared_task(acks_late=True)
def enrollments_start_due_task() -> int:
    return enrollments_start_due()


@shared_task(acks_late=True)
def training_reminders_task() -> dict[str, int]:
    """Tomorrow's sessions: participants, supervision groups and trainers, once each."""
    from training.services.reminders import training_reminders_send

    return training_reminders_send()
