"""Every money rule of a booking, one function per rule. Views, templates, forms, the admin,
other services and the invoicing app ask these; nothing else computes a price, a fee or a
cancellation amount.

**Terms.** The price row in force on a booking's first date, the organisation's own list before
the general one (``price_row_for``), is copied onto the booking when it is requested
(``BookingTerms``, see ``services.terms``); every rule below reads those frozen terms, so editing
a price list later never changes what an existing booking pays or bills.

**Rounding.** Every amount is rounded half up to the cent per line (``expertbank.amounts.cents``,
the project's one rounding rule); sums are of rounded lines.

**One gig** (``gig_fee``, ``gig_billable``, ``report_amounts``):

- *Fee, per gig*: the flat fee, whatever the hours. *Per hour*: rate × (max(hours, minimum hours)
  + paid preparation). When a gig is planned, the hours are its scheduled length and the terms'
  preparation hours count in full; at approval, the reported hours and the reported preparation
  up to the terms' preparation hours. An expert who takes expenses only, as their default or for
  one gig (declined in the report), has no fee; their travel and expenses are paid as usual.
- *Billable, per gig*: the client price. *Per hour*: client price × max(hours, minimum hours).
  Preparation is not billed; travel and expenses are billed on top by the invoicing run.
- *A pair* (issue 17): the new expert fills the seat and is billed as above; the experienced
  partner beside them is paid their fee like anyone, but their gig bills the unit nothing (no
  work, no travel): the bank pays the mentor (``billed_to_unit``).
- Reported hours are the basis, not the scheduled ones: the expert is paid for the time the work
  really took, and the coordinator, who sees both side by side, returns a report that looks wrong.

**Estimate** (``price_estimate``): the client's price of every time for every expert, and VAT at
the terms' rate on the total (travel costs come on top).

**Cancellation** (``cancellation_terms``, ``expert_cancellation_fees``, ``cancellation_amounts``):
cancelling later than the notice period before the first time that has not begun is late. When
late and at least one expert holds a planned gig, the client pays the client cancellation fee
and each such expert gets the expert cancellation fee on their first cancelled gig (none for an
expert who takes expenses only, none on their other gigs). The client fee is shared equally among
the gigs that carry an expert's fee, the last share taking the cent that rounding leaves over, so
the shares add up to the fee exactly. A booking cancelled without charging the client bills
nothing.

**Travel** (``mileage_allowance``): kilometres at the tax-free allowance of the trip's date.

**Support** (``assignment_support``, issue 17): an expert's companion is billed to the client
at the terms' companion price per hour when their support profile says one comes or the
coordinator named one on the assignment, and the companion fee is paid only to a named person
(the assignment's companion, else the profile's usual one); an interpreter is billed when the
profile asks for one. The booking's preview (``booking_support_costs``) and each approved gig's
bill and fee (``gig_support``) both ask this one rule.

**Funding** (``funding_charged``): a funding source's budget is used by the fees of the live and
late-cancelled gigs of the bookings charged to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from bookings.models import (
    TERMS_FIELDS,
    Assignment,
    Booking,
    FundingSource,
    Gig,
    GigReport,
    MileageRate,
    PriceRow,
    PriceTerms,
    PriceUnit,
)
from bookings.selectors.schedule import next_start
from expertbank.amounts import ZERO, cents
from experts.models import Expert, SupportProfile

DEFAULT_NOTICE_DAYS = 7

# --- Terms ---------------------------------------------------------------------------------------


def _rows_in_force(*, organisation_id: int, day: date) -> QuerySet[PriceRow]:
    return PriceRow.objects.filter(
        Q(price_list__organisation_id=organisation_id) | Q(price_list__organisation__isnull=True),
        price_list__active=True,
        valid_from__lte=day,
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))


def price_row_for(*, organisation_id: int, work_kind_id: int, day: date) -> PriceRow | None:
    """The price row in force on ``day``: the organisation's own list first, then the general."""
    return (
        _rows_in_force(organisation_id=organisation_id, day=day)
        .filter(work_kind_id=work_kind_id)
        .select_related("price_list", "work_kind")
        .order_by(F("price_list__organisation_id").desc(nulls_last=True), "-valid_from", "-pk")
        .first()
    )


