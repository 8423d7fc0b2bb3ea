"""Builders for the invoicing tests: approved gigs with their travel and expenses, made through
the booking services, and the month they fall in."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from bookings import services
from bookings.models import Gig
from bookings.selectors.earnings import Period
from tests.bookings.reports_factories import ExpenseInput, ended_gig, png


def approved_gig(
    *,
    coordinator,
    hours: str = "2",
    km: int = 0,
    expenses: tuple[tuple[str, str], ...] = (),
    **kwargs,
) -> Gig:
    """A gig that ended, reported with ``km`` and receipted ``expenses`` ((what, euros), …) and
    approved: what an invoice run bills."""
    gig = ended_gig(coordinator=coordinator, **kwargs)
    services.report_submit(
        gig=gig,
        by=gig.expert.user,
        hours=Decimal(hours),
        km=km,
        km_from="Tikkurila" if km else "",
        expenses=[ExpenseInput(what, Decimal(amount), png()) for what, amount in expenses],
    )
    return services.report_approve(gig=gig, by=coordinator)


def month_of(gig: Gig) -> Period:
    return Period.month_of(timezone.localdate(gig.start))


def after(period: Period):
    """The first day after ``period``: when its invoices are issued."""
    return period.end + timedelta(days=1)


def last_month() -> timedelta:
    """How long ago the 15th of last month at midnight was: ``ended_gig(ended_ago=…)`` for a
    gig in a month that is over, so its invoices are issued today."""
    day = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=15)
    midnight = timezone.make_aware(datetime.combine(day, time.min))
    return timezone.now() - midnight
