"""Periodic invoicing work (Celery beat, see CELERY_BEAT_SCHEDULE). Each calls one service."""

from celery import shared_task
from django.utils import timezone

from invoicing import services
from invoicing.selectors import previous_month


@shared_task(acks_late=True)
def invoices_issue_task() -> int:
    """On the 1st of the month: invoice the month that ended."""
    today = timezone.localdate()
    result = services.invoices_issue(period=previous_month(today), by=None, issue_date=today)
    return len(result.invoices)


@shared_task(acks_late=True)
def invoice_reminders_task() -> int:
    """Reminders of overdue invoices, once per invoice and round."""
    return services.invoice_reminders_send()


@shared_task(acks_late=True)
def fees_run_task() -> int:
    """On the 1st of the month: the fee statements of the month that ended."""
    from invoicing.services.fees import fees_run

    result = fees_run(period=previous_month(timezone.localdate()), by=None)
    return len(result.statements)


@shared_task(acks_late=True)
def money_notices_task() -> dict[str, int]:
    """Fee statements ready, fees paid and invoices issued: each told once."""
    from invoicing.services.notices import money_notices_send

    return money_notices_send()