def terms_in_force(*, organisation_id: int, day: date) -> list[PriceRow]:
    """One row per kind of work in force on ``day`` for this organisation (the request form)."""
    rows = (
        _rows_in_force(organisation_id=organisation_id, day=day)
        .filter(work_kind__active=True)
        .select_related("work_kind", "price_list")
        .order_by(
            "work_kind__order",
            "work_kind_id",
            F("price_list__organisation_id").desc(nulls_last=True),
            "-valid_from",
        )
    )
    chosen: dict[int, PriceRow] = {}
    for row in rows:
        chosen.setdefault(row.work_kind_id, row)
    return list(chosen.values())


def terms_day(first_start: datetime | None) -> date:
    """The day whose price row a booking takes: its first date (today if it has none)."""
    return timezone.localdate(first_start) if first_start else timezone.localdate()


def terms_values(terms: PriceTerms) -> dict[str, object]:
    """The terms of a row or a booking as plain values: what is copied, compared and recorded."""
    return {name: getattr(terms, name) for name in TERMS_FIELDS}


# --- Hours ---------------------------------------------------------------------------------------


def hours_between(start: datetime, end: datetime) -> Decimal:
    """The length of a time in hours (the scheduled hours of an occurrence or a gig)."""
    return Decimal((end - start).total_seconds()) / Decimal(3600)


def scheduled_hours(start: datetime, end: datetime) -> Decimal:
    """The scheduled length rounded to the hundredth, as a report form offers it."""
    hours = hours_between(start, end).quantize(Decimal("0.01"))
    return hours.normalize() if hours == hours.to_integral() else hours


# --- One gig -------------------------------------------------------------------------------------


def gig_fee(
    terms: PriceTerms | None,
    *,
    start: datetime,
    end: datetime,
    expert: Expert,
    hours: Decimal | None = None,
    preparation_hours: Decimal | None = None,
    declined: bool = False,
) -> Decimal:
    """The expert's fee for one gig under ``terms`` (see the module). Without terms it is zero
    and the coordinator sets the terms before approving; an expert who takes expenses only, or
    declined this gig's fee in the report, gets none."""
    if terms is None or expert.expenses_only or declined:
        return cents(0)
    if terms.fee_unit == PriceUnit.PER_GIG:
        return cents(terms.expert_fee)
    worked = hours_between(start, end) if hours is None else hours
    paid_preparation = (
        terms.preparation_hours
        if preparation_hours is None
        else min(preparation_hours, terms.preparation_hours)
    )
    return cents(terms.expert_fee * (max(worked, terms.minimum_hours) + paid_preparation))


def billable_hours(terms: PriceTerms, hours: Decimal) -> Decimal:
    """The hours billed for ``hours`` of work: never fewer than the minimum."""
    return max(hours, terms.minimum_hours)


def gig_billable(
    terms: PriceTerms, *, start: datetime, end: datetime, hours: Decimal | None = None
) -> Decimal:
    """The client's price for one expert at one time (VAT 0 %): scheduled or reported hours."""
    if terms.client_unit == PriceUnit.PER_GIG:
        return cents(terms.client_price)
    worked = hours_between(start, end) if hours is None else hours
    return cents(terms.client_price * billable_hours(terms, worked))


def vat(net: Decimal, rate: Decimal) -> Decimal:
    """The VAT of ``net`` at ``rate`` percent."""
    return cents(net * rate / Decimal(100))


@dataclass(frozen=True)
class Estimate:
    gigs: int
    net: Decimal
    vat: Decimal
    gross: Decimal
    terms: PriceTerms


