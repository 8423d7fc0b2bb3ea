"""Reads of invoicing: what a run would bill, the invoices a person may see, the overdue ones,
and the payments still to allocate."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from bookings.models import Booking, Expense, Gig, GigReport, Membership, PriceUnit
from bookings.money import billable_hours, billed_to_unit, gig_support
from bookings.selectors.earnings import Period
from bookings.services.payments import payable_gigs
from expertbank.amounts import ZERO, cents
from expertbank.models import User
from invoicing import money
from invoicing.models import FeeLine, IncomingPayment, Invoice, InvoiceLine

Kind = InvoiceLine.Kind
Unit_ = InvoiceLine.QuantityUnit


def month(year: int, number: int) -> Period:
    """The calendar month ``year``-``number`` as a period of days."""
    return Period.month_of(date(year, number, 1))


def previous_month(today: date | None = None) -> Period:
    first = (today or timezone.localdate()).replace(day=1)
    return Period.month_of(first - timedelta(days=1))


@dataclass
class Charge:
    """One line a run would put on an invoice."""

    kind: str
    gig: Gig
    date: date
    description: str
    expert_name: str
    quantity: Decimal
    quantity_unit: str
    unit_price: Decimal
    net: Decimal
    vat_rate: Decimal
    vat_exemption_text: str

    @property
    def booking(self) -> Booking:
        return self.gig.booking


@dataclass
class Draft:
    """What one invoice of a run would hold: a unit, a reference and a cost centre."""

    unit_id: int
    client_reference: str
    cost_centre: str
    charges: list[Charge] = field(default_factory=list)

    @property
    def unit(self):
        return self.charges[0].booking.unit

    @property
    def net(self) -> Decimal:
        return sum((charge.net for charge in self.charges), ZERO)

    @property
    def gross(self) -> Decimal:
        return sum(
            (money.line_amounts(charge.net, charge.vat_rate).gross for charge in self.charges),
            ZERO,
        )


@dataclass
class Plan:
    period: Period
    drafts: list[Draft]
    funded: list[Gig]  # charged to a funding source's budget, not invoiced
    without_terms: list[Gig]  # cannot be billed before a coordinator sets the booking's terms


GIGS_AT_A_TIME = 500  # a run reads its gigs in batches of this many


def _start_of(period: Period) -> datetime:
    return timezone.make_aware(datetime.combine(period.start, time.min))


def _end_of(period: Period) -> datetime:
    return timezone.make_aware(datetime.combine(period.end + timedelta(days=1), time.min))


def _gigs(period: Period) -> QuerySet[Gig]:
    """Gigs that took place up to the end of ``period`` and carry something to bill."""
    expenses = Prefetch("report__expenses", queryset=Expense.objects.order_by("pk"))
    done = Q(status__in=[Gig.Status.APPROVED, Gig.Status.PAID], billable_amount__isnull=False)
    cancelled = Q(status=Gig.Status.CANCELLED, late_cancelled=True, billable_amount__gt=0)
    return (
        Gig.objects.filter(done | cancelled, start__lt=_end_of(period))
        .select_related(
            "expert__user",
            "booking__unit__organisation",
            "booking__work_kind",
            "booking__terms",
            "booking__funding_source",
            "report",
            "assignment__companion__user",
            "expert__support__companion_person__user",
        )
        .prefetch_related(expenses)
        .order_by("start", "pk")
    )


def _work(gig: Gig, report: GigReport | None) -> Charge:
    booking, terms = gig.booking, gig.booking.terms
    quantity, unit, price = Decimal(1), Unit_.PIECES, gig.billable_amount
    if terms.client_unit == PriceUnit.PER_HOUR and report is not None:
        hours = billable_hours(terms, report.hours)
        if cents(hours * terms.client_price) == gig.billable_amount:
            quantity, unit, price = hours, Unit_.HOURS, terms.client_price
    return Charge(
        kind=Kind.WORK,
        gig=gig,
        date=timezone.localdate(gig.start),
        description=f"{booking.work_kind.name}: {booking.title}",
        expert_name=gig.expert.shown_name,
        quantity=quantity,
        quantity_unit=unit,
        unit_price=price,
        net=gig.billable_amount,
        vat_rate=terms.vat_rate,
        vat_exemption_text=terms.vat_exemption_text if terms.vat_rate == 0 else "",
    )


def _travel(gig: Gig, report: GigReport, rates: dict[date, Decimal]) -> list[Charge]:
    terms, day = gig.booking.terms, timezone.localdate(gig.start)
    common = {
        "gig": gig,
        "date": day,
        "expert_name": gig.expert.shown_name,
        "vat_rate": terms.vat_rate,
        "vat_exemption_text": terms.vat_exemption_text if terms.vat_rate == 0 else "",
    }
    found = []
    if report.km:
        if day not in rates:
            rates[day] = money.mileage_rate(day)
        rate = rates[day]
        found.append(
            Charge(
                kind=Kind.TRAVEL,
                description=report.km_from or gig.booking.title,
                quantity=Decimal(report.km),
                quantity_unit=Unit_.KM,
                unit_price=rate,
                net=money.mileage_allowance(km=report.km, trip_date=day, rate=rate),
                **common,
            )
        )
    spent = sum((expense.amount for expense in report.expenses.all()), ZERO)
    if spent:
        found.append(
            Charge(
                kind=Kind.EXPENSES,
                description=", ".join(e.description for e in report.expenses.all())[:300],
                quantity=Decimal(1),
                quantity_unit=Unit_.PIECES,
                unit_price=spent,
                net=spent,
                **common,
            )
        )
    return found


def _support(gig: Gig) -> list[Charge]:
    """The companion and interpreter of an approved gig (``bookings.money.gig_support``), at the
    VAT of the terms. The expert is named on a line only when they show that need to the unit."""
    support = gig_support(gig)
    if support is None:
        return []
    terms, shared = support.terms, support.shared
    common = {
        "gig": gig,
        "date": timezone.localdate(gig.start),
        "description": gig.booking.title,
        "quantity": support.hours,
        "quantity_unit": Unit_.HOURS,
        "vat_rate": terms.vat_rate,
        "vat_exemption_text": terms.vat_exemption_text if terms.vat_rate == 0 else "",
    }
    found = []
    if support.companion_net:
        found.append(
            Charge(
                kind=Kind.COMPANION,
                expert_name=gig.expert.shown_name if "companion" in shared else "",
                unit_price=terms.companion_price,
                net=support.companion_net,
                **common,
            )
        )
    if support.interpreter_net:
        found.append(
            Charge(
                kind=Kind.INTERPRETER,
                expert_name=gig.expert.shown_name if "interpreter" in shared else "",
                unit_price=terms.interpreter_price,
                net=support.interpreter_net,
                **common,
            )
        )
    return found


def _cancellation(gig: Gig) -> Charge:
    terms = gig.booking.terms
    return Charge(
        kind=Kind.CANCELLATION,
        gig=gig,
        date=timezone.localdate(gig.start),
        description=gig.booking.title,
        expert_name=gig.expert.shown_name,
        quantity=Decimal(1),
        quantity_unit=Unit_.PIECES,
        unit_price=gig.billable_amount,
        net=gig.billable_amount,
        vat_rate=terms.vat_rate if terms else Decimal(0),
        vat_exemption_text=(terms.vat_exemption_text if terms and terms.vat_rate == 0 else ""),
    )


def _unbilled(period: Period) -> QuerySet[Gig]:
    """``_gigs`` less those a live invoice bills already, in the database (an anti-join) rather
    than every gig ever approved read into memory: a run bills all of a gig's charges on one
    invoice, so a gig with a billing line has nothing left — unless a credit note took some of
    its lines back (a line no longer billing), and those gigs are looked at charge by charge.
    Gigs charged to a funding source are listed for the period itself only."""
    lines = InvoiceLine.objects.filter(gig=OuterRef("pk"))
    return (
        _gigs(period)
        .filter(~Exists(lines.filter(billing=True)) | Exists(lines.filter(billing=False)))
        .filter(Q(booking__funding_source__isnull=True) | Q(start__gte=_start_of(period)))
    )


def invoice_plan(period: Period) -> Plan:
    """Everything a run for ``period`` would bill, grouped into invoices: the approved gigs, their
    kilometres and receipted expenses (where the terms re-bill travel), their companion and
    interpreter (``_support``) and the late-cancellation amounts, of gigs up to the period's end
    that no live invoice bills yet (a gig approved late is billed by the next run). Bookings
    charged to a funding source are not invoiced."""
    # The ids first (gigs and their lines alone), then the gigs with everything a charge reads,
    # a batch at a time: joining every table for the whole history made the planner walk it all.
    ids = list(_unbilled(period).values_list("pk", flat=True))
    rates: dict[date, Decimal] = {}
    drafts: dict[tuple, Draft] = {}
    funded, without_terms = [], []
    for first in range(0, len(ids), GIGS_AT_A_TIME):
        batch = ids[first : first + GIGS_AT_A_TIME]
        billed = set(
            InvoiceLine.objects.filter(billing=True, gig__in=batch).values_list("gig_id", "kind")
        )
        for gig in _gigs(period).filter(pk__in=batch):
            _plan_gig(gig, billed, rates, drafts, funded, without_terms)
    ordered = sorted(
        drafts.values(), key=lambda d: (str(d.unit), d.client_reference, d.cost_centre)
    )
    return Plan(period=period, drafts=ordered, funded=funded, without_terms=without_terms)


def _plan_gig(
    gig: Gig,
    billed: set[tuple[int, str]],
    rates: dict[date, Decimal],
    drafts: dict[tuple, Draft],
    funded: list[Gig],
    without_terms: list[Gig],
) -> None:
    """One gig's charges not billed yet, onto the draft of its unit and reference."""
    booking = gig.booking
    if booking.funding_source_id is not None:
        funded.append(gig)
        return
    if booking.terms is None and gig.status != Gig.Status.CANCELLED:
        without_terms.append(gig)
        return
    report = getattr(gig, "report", None)
    if gig.status == Gig.Status.CANCELLED:
        charges = [_cancellation(gig)]
    else:
        charges = [_work(gig, report)] if gig.billable_amount else []
        if report is not None and booking.terms.rebill_travel and billed_to_unit(gig):
            charges += _travel(gig, report, rates)
        charges += _support(gig)
    charges = [c for c in charges if (gig.pk, c.kind) not in billed]
    if not charges:
        return
    key = (booking.unit_id, booking.own_reference.strip(), booking.cost_centre.strip())
    draft = drafts.setdefault(key, Draft(*key))
    draft.charges.extend(charges)


