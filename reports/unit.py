"""The unit's own numbers: its organisation's bookings, gigs, hours and costs by month, the
feedback and impact answers it gave and the invoices it got, over a period.

A member sees the bookings of every unit of the organisations they are a member in
(``bookings_for_member``, the rule of the unit pages) and the invoices of those organisations
(``invoices_for_member``). The gig and hour rules are the dashboard's (``reports.dashboard``):
a live gig starting in the period, its reported hours or else its scheduled length. *Costs* are
the gigs' billable amounts (without VAT), fixed when the coordinator approves the report or
cancels late with a fee; *invoiced* is the net total of the invoices issued in the month, credit
notes subtracted. Every figure is one aggregate query.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from bookings.models import Booking, Feedback, Gig, ImpactAnswer
from bookings.selectors.impact import ASKED_STATUSES, took_place
from bookings.selectors.requests import bookings_for_member
from expertbank.amounts import ZERO, cents
from expertbank.models import User
from invoicing.models import Invoice
from invoicing.selectors import invoices_for_member
from reports.dashboard import CHARGED, Tally, month_label, tally_by
from reports.period import Period

NOT_BOOKED = (Booking.Status.REJECTED, Booking.Status.CANCELLED)


@dataclass
class UnitMonth:
    label: str
    bookings: int = 0
    gigs: int = 0
    hours: Decimal = ZERO
    costs: Decimal = ZERO
    invoiced: Decimal = ZERO


def _key(value) -> tuple[int, int]:
    return (value.year, value.month)


def unit_gigs(user: User, period: Period) -> QuerySet[Gig]:
    return Gig.objects.filter(
        period.moments("start"), booking__in=bookings_for_member(user), status__in=Gig.LIVE
    )


def unit_months(user: User, period: Period) -> list[UnitMonth]:
    """Bookings (by their first time), gigs, hours, costs and invoiced amounts in each month."""
    bookings = bookings_for_member(user)
    booked = (
        bookings.filter(period.moments("first_start"))
        .exclude(status__in=NOT_BOOKED)
        .annotate(month=TruncMonth("first_start"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    tallies: dict = {
        _key(k): v for k, v in tally_by(unit_gigs(user, period), TruncMonth("start")).items() if k
    }
    costs = (
        Gig.objects.filter(CHARGED, period.moments("start"), booking__in=bookings)
        .annotate(month=TruncMonth("start"))
        .values("month")
        .annotate(total=Sum("billable_amount"))
        .order_by()
    )
    invoiced = (
        invoices_for_member(user)
        .filter(period.dates("issue_date"))
        .annotate(month=TruncMonth("issue_date"))
        .values("month")
        .annotate(total=Sum("net_total"))
        .order_by()
    )
    booked_by = {_key(r["month"]): r["n"] for r in booked}
    costs_by = {_key(r["month"]): cents(r["total"] or 0) for r in costs}
    invoiced_by = {_key(r["month"]): cents(r["total"] or 0) for r in invoiced}
    months = []
    for month in period.months():
        tally = tallies.get(month, Tally())
        months.append(
            UnitMonth(
                label=month_label(*month),
                bookings=booked_by.get(month, 0),
                gigs=tally.gigs,
                hours=tally.hours,
                costs=costs_by.get(month, ZERO),
                invoiced=invoiced_by.get(month, ZERO),
            )
        )
    return months


def unit_feedback(user: User, period: Period) -> QuerySet[Feedback]:
    """The feedback the organisation gave in the period, newest first."""
    return (
        Feedback.objects.filter(period.moments("created_at"), booking__in=bookings_for_member(user))
        .select_related("booking", "given_by")
        .order_by("-created_at", "-pk")
    )


def unit_impact(user: User, period: Period) -> QuerySet[ImpactAnswer]:
    """The impact answers the organisation gave in the period, newest first."""
    return (
        ImpactAnswer.objects.filter(
            period.moments("answered_at"), booking__in=bookings_for_member(user)
        )
        .select_related("booking")
        .order_by("-answered_at", "-pk")
    )


def unit_impact_waiting(user: User, *, today: date | None = None) -> QuerySet[Booking]:
    """The organisation's bookings whose 30-day question is open and not answered yet, newest
    first: those whose last time was 30 to 90 days ago (the page shows a few)."""
    today = today or timezone.localdate()
    opened_by = timezone.make_aware(datetime.combine(today - timedelta(days=29), time.min))
    too_old = timezone.make_aware(datetime.combine(today - timedelta(days=90), time.min))
    return (
        bookings_for_member(user)
        .filter(status__in=ASKED_STATUSES, last_end__lt=opened_by, last_end__gte=too_old)
        .filter(took_place())
        .exclude(impact_answers__day_mark=30)
        .order_by("-last_end", "-pk")
    )


def unit_invoices(user: User, period: Period) -> QuerySet[Invoice]:
    """The invoices and credit notes issued to the organisation in the period, newest first."""
    return (
        invoices_for_member(user)
        .filter(period.dates("issue_date"))
        .select_related("unit")
        .order_by("-issue_date", "-pk")
    )


def feedback_average(feedback: list[Feedback]) -> Decimal | None:
    if not feedback:
        return None
    return (Decimal(sum(f.rating for f in feedback)) / len(feedback)).quantize(Decimal("0.1"))


__all__ = [
    "UnitMonth",
    "feedback_average",
    "unit_feedback",
    "unit_gigs",
    "unit_impact",
    "unit_impact_waiting",
    "unit_invoices",
    "unit_months",
]