def price_estimate(
    terms: PriceTerms | None, *, times: Sequence[tuple[datetime, datetime]], experts: int
) -> Estimate | None:
    """What the booking is expected to cost the client (travel costs come on top)."""
    if terms is None:
        return None
    one_expert = sum((gig_billable(terms, start=s, end=e) for s, e in times), Decimal(0))
    net = cents(one_expert * experts)
    tax = vat(net, terms.vat_rate)
    return Estimate(gigs=len(times) * experts, net=net, vat=tax, gross=net + tax, terms=terms)


@dataclass(frozen=True)
class SupportNeed:
    """What one expert's support on a booking bills and pays (``assignment_support``)."""

    companion: bool  # a companion or support person comes: the client pays the companion price
    paid_to: Expert | None  # who is paid the companion fee; None: nobody named, nobody paid
    interpreter: str  # ``SupportProfile.Interpreter``, "" for none; the client pays the price


@dataclass(frozen=True)
class SupportCosts:
    """What the experts' support costs on top of the estimate (``experts.SupportProfile``)."""

    hours: Decimal  # the scheduled hours of the times, for each person
    companions: int  # experts who come with a companion or support person
    interpreters: int  # experts who need an interpreter
    companion_net: Decimal  # billed to the client for the companions (VAT 0 %)
    interpreter_net: Decimal  # billed to the client for the interpreters (VAT 0 %)
    net: Decimal
    vat: Decimal
    gross: Decimal
    companion_fees: Decimal  # paid to the named companions, like a fee
    terms: PriceTerms
    companions_unnamed: int = 0  # companions billed whom nobody is named to be paid for yet


def support_costs(
    terms: PriceTerms | None,
    *,
    times: Sequence[tuple[datetime, datetime]],
    needs: Iterable[SupportNeed],
) -> SupportCosts | None:
    """The companion and interpreter costs of ``times`` under the frozen ``terms``, for the
    experts whose ``needs`` are given (``assignment_support``), by the same rule as each gig's
    bill and fee (``gig_support``); ``None`` when nobody needs either, when the terms price
    neither (or there are no terms yet)."""
    needs = list(needs)
    companions = sum(1 for need in needs if need.companion)
    paid = sum(1 for need in needs if need.companion and need.paid_to is not None)
    interpreters = sum(1 for need in needs if need.interpreter)
    if terms is None or not (companions or interpreters):
        return None
    hours = sum((hours_between(start, end) for start, end in times), Decimal(0))
    companion_net = cents(terms.companion_price * hours * companions)
    interpreter_net = cents(terms.interpreter_price * hours * interpreters)
    net = companion_net + interpreter_net
    companion_fees = cents(terms.companion_fee * hours * paid)
    if not net and not companion_fees:
        return None  # nothing billed, nothing paid: nothing to show
    tax = vat(net, terms.vat_rate)
    return SupportCosts(
        hours=hours.quantize(Decimal("0.01")),
        companions=companions,
        interpreters=interpreters,
        companion_net=companion_net,
        interpreter_net=interpreter_net,
        net=net,
        vat=tax,
        gross=net + tax,
        companion_fees=companion_fees,
        terms=terms,
        companions_unnamed=companions - paid if terms.companion_fee else 0,
    )


def booking_support_costs(booking: Booking) -> SupportCosts | None:
    """``support_costs`` of a booking's accepted experts at its times, under its frozen terms:
    the support profile's needs and the companion each assignment names, as billed and paid.
    ``None`` for a cancelled booking: its support is neither billed nor paid."""
    if booking.status == Booking.Status.CANCELLED:
        return None
    accepted = booking.assignments.filter(status=Assignment.Status.ACCEPTED).select_related(
        "companion__user", "expert__support__companion_person__user"
    )
    times = list(booking.occurrences.values_list("start", "end"))
    return support_costs(
        booking.terms, times=times, needs=[assignment_support(a) for a in accepted]
    )


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


def billed_to_unit(gig: Gig) -> bool:
    """Whether the unit is billed for the gig's work and travel: not for a pair's experienced
    partner (see the module)."""
    return gig.assignment.partner_of_id is None


