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
