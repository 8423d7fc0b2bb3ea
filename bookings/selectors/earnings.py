"""Earnings for the earnings cap, counted by payment date (as pension rules count income).

An expert on a disability pension may earn only up to a limit a year or a month; above it the
pension stops. What counts is the fee (``Gig.fee_amount``) of each gig, on the day it is paid:

- a paid gig counts on its ``paid_on`` date;
- a gig that will be paid but is not yet — planned, reported or approved, or cancelled late
  with the expert's cancellation fee — counts on its own date, or on today if that has passed
  (it cannot be paid before today), or on the day the expert asked it to be paid no sooner
  than (``Gig.pay_not_before``), whichever is latest. A planned gig carries the fee estimated
  when it was planned; approval fixes the final amount.
- cancelled (not late), moved and written-off gigs count nothing.

So "this year" is what has been paid this year plus what is still coming this year: the amount
the cap has to stay above. Every total is one aggregate query, for one expert or for many.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings.models import Booking, Gig
from bookings.money import gig_fee
from bookings.selectors.schedule import upcoming_occurrences
from expertbank.amounts import ZERO, cents
from experts.models import Expert

_Status = Gig.Status


@dataclass(frozen=True, order=True)
class Period:
    """A span of days, both ends included: a calendar year or month."""

    start: date
    end: date

    @classmethod
    def year_of(cls, day: date) -> Period:
        return cls(date(day.year, 1, 1), date(day.year, 12, 31))

    @classmethod
    def month_of(cls, day: date) -> Period:
        last = calendar.monthrange(day.year, day.month)[1]
        return cls(date(day.year, day.month, 1), date(day.year, day.month, last))

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def is_year(self) -> bool:
        return (self.start.month, self.start.day, self.end.month, self.end.day) == (1, 1, 12, 31)


@dataclass(frozen=True)
class Earnings:
    """What counts in one period, split by how sure it is."""

    paid: Decimal = ZERO
    approved: Decimal = ZERO  # approved (or cancelled late with a fee) and not paid yet
    planned: Decimal = ZERO  # planned or reported: the fee estimated when planned

    @property
    def coming(self) -> Decimal:
        return self.approved + self.planned

    @property
    def total(self) -> Decimal:
        return self.paid + self.approved + self.planned


def _midnight(day: date) -> datetime:
    """The local start of ``day`` as an aware moment: gig dates are local dates."""
    return timezone.make_aware(datetime.combine(day, time.min))


# Gigs that will be paid but are not yet (a written-off gig never will).
_UNPAID = Q(paid_on__isnull=True, written_off=False) & (
    Q(status__in=[_Status.PLANNED, _Status.REPORTED, _Status.APPROVED])
    | Q(status=_Status.CANCELLED, late_cancelled=True)
)
_BUCKETS = {
    "paid": Q(paid_on__isnull=False),
    "approved": _UNPAID & (Q(status=_Status.APPROVED) | Q(status=_Status.CANCELLED)),
    "planned": _UNPAID & Q(status__in=[_Status.PLANNED, _Status.REPORTED]),
}


def counted_in(period: Period, *, today: date) -> Q:
    """Gigs whose fee counts in ``period``: paid in it, or to be paid in it.

    An unpaid gig counts on max(its local date, today, the day the expert asked it to be paid
    no sooner than); written as comparisons on ``start`` so that the (expert, start) index
    serves it.
    """
    paid = Q(paid_on__gte=period.start, paid_on__lte=period.end)
    if today > period.end:  # nothing unpaid can still be paid in a period that is over
        return paid
    unpaid = (
        _UNPAID
        & Q(start__lt=_midnight(period.end + timedelta(days=1)))
        & (Q(pay_not_before__isnull=True) | Q(pay_not_before__lte=period.end))
    )
    if today < period.start:
        unpaid &= Q(start__gte=_midnight(period.start)) | Q(pay_not_before__gte=period.start)
    return paid | unpaid


def earnings_bulk(
    *,
    experts: QuerySet[Expert] | Iterable[int],
    periods: Sequence[Period],
    today: date | None = None,
) -> dict[int, list[Earnings]]:
    """Each expert's ``Earnings`` in each of ``periods`` (in that order), in one query.

    ``experts`` is a queryset (used as a subquery) or expert ids. Experts without any counted
    gig are left out of the answer: treat them as zero (``earnings_of``).
    """
    today = today or timezone.localdate()
    if not periods:
        return {}
    sums = {}
    anywhere = Q()
    for index, period in enumerate(periods):
        in_period = counted_in(period, today=today)
        anywhere |= in_period
        for bucket, condition in _BUCKETS.items():
            sums[f"p{index}_{bucket}"] = Sum("fee_amount", filter=in_period & condition)
    experts = experts.values("pk") if isinstance(experts, QuerySet) else list(experts)
    rows = (
        Gig.objects.filter(anywhere, expert_id__in=experts)
        .values("expert_id")
        .annotate(**sums)
        .order_by("expert_id")
    )
    result: dict[int, list[Earnings]] = {}
    for row in rows:
        result[row["expert_id"]] = [
            Earnings(
                **{bucket: cents(row[f"p{index}_{bucket}"] or 0) for bucket in _BUCKETS},
            )
            for index in range(len(periods))
        ]
    return result


def earnings_of(
    bulk: dict[int, list[Earnings]], expert_id: int, periods: Sequence[Period]
) -> list[Earnings]:
    return bulk.get(expert_id) or [Earnings() for _ in periods]


def expert_earnings(
    expert: Expert, periods: Sequence[Period], *, today: date | None = None
) -> list[Earnings]:
    """One expert's earnings in each of ``periods``."""
    return earnings_of(
        earnings_bulk(experts=[expert.pk], periods=periods, today=today), expert.pk, periods
    )


