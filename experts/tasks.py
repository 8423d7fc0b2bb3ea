"""Periodic tasks of the pool. Each loads what it needs and calls a service."""

from celery import shared_task

from experts.services import consent_requests_send
from experts.services.importing import expert_imports_purge


@shared_task(acks_late=True)
def expert_imports_purge_task() -> int:
    """Empty uploaded files left waiting for confirmation (they hold identity codes)."""
    return expert_imports_purge()


@shared_task(acks_late=True)
def consent_requests_send_task() -> int:
    """Ask experts without consent to the current privacy notice to give it (once per version)."""
    return consent_requests_send()


@shared_task(acks_late=True)
def document_reminders_task() -> dict[str, int]:
    """Experts' tax cards and documents about to expire: 30 and 7 days before, once each."""
    from experts.services.reminders import document_reminders_send

    return document_reminders_send().as_dict()
