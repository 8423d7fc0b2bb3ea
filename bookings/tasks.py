"""Periodic booking sweeps (Celery beat, see CELERY_BEAT_SCHEDULE). Each calls one service."""

from celery import shared_task

from bookings import services


@shared_task(acks_late=True)
def offers_expire_task() -> int:
    """Offers past their answer deadline expire and the coordinators are told."""
    return services.offers_expire()


@shared_task(acks_late=True)
def bookings_deliver_due_task() -> int:
    """Confirmed bookings whose last time has ended become delivered."""
    return services.bookings_deliver_due()