def year_to_date(expert: Expert, *, today: date | None = None) -> Earnings:
    """This calendar year: paid so far plus what is still to be paid this year."""
    today = today or timezone.localdate()
    return expert_earnings(expert, [Period.year_of(today)], today=today)[0]


def month_to_date(expert: Expert, *, today: date | None = None) -> Earnings:
    """This calendar month: paid so far plus what is still to be paid this month."""
    today = today or timezone.localdate()
    return expert_earnings(expert, [Period.month_of(today)], today=today)[0]


# --- The cap ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CapCheck:
    """One cap of an expert in one period, with and without a booking's fees."""

    kind: str  # "yearly" or "monthly"
    period: Period
    cap: Decimal
    earned: Decimal  # counted in the period already
    adding: Decimal = ZERO  # the booking's fees that would count in the period

    @property
    def after(self) -> Decimal:
        return self.earned + self.adding

    @property
    def headroom(self) -> Decimal:
        """What is left under the cap after the booking (negative: over by that much)."""
        return self.cap - self.after

    @property
    def exceeded(self) -> bool:
        return self.after > self.cap

    @property
    def over(self) -> Decimal:
        """How much over the cap (zero when under it)."""
        return max(ZERO, self.after - self.cap)

    @property
    def label(self):
        return _("yearly cap") if self.kind == "yearly" else _("monthly cap")

    @property
    def share(self) -> int:
        """Percent of the cap used (for progress bars), 0–100."""
        if self.cap <= 0:
            return 100
        return max(0, min(100, int(self.after * 100 / self.cap)))


def cap_periods(days: Iterable[date]) -> list[Period]:
    """The years and months that gigs on ``days`` count in."""
    days = list(days)
    years = {Period.year_of(day) for day in days}
    months = {Period.month_of(day) for day in days}
    return sorted(years) + sorted(months)


def cap_checks(
    expert: Expert,
    *,
    earnings: dict[Period, Earnings],
    fees: Sequence[tuple[date, Decimal]] = (),
) -> list[CapCheck]:
    """The expert's caps in the periods of ``earnings``, with ``fees`` (date, amount) added.

    A yearly cap is checked in every year in ``earnings`` and a monthly cap in every month.
    """
    checks = []
    for period, counted in earnings.items():
        yearly = period.is_year
        cap = expert.earnings_cap_yearly if yearly else expert.earnings_cap_monthly
        if cap is None:
            continue
        adding = sum((amount for day, amount in fees if day in period), ZERO)
        checks.append(
            CapCheck(
                kind="yearly" if yearly else "monthly",
                period=period,
                cap=cents(cap),
                earned=counted.total,
                adding=cents(adding),
            )
        )
    return checks


def booking_fees(booking: Booking, expert: Expert, occurrences=None) -> list[tuple[date, Decimal]]:
    """The fee ``expert`` would get for each time of ``booking`` that has not begun, by date."""
    if occurrences is None:
        occurrences = upcoming_occurrences(booking)
    return [
        (
            timezone.localdate(o.start),
            gig_fee(booking.terms, start=o.start, end=o.end, expert=expert),
        )
        for o in occurrences
    ]


def booking_cap_checks(
    *, booking: Booking, expert: Expert, today: date | None = None
) -> list[CapCheck]:
    """Would ``booking`` push ``expert`` over a cap? Each cap in each period it touches, with
    the amounts; ``[c for c in checks if c.exceeded]`` are the caps it would break."""
    today = today or timezone.localdate()
    fees = booking_fees(booking, expert)
    periods = cap_periods(day for day, _amount in fees)
    counted = expert_earnings(expert, periods, today=today)
    return cap_checks(expert, earnings=dict(zip(periods, counted, strict=True)), fees=fees)


def expert_cap_status(expert: Expert, *, today: date | None = None) -> dict[str, object]:
    """This year's and this month's earnings with the expert's caps (the start page)."""
    today = today or timezone.localdate()
    year, month = Period.year_of(today), Period.month_of(today)
    this_year, this_month = expert_earnings(expert, [year, month], today=today)
    checks = {c.kind: c for c in cap_checks(expert, earnings={year: this_year, month: this_month})}
    return {
        "year": this_year,
        "month": this_month,
        "year_period": year,
        "month_period": month,
        "yearly": checks.get("yearly"),
        "monthly": checks.get("monthly"),
    }
