"""Periodic booking sweeps (Celery beat, see CELERY_BEAT_SCHEDULE). Each calls one service."""

from celery import shared_task

from bookings import services
from bookings.services.impact import impact_questions_send
from bookings.services.reminders import booking_reminders_send
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


@shared_task(acks_late=True)
def booking_reminders_task() -> dict[str, int]:
    """The reminders that are due: offers about to expire, 48 h and 2 h before each gig, the
    unit's 48 h reminder and the feedback request (``services.reminders``), once each."""
    return booking_reminders_send()


@shared_task(acks_late=True)
def impact_questions_task() -> dict[str, int]:
    """The impact questions that are due, 30 and 90 days after a booking (``services.impact``)."""
    return impact_questions_send().as_dict()