def report_amounts(*, gig: Gig, report: GigReport, terms: PriceTerms) -> GigAmounts:
    """The fee and billable amount of a reported gig under the booking's ``terms``."""
    expert = gig.expert
    hours, preparation = report.hours, report.preparation_hours
    per_hour_fee = terms.fee_unit == PriceUnit.PER_HOUR
    per_hour_price = terms.client_unit == PriceUnit.PER_HOUR
    billed = billable_hours(terms, hours)
    return GigAmounts(
        fee=gig_fee(
            terms,
            start=gig.start,
            end=gig.end,
            expert=expert,
            hours=hours,
            preparation_hours=preparation,
            declined=report.fee_declined,
        ),
        billable=gig_billable(terms, start=gig.start, end=gig.end, hours=hours)
        if billed_to_unit(gig)
        else cents(0),
        fee_unit=terms.fee_unit,
        fee_rate=terms.expert_fee,
        fee_hours=billed if per_hour_fee else Decimal(0),
        paid_preparation=min(preparation, terms.preparation_hours) if per_hour_fee else Decimal(0),
        client_unit=terms.client_unit,
        client_rate=terms.client_price,
        billable_hours=billed if per_hour_price else Decimal(0),
        expenses_only=expert.expenses_only or report.fee_declined,
    )


# --- Cancellation --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CancellationTerms:
    late: bool
    deadline: datetime | None  # cancelling after this is late
    client_fee: Decimal
    expert_fee: Decimal
    experts_paid: int  # experts with planned gigs who get their fee when late
    terms: PriceTerms | None


def cancellation_terms(booking: Booking, *, now: datetime | None = None) -> CancellationTerms:
    """What cancelling ``booking`` now would cost (see the module)."""
    now = now or timezone.now()
    terms = booking.terms
    upcoming = next_start(booking, now=now)
    notice = timedelta(days=terms.notice_days if terms else DEFAULT_NOTICE_DAYS)
    deadline = upcoming - notice if upcoming else None
    late = deadline is not None and now > deadline
    experts_paid = (
        Gig.objects.filter(booking=booking, status=Gig.Status.PLANNED, start__gt=now)
        .values("expert")
        .distinct()
        .count()
    )
    client_fee = expert_fee = cents(0)
    if late and terms is not None and experts_paid:
        client_fee = cents(terms.client_cancellation_fee)
        expert_fee = cents(terms.expert_cancellation_fee)
    return CancellationTerms(
        late=late,
        deadline=deadline,
        client_fee=client_fee,
        expert_fee=expert_fee,
        experts_paid=experts_paid if late else 0,
        terms=terms,
    )


def _carrying(gigs: Iterable[Gig]) -> list[Gig]:
    """The gigs that carry an expert's cancellation fee: each expert's first one."""
    first_of_expert: dict[int, Gig] = {}
    for gig in sorted(gigs, key=lambda g: (g.start, g.pk)):
        first_of_expert.setdefault(gig.expert_id, gig)
    return sorted(first_of_expert.values(), key=lambda g: (g.start, g.pk))


def expert_cancellation_fees(
    gigs: Iterable[Gig], *, terms: PriceTerms | None, late: bool
) -> dict[int, Decimal]:
    """The expert's fee of each of ``gigs`` cancelled together, by gig id (see the module)."""
    gigs = list(gigs)
    carrying = {gig.pk for gig in _carrying(gigs)} if late and terms is not None else set()
    fee = cents(terms.expert_cancellation_fee) if terms is not None else cents(0)
    return {
        gig.pk: fee if gig.pk in carrying and not gig.expert.expenses_only else cents(0)
        for gig in gigs
    }


