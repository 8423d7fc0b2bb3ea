"""Corrections: an issued invoice is never changed or deleted; a credit note takes it back,
whole or some of its lines, and the gigs on those lines can be billed again."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from expertbank.models import User
from invoicing import money
from invoicing.models import Invoice, InvoiceLine
from invoicing.services.common import InvoicingError, Kind, lock_series, record, set_status
from invoicing.services.issuing import issue

CREDITABLE = (Invoice.Status.ISSUED, Invoice.Status.PARTLY_PAID, Invoice.Status.PAID)


def invoice_can_credit(invoice: Invoice) -> bool:
    """An issued invoice (not a credit note) with lines still billing can be credited."""
    return (
        invoice.kind == Invoice.Kind.INVOICE
        and invoice.status in CREDITABLE
        and invoice.lines.filter(billing=True).exists()
    )


@transaction.atomic(durable=True)
def invoice_credit(
    *,
    invoice: Invoice,
    by: User,
    reason: str,
    lines: Iterable[InvoiceLine] | None = None,
) -> Invoice:
    """Issue a credit note for ``invoice`` (see ``credit``)."""
    return credit(invoice=invoice, by=by, reason=reason, lines=lines)


def credit(
    *,
    invoice: Invoice,
    by: User | None,
    reason: str,
    lines: Iterable[InvoiceLine] | None = None,
    today: date | None = None,
) -> Invoice:
    """Issue a credit note for ``invoice``: all its lines still billing, or the ones given.

    The credit note is a negative invoice in the same number series that refers to the
    original, line by line; the credited lines stop billing their gigs, so the next run bills
    them again (corrected). The original becomes *credited* when nothing of it is left to pay.
    """
    reason = reason.strip()
    if not reason:
        raise InvoicingError(_("Say why the invoice is credited: the credit note shows it."))
    today = today or timezone.localdate()
    lock_series(today.year)
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if not invoice_can_credit(invoice):
        raise InvoicingError(
            _("Only an issued invoice with lines not yet credited can be credited.")
        )
    open_lines = list(invoice.lines.select_for_update().filter(billing=True).order_by("position"))
    if lines is not None:
        wanted = {line.pk for line in lines}
        if not wanted or not wanted <= {line.pk for line in open_lines}:
            raise InvoicingError(_("Choose lines of this invoice that have not been credited yet."))
        open_lines = [line for line in open_lines if line.pk in wanted]
    note = Invoice.objects.create(
        kind=Invoice.Kind.CREDIT_NOTE,
        credit_for=invoice,
        unit=invoice.unit,
        period_start=invoice.period_start,
        period_end=invoice.period_end,
        client_reference=invoice.client_reference,
        cost_centre=invoice.cost_centre,
        language=invoice.language,
        issue_date=today,
        due_date=today,
        payment_terms_days=0,
        notes=reason,
        **{
            name: getattr(invoice, name)
            for name in (
                "seller_name",
                "seller_business_id",
                "seller_street",
                "seller_postcode",
                "seller_city",
                "seller_iban",
                "seller_bic",
                "seller_einvoice_address",
                "seller_einvoice_operator",
                "seller_email",
                "seller_phone",
                "buyer_name",
                "buyer_unit",
                "buyer_business_id",
                "buyer_address",
                "buyer_einvoice_address",
                "buyer_einvoice_operator",
                "buyer_contact",
            )
        },
    )
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            invoice=note,
            position=position,
            kind=line.kind,
            gig_id=line.gig_id,
            booking_id=line.booking_id,
            date=line.date,
            description=line.description,
            expert_name=line.expert_name,
            quantity=-line.quantity,
            quantity_unit=line.quantity_unit,
            unit_price=line.unit_price,
            net=-line.net,
            vat_rate=line.vat_rate,
            vat=-line.vat,
            gross=-line.gross,
            vat_exemption_text=line.vat_exemption_text,
            billing=False,
            credits=line,
        )
        for position, line in enumerate(open_lines, start=1)
    )
    for line in open_lines:
        line.billing = False
        line.save(update_fields=["billing"])
    issue(note, by=by)
    record(
        invoice,
        by=by,
        kind=Kind.CREDITED,
        note=reason,
        changes={"credit_note": ["", note.number], "amount": ["", str(-note.gross_total)]},
    )
    set_status(invoice, money.status_for(invoice), by=by)
    return note
