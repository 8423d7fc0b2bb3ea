"""Every money rule of invoicing, one function per rule (the bookings' own rules — a gig's
billable amount, its late-cancellation share — are in ``bookings.money`` and fixed on the gig).

- **Kilometres** are paid and re-billed at the tax-free allowance of the trip's date
  (``bookings.money.mileage_allowance``, the travel price of a gig).
- **A line**: net rounded to the cent, VAT at the line's rate rounded to the cent, gross = net +
  VAT (``line_amounts``). An invoice's totals are the sums of its lines, so they add up to the
  cent; ``vat_breakdown`` gives the totals per VAT rate for the document.
- **Numbers and references**: ``invoice_number`` joins the year and the number in the year
  (2026 and 7 → ``2026-00007``); the Finnish reference is the number's digits with the 7-3-1
  check digit, and its RF form the same (``expertbank.finnish``).
- **Dates**: due ``payment_terms_days`` after the issue date (the unit's terms, else the bank's);
  the penalty interest is the rate in force on the due date (``PenaltyInterestRate``).
- **Balance**: an invoice's gross total less its credit notes and the payments allocated to it;
  negative when paid too much (the excess).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Sum

from bookings import money as booking_money
from bookings.money import mileage_allowance, mileage_rate
from expertbank.amounts import ZERO, cents
from expertbank.finnish import reference_number, rf_reference
from invoicing.models import IncomingPayment, Invoice, InvoiceLine, PenaltyInterestRate


def penalty_interest(day: date) -> Decimal | None:
    """The penalty interest rate (%) in force on ``day``, or None if none has been entered."""
    return (
        PenaltyInterestRate.objects.filter(valid_from__lte=day)
        .order_by("-valid_from")
        .values_list("rate", flat=True)
        .first()
    )


@dataclass(frozen=True)
class LineAmounts:
    net: Decimal
    vat: Decimal
    gross: Decimal


def line_amounts(net: Decimal, vat_rate: Decimal) -> LineAmounts:
    """A line's net, VAT and gross, each to the cent."""
    net = cents(net)
    tax = booking_money.vat(net, vat_rate)
    return LineAmounts(net=net, vat=tax, gross=net + tax)


@dataclass(frozen=True)
class VatGroup:
    rate: Decimal
    net: Decimal
    vat: Decimal
    gross: Decimal
    exemption_text: str


def vat_breakdown(lines: Iterable[InvoiceLine]) -> list[VatGroup]:
    """The invoice's totals per VAT rate, highest rate first."""
    groups: dict[Decimal, list[InvoiceLine]] = {}
    for line in lines:
        groups.setdefault(line.vat_rate, []).append(line)
    return [
        VatGroup(
            rate=rate,
            net=sum((line.net for line in members), ZERO),
            vat=sum((line.vat for line in members), ZERO),
            gross=sum((line.gross for line in members), ZERO),
            exemption_text=next(
                (line.vat_exemption_text for line in members if line.vat_exemption_text), ""
            ),
        )
        for rate, members in sorted(groups.items(), key=lambda item: -item[0])
    ]


def totals(lines: Iterable[InvoiceLine]) -> LineAmounts:
    """The sums of the lines: the invoice's totals."""
    lines = list(lines)
    net = sum((line.net for line in lines), ZERO)
    tax = sum((line.vat for line in lines), ZERO)
    return LineAmounts(net=net, vat=tax, gross=net + tax)


def invoice_number(year: int, sequence: int) -> str:
    return f"{year}-{sequence:05d}"


def invoice_reference(year: int, sequence: int) -> str:
    """The Finnish reference of an invoice: its number's digits with the check digit."""
    return reference_number(f"{year}{sequence:05d}")


def invoice_rf_reference(reference: str) -> str:
    return rf_reference(reference)


def payment_terms(days: int | None) -> int:
    """The unit's payment terms, or the bank's (setting INVOICE_PAYMENT_DAYS)."""
    return settings.INVOICE_PAYMENT_DAYS if days is None else days


def due_date(issue_date: date, days: int) -> date:
    return issue_date + timedelta(days=days)


def credited_totals(invoice_ids: Iterable[int]) -> dict[int, Decimal]:
    """What the credit notes of each invoice took off it (a positive amount), by invoice id;
    nothing credited reads as zero. The lists read the same sums as SQL annotations
    (``selectors.with_balance``, where ``credited`` is negative): the two must agree."""
    ids = list(invoice_ids)
    rows = (
        Invoice.objects.filter(credit_for_id__in=ids)
        .exclude(status=Invoice.Status.DRAFT)
        .values_list("credit_for_id")
        .annotate(total=Sum("gross_total"))
        .order_by()
    )
    totals = {pk: -cents(total) for pk, total in rows}
    return {pk: totals.get(pk, ZERO) for pk in ids}


def paid_totals(invoice_ids: Iterable[int]) -> dict[int, Decimal]:
    """What was paid to each invoice, by invoice id (zero for nothing)."""
    ids = list(invoice_ids)
    rows = (
        IncomingPayment.objects.filter(invoice_id__in=ids)
        .values_list("invoice_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    totals = {pk: cents(total) for pk, total in rows}
    return {pk: totals.get(pk, ZERO) for pk in ids}


def credited_total(invoice: Invoice) -> Decimal:
    """What the credit notes of ``invoice`` took off it (a positive amount)."""
    return credited_totals([invoice.pk])[invoice.pk]


def paid_total(invoice: Invoice) -> Decimal:
    return paid_totals([invoice.pk])[invoice.pk]


def balance_of(invoice: Invoice, *, credited: Decimal, paid: Decimal) -> Decimal:
    """What is still to be paid of ``invoice`` after ``credited`` and ``paid`` (negative: paid
    too much by that amount)."""
    return invoice.gross_total - credited - paid


def balance(invoice: Invoice) -> Decimal:
    """What is still to be paid (negative: paid too much by that amount)."""
    return balance_of(invoice, credited=credited_total(invoice), paid=paid_total(invoice))


def status_of(invoice: Invoice, *, credited: Decimal, paid: Decimal) -> str:
    """The status the money says an issued invoice has after ``credited`` and ``paid``: paid,
    partly paid, issued or credited."""
    if invoice.is_credit_note:
        return Invoice.Status.ISSUED
    due = invoice.gross_total - credited
    if due <= 0:
        return Invoice.Status.CREDITED
    if paid >= due:
        return Invoice.Status.PAID
    if paid > 0:
        return Invoice.Status.PARTLY_PAID
    return Invoice.Status.ISSUED


def status_for(invoice: Invoice) -> str:
    """The status the money says an issued invoice has: paid, partly paid, issued or credited."""
    return status_of(invoice, credited=credited_total(invoice), paid=paid_total(invoice))


__all__ = ["mileage_allowance", "mileage_rate"]