# --- Who sees which invoices ---------------------------------------------------------------


def invoices_for_member(user: User) -> QuerySet[Invoice]:
    """The issued invoices and credit notes of the organisations the user is a member in."""
    organisations = Membership.objects.filter(user=user).values("unit__organisation_id")
    return Invoice.objects.exclude(status=Invoice.Status.DRAFT).filter(
        unit__organisation_id__in=Subquery(organisations)
    )


def with_balance(invoices: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """Annotate ``paid`` (payments), ``credited`` (credit notes) and ``balance``."""
    paid = (
        IncomingPayment.objects.filter(invoice=OuterRef("pk"))
        .values("invoice")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    credited = (
        Invoice.objects.filter(credit_for=OuterRef("pk"))
        .exclude(status=Invoice.Status.DRAFT)
        .values("credit_for")
        .annotate(total=Sum("gross_total"))
        .values("total")
    )
    # Credit notes have negative totals: the balance is the total, less credits and payments.
    return invoices.annotate(
        paid=Coalesce(Subquery(paid), Value(ZERO)),
        credited=Coalesce(Subquery(credited), Value(ZERO)),
        is_overdue=Case(
            When(overdue_q(), kind=Invoice.Kind.INVOICE, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
    ).annotate(balance=F("gross_total") + F("credited") - F("paid"))


def coordinator_invoices() -> QuerySet[Invoice]:
    return with_balance(
        Invoice.objects.exclude(status=Invoice.Status.DRAFT).select_related(
            "unit__organisation", "credit_for"
        )
    )


def overdue_q(today: date | None = None) -> Q:
    return Q(status__in=Invoice.OPEN, due_date__lt=today or timezone.localdate())


def overdue(today: date | None = None) -> QuerySet[Invoice]:
    return coordinator_invoices().filter(overdue_q(today)).order_by("due_date", "pk")


def unallocated_payments() -> QuerySet[IncomingPayment]:
    return (
        IncomingPayment.objects.filter(invoice__isnull=True)
        .select_related("file")
        .order_by("booking_date", "pk")
    )


def overpaid(invoices: QuerySet[Invoice] | None = None) -> QuerySet[Invoice]:
    """Invoices paid more than they ask: the excess is to be returned or allocated."""
    return (invoices or coordinator_invoices()).filter(balance__lt=0).order_by("due_date")


# --- Fees not yet on a statement -------------------------------------------------------------

# The gigs' own lines, paid to their experts (a companion's line is paid to the companion).
OWN_LINES = ~Q(kind=FeeLine.Kind.COMPANION)


def gigs_on_no_statement() -> QuerySet[Gig]:
    """Gigs that carry money for their expert and whose own lines are on no statement yet: what
    the fee run pays, the expert's payments page lists as waiting and the list of experts who
    cannot be paid counts. A companion's line on its own statement does not count: the expert
    who moved their fee to a later month is still owed it.

    NOT EXISTS, an anti-join on the lines' gig index: as "NOT IN (the lines' gigs)" PostgreSQL
    checked every fee line for each gig once the lines outgrew ``work_mem`` (at national scale,
    484,569 lines: the fee run took minutes)."""
    return payable_gigs().exclude(Exists(FeeLine.objects.filter(OWN_LINES, gig=OuterRef("pk"))))


def waiting_gigs(expert) -> QuerySet[Gig]:
    """The expert's gigs whose fee is on no statement yet, oldest first."""
    return (
        gigs_on_no_statement()
        .filter(expert=expert)
        .select_related("booking__work_kind")
        .order_by("start", "pk")
    )