def cancellation_amounts(booking: Booking) -> dict[int, GigAmounts]:
    """The amounts of every late-cancelled gig of ``booking``, by gig id (see the module)."""
    gigs = list(
        Gig.objects.filter(booking=booking, status=Gig.Status.CANCELLED, late_cancelled=True)
        .select_related("expert")
        .order_by("start", "pk")
    )
    carrying = _carrying(gigs)
    fees = expert_cancellation_fees(gigs, terms=booking.terms, late=True)
    client_fee = cents(booking.cancellation_fee) if booking.cancellation_fee else cents(0)
    shares: dict[int, Decimal] = {}
    if carrying:
        share = cents(client_fee / len(carrying))
        for gig in carrying[:-1]:
            shares[gig.pk] = share
        shares[carrying[-1].pk] = client_fee - share * (len(carrying) - 1)
    return {
        gig.pk: GigAmounts(
            fee=fees[gig.pk],
            billable=shares.get(gig.pk, cents(0)),
            expenses_only=gig.expert.expenses_only,
            late_cancelled=True,
            client_fee=client_fee,
            shares=len(carrying),
        )
        for gig in gigs
    }


# --- Travel ------------------------------------------------------------------------------------


class RateMissing(LookupError):
    """No dated rate is in force on the day asked."""


def mileage_rate(day: date) -> Decimal:
    """The kilometre allowance in force on ``day`` (``MileageRate``, dated data)."""
    rate = (
        MileageRate.objects.filter(valid_from__lte=day)
        .order_by("-valid_from")
        .values_list("per_km", flat=True)
        .first()
    )
    if rate is None:
        raise RateMissing(f"No kilometre allowance is in force on {day:%d.%m.%Y}.")
    return rate


def last_priced_trip() -> date | None:
    """The day of the latest trip already approved with kilometres. Every allowance up to that
    day has been paid or billed: it stays as it is, and a new rate may only take effect later."""
    start = (
        Gig.objects.filter(report__km__gt=0, billable_amount__isnull=False)
        .order_by("-start")
        .values_list("start", flat=True)
        .first()
    )
    return timezone.localdate(start) if start is not None else None


def mileage_allowance(
    *, km: int | Decimal, trip_date: date, rate: Decimal | None = None
) -> Decimal:
    """The tax-free allowance for ``km`` kilometres driven on ``trip_date``, in euros: what the
    expert is paid and, where the terms re-bill travel, what the unit is billed. ``rate``: the
    ``mileage_rate`` of that day when the caller has it already (a monthly run reads it once a
    day, not once a gig)."""
    if rate is None:
        rate = mileage_rate(trip_date)
    return cents(Decimal(km) * rate)


@dataclass(frozen=True)
class Travel:
    km: int
    km_rate: Decimal | None
    km_amount: Decimal
    expenses: Decimal

    @property
    def total(self) -> Decimal:
        return self.km_amount + self.expenses


def travel_costs(report: GigReport, *, trip_date: date) -> Travel:
    """A report's travel in euros: kilometres at the allowance of the trip's date, and the
    receipted expenses (what the expert is paid on top of the fee)."""
    expenses = sum((expense.amount for expense in report.expenses.all()), Decimal(0))
    try:
        rate = mileage_rate(trip_date) if report.km else None
    except RateMissing:
        rate = None
    amount = cents(Decimal(report.km) * rate) if rate is not None else cents(0)
    return Travel(km=report.km, km_rate=rate, km_amount=amount, expenses=cents(expenses))


# --- Funding -------------------------------------------------------------------------------------

# The gigs whose fees a funding source's budget pays: live ones and those cancelled late.
_CHARGED = Q(status__in=Gig.LIVE) | Q(late_cancelled=True)


def funding_used(source: FundingSource) -> Decimal:
    """What the bookings charged to ``source`` use of its budget."""
    total = Gig.objects.filter(_CHARGED, booking__funding_source=source).aggregate(
        total=Sum("fee_amount")
    )["total"]
    return cents(total or 0)


