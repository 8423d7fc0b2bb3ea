"""Periodic booking sweeps (Celery beat, see CELERY_BEAT_SCHEDULE). Each calls one service."""

from celery import shared_task

from bookings import services
from bookings.services.reports import report_reminders_send


@shared_task(acks_late=True)
def offers_expire_task() -> int:
    """Offers past their answer deadline expire and the coordinators are told."""
    return services.offers_expire()


@shared_task(acks_late=True)
def bookings_deliver_due_task() -> int:
    """Confirmed bookings whose last time has ended become delivered."""
    return services.bookings_deliver_due()


@shared_task(acks_late=True)
def report_reminders_task() -> int:
    """Experts are reminded, once per gig, to report a gig that ended yesterday or before."""
    return report_reminders_send()
