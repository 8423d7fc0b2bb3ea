"""What one gig earns the expert and costs the unit, fixed when a coordinator approves it.

The rates come from the booking's terms: the price row in force on its first date
(``selectors.booking_terms``). Every line is rounded half up to the cent (``money``).

- **Fee, per gig**: the row's flat fee, whatever the hours.
- **Fee, per hour**: rate × (max(reported hours, minimum hours) + preparation), where the
  preparation paid is the reported preparation up to the row's paid preparation hours.
- **Expenses only**: an expert who takes expenses only gets no fee (their expenses and travel
  are paid as usual).
- **Billable, per gig**: the row's client price. **Per hour**: client price × max(reported hours,
  minimum hours). Preparation is not billed; travel costs and expenses are billed on top by the
  invoicing run, not here.
- **Late cancellation**: the expert's first late-cancelled gig of the booking carries the row's
  expert cancellation fee (none for expenses only, none on their other gigs); the client's
  cancellation fee charged on the booking is shared equally among those gigs, the last share
  taking the cent that rounding leaves over, so the shares add up to the fee exactly. A booking
  cancelled without charging the client bills nothing.

Reported hours are the basis, not the scheduled ones: the expert is paid for the time the work
really took, and the coordinator, who sees both side by side, returns a report that looks wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from bookings.models import Booking, Gig, GigReport, PriceRow, PriceUnit, money
from bookings.selectors import gig_fee


@dataclass(frozen=True)
class GigAmounts:
    fee: Decimal
    billable: Decimal
    # How they were counted, for the coordinator to check before approving.
    fee_unit: str = ""
    fee_rate: Decimal = Decimal(0)
    fee_hours: Decimal = Decimal(0)
    paid_preparation: Decimal = Decimal(0)
    client_unit: str = ""
    client_rate: Decimal = Decimal(0)
    billable_hours: Decimal = Decimal(0)
    expenses_only: bool = False
    late_cancelled: bool = False
    client_fee: Decimal | None = None  # late cancellation: the booking's whole client fee
    shares: int = 0  # late cancellation: among how many gigs the client fee is shared

    @property
    def per_hour_fee(self) -> bool:
        return self.fee_unit == PriceUnit.PER_HOUR

    @property
    def per_hour_price(self) -> bool:
        return self.client_unit == PriceUnit.PER_HOUR


def report_amounts(*, gig: Gig, report: GigReport, row: PriceRow) -> GigAmounts:
    """The fee and billable amount of a reported gig under ``row``."""
    expert = gig.expert
    hours, preparation = report.hours, report.preparation_hours
    fee = gig_fee(
        row,
        start=gig.start,
        end=gig.end,
        expert=expert,
        hours=hours,
        preparation_hours=preparation,
    )
    billable_hours = max(hours, row.minimum_hours)
    if row.client_unit == PriceUnit.PER_GIG:
        billable = money(row.client_price)
    else:
        billable = money(row.client_price * billable_hours)
    per_hour = row.fee_unit == PriceUnit.PER_HOUR
    return GigAmounts(
        fee=fee,
        billable=billable,
        fee_unit=row.fee_unit,
        fee_rate=row.expert_fee,
        fee_hours=billable_hours if per_hour else Decimal(0),
        paid_preparation=min(preparation, row.preparation_hours) if per_hour else Decimal(0),
        client_unit=row.client_unit,
        client_rate=row.client_price,
        billable_hours=billable_hours if row.client_unit == PriceUnit.PER_HOUR else Decimal(0),
        expenses_only=expert.expenses_only,
    )


def cancellation_amounts(booking: Booking, row: PriceRow | None) -> dict[int, GigAmounts]:
    """The amounts of every late-cancelled gig of ``booking``, by gig id (see the module)."""
    gigs = list(
        Gig.objects.filter(booking=booking, status=Gig.Status.CANCELLED, late_cancelled=True)
        .select_related("expert")
        .order_by("start", "pk")
    )
    first_of_expert: dict[int, Gig] = {}
    for gig in gigs:
        first_of_expert.setdefault(gig.expert_id, gig)
    carrying = sorted(first_of_expert.values(), key=lambda g: (g.start, g.pk))
    client_fee = money(booking.cancellation_fee) if booking.cancellation_fee else money(0)
    shares: dict[int, Decimal] = {}
    if carrying:
        share = money(client_fee / len(carrying))
        for gig in carrying[:-1]:
            shares[gig.pk] = share
        shares[carrying[-1].pk] = client_fee - share * (len(carrying) - 1)
    expert_fee = money(row.expert_cancellation_fee) if row is not None else money(0)
    amounts = {}
    for gig in gigs:
        carries = shares.get(gig.pk) is not None
        fee = expert_fee if carries and not gig.expert.expenses_only else money(0)
        amounts[gig.pk] = GigAmounts(
            fee=fee,
            billable=shares.get(gig.pk, money(0)),
            expenses_only=gig.expert.expenses_only,
            late_cancelled=True,
            client_fee=client_fee,
            shares=len(carrying),
        )
    return amounts