def funding_sources_with_use() -> QuerySet[FundingSource]:
    """Funding sources annotated with ``used`` and ``remaining`` (one query for a list)."""
    used = (
        Gig.objects.filter(_CHARGED, booking__funding_source=OuterRef("pk"))
        .values("booking__funding_source")
        .annotate(total=Sum("fee_amount"))
        .values("total")
    )
    return FundingSource.objects.annotate(used=Coalesce(Subquery(used), ZERO)).annotate(
        remaining=F("budget") - F("used")
    )


# --- Support that travels with the expert, gig by gig (issue 17) ---------------------------------


def support_profile_of(expert: Expert) -> SupportProfile | None:
    try:
        return expert.support
    except SupportProfile.DoesNotExist:
        return None


def companion_of(assignment: Assignment) -> Expert | None:
    """Who is paid the companion fee of the assignment's gigs: the support person the
    coordinator chose for it, else the expert's usual companion when their profile says one
    comes along."""
    if assignment.companion_id is not None:
        return assignment.companion
    profile = support_profile_of(assignment.expert)
    if profile is not None and profile.companion and profile.companion_person_id:
        return profile.companion_person
    return None


def assignment_support(assignment: Assignment) -> SupportNeed:
    """The one rule of what an expert's support on a booking bills and pays: a companion is
    billed when the expert's profile says one comes or one is named (``companion_of``), and
    paid only when named; an interpreter is billed when the profile asks for one."""
    profile = support_profile_of(assignment.expert)
    companion = companion_of(assignment)
    return SupportNeed(
        companion=companion is not None or (profile is not None and profile.companion),
        paid_to=companion,
        interpreter=profile.interpreter if profile is not None else "",
    )


@dataclass(frozen=True)
class GigSupport:
    """What the support of one approved gig bills and pays (``gig_support``)."""

    hours: Decimal  # the gig's hours: reported, else scheduled
    companion_net: Decimal  # billed to the client for the companion
    companion_fee: Decimal  # paid to ``companion``
    companion: Expert | None
    interpreter: str  # ``SupportProfile.Interpreter``, "" for none
    interpreter_net: Decimal  # billed to the client for the interpreter
    shared: frozenset[str]  # the support items the expert shows to the booking unit
    terms: PriceTerms


def gig_support(gig: Gig) -> GigSupport | None:
    """The companion and interpreter of one approved (or paid) gig under the booking's frozen
    terms, per hour of the gig (the reported hours, else the scheduled ones; no minimum).

    The client pays the companion price when the expert's profile says a companion comes or the
    coordinator named one on the assignment, and the interpreter price when the profile asks
    for an interpreter; the companion fee is paid only to a named support person
    (``companion_of``). ``None`` when nothing is billed or paid: no terms, no support, a
    cancelled gig, or the terms price neither."""
    terms = gig.booking.terms
    if terms is None or gig.status not in (Gig.Status.APPROVED, Gig.Status.PAID):
        return None
    assignment = gig.assignment
    if assignment.expert_id == gig.expert_id and not Assignment.expert.is_cached(assignment):
        # The same expert: the one the monthly runs read with the gig and its support profile,
        # not read again for each gig (two queries a gig at national scale).
        assignment.expert = gig.expert
    need = assignment_support(assignment)
    profile = support_profile_of(gig.expert)
    companion, interpreter = need.paid_to, need.interpreter
    report = getattr(gig, "report", None)
    hours = report.hours if report is not None else hours_between(gig.start, gig.end)
    companion_net = cents(terms.companion_price * hours) if need.companion else cents(0)
    companion_fee = cents(terms.companion_fee * hours) if companion is not None else cents(0)
    interpreter_net = cents(terms.interpreter_price * hours) if interpreter else cents(0)
    if not (companion_net or companion_fee or interpreter_net):
        return None
    return GigSupport(
        hours=hours,
        companion_net=companion_net,
        companion_fee=companion_fee,
        companion=companion,
        interpreter=interpreter,
        interpreter_net=interpreter_net,
        shared=frozenset(profile.shared_with_unit or ()) if profile is not None else frozenset(),
        terms=terms,
    )
