"""The monthly invoice run: every approved gig, its travel and expenses, and every late
cancellation amount not yet billed, on one invoice per unit and reference / cost centre."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.selectors.earnings import Period
from expertbank.bank import bank, bank_missing
from expertbank.models import User
from invoicing import money
from invoicing.models import Invoice, InvoiceChange, InvoiceLine, NumberSeries
from invoicing.selectors import Draft, Plan, invoice_plan
from invoicing.services.common import InvoicingError, lock_series, next_number, record

# The constraint that keeps a gig on at most one live invoice.
BILLED_ONCE = "invoiceline_gig_billed_once"


@dataclass(frozen=True)
class RunResult:
    plan: Plan
    invoices: list[Invoice]
    dry_run: bool


def _new_invoice(
    draft: Draft,
    *,
    period: Period,
    issue_date: date,
    interest: dict[date, Decimal | None] | None = None,
    **issued,
) -> Invoice:
    """An invoice, not yet saved, with the seller and the buyer copied onto it (``issued``: the
    fields of an invoice made issued at once; ``interest``: the run's penalty interest by due
    date)."""
    seller, unit = bank(), draft.unit
    organisation = unit.organisation
    days = money.payment_terms(unit.payment_terms_days)
    due = money.due_date(issue_date, days)
    if interest is None:
        interest = {}
    if due not in interest:
        interest[due] = money.penalty_interest(due)
    return Invoice(
        unit=unit,
        period_start=period.start,
        period_end=period.end,
        client_reference=draft.client_reference,
        cost_centre=draft.cost_centre,
        language=unit.invoice_language,
        issue_date=issue_date,
        due_date=due,
        payment_terms_days=days,
        penalty_interest=interest[due],
        seller_name=seller.name,
        seller_business_id=seller.business_id,
        seller_street=seller.street,
        seller_postcode=seller.postcode,
        seller_city=seller.city,
        seller_iban=seller.iban,
        seller_bic=seller.bic,
        seller_einvoice_address=seller.einvoice_address,
        seller_einvoice_operator=seller.einvoice_operator,
        seller_email=seller.email,
        seller_phone=seller.phone,
        buyer_name=organisation.name,
        buyer_unit=unit.name,
        buyer_business_id=organisation.business_id,
        buyer_address=unit.billing_address,
        buyer_einvoice_address=unit.e_invoice_address,
        buyer_einvoice_operator=unit.e_invoice_operator,
        buyer_contact=unit.contact_name,
        **issued,
    )


def issue(invoice: Invoice, *, by: User | None) -> None:
    """Number a draft and issue it: totals from its lines, a number and reference from the
    series of its issue date's year (locked by the caller's transaction)."""
    total = money.totals(invoice.lines.all())
    year = invoice.issue_date.year
    invoice.sequence, invoice.number, invoice.reference = next_number(year)
    invoice.year = year
    invoice.net_total, invoice.vat_total, invoice.gross_total = total.net, total.vat, total.gross
    invoice.status = Invoice.Status.ISSUED
    invoice.issued_at, invoice.issued_by = timezone.now(), by
    invoice.save()
    record(invoice, by=by, from_status=Invoice.Status.DRAFT, to_status=Invoice.Status.ISSUED)


def _bill(
    draft: Draft,
    *,
    period: Period,
    issue_date: date,
    by: User | None,
    series: NumberSeries,
    interest: dict[date, Decimal | None],
) -> tuple[Invoice, list[InvoiceLine]]:
    """One invoice of a run, issued as it is made, and its lines, not yet saved: the lines and
    totals are worked out first, then the invoice numbered and issued (the next number of the
    run's locked series): what ``issue`` does for a draft. The run writes them all at once."""
    lines = []
    for position, charge in enumerate(draft.charges, start=1):
        amounts = money.line_amounts(charge.net, charge.vat_rate)
        lines.append(
            InvoiceLine(
                position=position,
                kind=charge.kind,
                gig=charge.gig,
                booking=charge.booking,
                date=charge.date,
                description=charge.description[:300],
                expert_name=charge.expert_name,
                quantity=charge.quantity,
                quantity_unit=charge.quantity_unit,
                unit_price=charge.unit_price,
                net=amounts.net,
                vat_rate=charge.vat_rate,
                vat=amounts.vat,
                gross=amounts.gross,
                vat_exemption_text=charge.vat_exemption_text,
            )
        )
    total = money.totals(lines)
    year = issue_date.year
    series.last += 1
    invoice = _new_invoice(
        draft,
        period=period,
        issue_date=issue_date,
        interest=interest,
        status=Invoice.Status.ISSUED,
        year=year,
        sequence=series.last,
        number=money.invoice_number(year, series.last),
        reference=money.invoice_reference(year, series.last),
        net_total=total.net,
        vat_total=total.vat,
        gross_total=total.gross,
        issued_at=timezone.now(),
        issued_by=by,
    )
    return invoice, lines


def invoices_issue(
    *, period: Period, by: User | None, dry_run: bool = False, issue_date: date | None = None
) -> RunResult:
    """Bill everything not yet billed up to the end of ``period`` (see ``invoice_plan``): one
    invoice per unit and client reference / cost centre, numbered in the issue year's gapless
    series, with the seller and buyer copied on. A dry run changes nothing.

    Exactly once: a run takes the number series' lock before it looks, so a run at the same
    moment waits and then finds nothing left to bill; the database refuses a second live line
    for a gig whatever happens, and the loser of such a race gets a clear message and bills
    nothing.
    """
    if dry_run:
        return RunResult(plan=invoice_plan(period), invoices=[], dry_run=True)
    missing = bank_missing()
    if missing:
        raise InvoicingError(missing)
    issue_date = issue_date or timezone.localdate()
    if issue_date <= period.end:
        raise InvoicingError(
            _("A month is invoiced once it is over: invoice %(month)s from %(day)s on.")
            % {
                "month": period.start.strftime("%m/%Y"),
                "day": (period.end + timedelta(days=1)).strftime("%d.%m.%Y"),
            }
        )
    try:
        return _issue_durable(period=period, by=by, issue_date=issue_date)
    except IntegrityError as exc:
        if BILLED_ONCE in str(exc):
            raise InvoicingError(
                _(
                    "Another invoice run billed these gigs at the same moment. Nothing was "
                    "issued by this one: look at the invoice list."
                )
            ) from exc
        raise


@transaction.atomic(durable=True)
def _issue_durable(*, period: Period, by: User | None, issue_date: date) -> RunResult:
    return issue_run(period=period, by=by, issue_date=issue_date)


def issue_run(*, period: Period, by: User | None, issue_date: date) -> RunResult:
    """The run inside the caller's transaction (``invoices_issue`` and the demo data): the
    invoices, then all their lines, then their history, each in one insert (per thousand)."""
    series = lock_series(issue_date.year)
    plan = invoice_plan(period)
    interest: dict[date, Decimal | None] = {}
    billed = [
        _bill(draft, period=period, issue_date=issue_date, by=by, series=series, interest=interest)
        for draft in plan.drafts
    ]
    invoices = Invoice.objects.bulk_create([invoice for invoice, _lines in billed], batch_size=1000)
    for invoice, lines in billed:
        for line in lines:
            line.invoice = invoice
    InvoiceLine.objects.bulk_create(
        [line for _invoice, lines in billed for line in lines], batch_size=1000
    )
    InvoiceChange.objects.bulk_create(
        [
            InvoiceChange.entry(
                invoice=invoice,
                by=by,
                kind=InvoiceChange.Kind.STATUS,
                from_status=Invoice.Status.DRAFT,
                to_status=Invoice.Status.ISSUED,
            )
            for invoice in invoices
        ],
        batch_size=1000,
    )
    if invoices:
        series.save(update_fields=["last"])
    return RunResult(plan=plan, invoices=invoices, dry_run=False)
