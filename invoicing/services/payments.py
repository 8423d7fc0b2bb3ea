"""Getting paid: the bank's camt.054 notification imported, each payment matched to its invoice
by the reference, or kept for a coordinator to allocate; nothing is ever dropped."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from expertbank.bulk import update_each
from expertbank.finnish import is_valid_reference
from expertbank.formatting import euros
from expertbank.models import User, actor
from invoicing import money
from invoicing.bankfiles import camt054
from invoicing.models import IncomingPayment, Invoice, InvoiceChange, PaymentFile
from invoicing.services.common import InvoicingError, Kind

MAX_FILE_BYTES = 10 * 1024 * 1024


@dataclass
class ImportResult:
    file: PaymentFile | None
    new: list[IncomingPayment] = field(default_factory=list)
    matched: list[IncomingPayment] = field(default_factory=list)
    unallocated: list[IncomingPayment] = field(default_factory=list)
    already: int = 0  # payments recorded by an earlier import
    skipped: list = field(default_factory=list)


def national_reference(reference: str) -> str:
    """The Finnish reference inside a payment's reference: as given, or the body of an RF
    reference made from it (RF + two check digits + the national reference)."""
    compact = reference.replace(" ", "").upper()
    if compact.startswith("RF") and len(compact) > 4:
        compact = compact[4:].lstrip("0")
    return compact if compact.isdigit() and is_valid_reference(compact) else ""


def _invoices_for(references: Iterable[str]) -> dict[str, Invoice]:
    """The issued invoices the payments' references name (Finnish or RF), by their Finnish
    reference (one invoice a reference: ``invoice_reference_unique``), locked in id order: one
    query for a whole notification."""
    nationals = {national_reference(reference) for reference in references} - {""}
    if not nationals:
        return {}
    return {
        invoice.reference: invoice
        for invoice in Invoice.objects.select_for_update()
        .filter(reference__in=nationals, kind=Invoice.Kind.INVOICE)
        .exclude(status=Invoice.Status.DRAFT)
        .order_by("pk")
    }


def _payment_note(payment: IncomingPayment, left: Decimal) -> str:
    note = _("%(amount)s received on %(date)s.") % {
        "amount": euros(payment.amount),
        "date": payment.booking_date.strftime("%d.%m.%Y"),
    }
    if left < 0:
        note += " " + _("Paid %(excess)s too much.") % {"excess": euros(-left)}
    elif left > 0:
        note += " " + _("%(left)s still to pay.") % {"left": euros(left)}
    return note


def apply_payments(pairs: list[tuple[IncomingPayment, Invoice]], *, by: User | None) -> None:
    """Allocate each payment to its invoice, in order: each invoice's history and status
    follow, payment by payment (paid, partly paid; an excess stays listed on the invoice), as
    if each were allocated alone. In a few queries for a whole notification: a national bank's
    month is some 2,300 payments, which one by one took 50 s (issue 19, sixth pass)."""
    if not pairs:
        return
    invoices = {invoice.pk: invoice for _payment, invoice in pairs}
    paid = money.paid_totals(invoices)
    credited = money.credited_totals(invoices)
    now, who, changed, entries = timezone.now(), actor(by), {}, []
    for payment, invoice in pairs:
        payment.invoice, payment.allocated_by, payment.allocated_at = invoice, who, now
        paid[invoice.pk] += payment.amount
        left = money.balance_of(invoice, credited=credited[invoice.pk], paid=paid[invoice.pk])
        entries.append(
            InvoiceChange.entry(
                invoice=invoice, by=by, kind=Kind.PAYMENT, note=_payment_note(payment, left)
            )
        )
        to = money.status_of(invoice, credited=credited[invoice.pk], paid=paid[invoice.pk])
        if to != invoice.status:
            entries.append(
                InvoiceChange.entry(
                    invoice=invoice,
                    by=by,
                    kind=Kind.STATUS,
                    from_status=invoice.status,
                    to_status=to,
                )
            )
            invoice.status = to
            changed[invoice.pk] = invoice
    update_each(
        IncomingPayment,
        [payment for payment, _invoice in pairs],
        ["invoice", "allocated_by", "allocated_at", "note"],
    )
    # Only the status, a bookkeeping field of an issued invoice (``Invoice.BOOKKEEPING_FIELDS``).
    update_each(Invoice, list(changed.values()), ["status"])
    InvoiceChange.objects.bulk_create(entries)


def apply_payment(payment: IncomingPayment, invoice: Invoice, *, by: User | None) -> None:
    """Allocate ``payment`` to ``invoice`` (``apply_payments`` of one)."""
    apply_payments([(payment, invoice)], by=by)


@transaction.atomic(durable=True)
def payments_import(*, data: bytes, name: str, by: User | None) -> ImportResult:
    """Import a camt.054 notification (see ``import_file``)."""
    return import_file(data=data, name=name, by=by)


def import_file(*, data: bytes, name: str, by: User | None) -> ImportResult:
    """Import a camt.054 notification (versions .02 and .08).

    Every credit in it is kept once: the bank's entry reference is unique, so the same file, or
    one that overlaps an earlier one, adds only what is new. A payment whose reference (Finnish
    or RF) is an invoice's is allocated to it; the rest wait for a coordinator. A malformed or
    foreign file is refused with the reason and changes nothing.
    """
    if len(data) > MAX_FILE_BYTES:
        raise InvoicingError(_("The file is larger than 10 MB: this is not a bank notification."))
    try:
        notification = camt054.parse(data)
    except camt054.BankFileError as exc:
        raise InvoicingError(str(exc)) from exc
    entries = notification.entries
    known = set(
        IncomingPayment.objects.filter(
            entry_reference__in=[entry.entry_reference for entry in entries]
        ).values_list("entry_reference", flat=True)
    )
    fresh = [entry for entry in entries if entry.entry_reference not in known]
    skipped = [
        {"reference": getattr(s, "entry_reference", ""), "reason": str(getattr(s, "reason", s))}
        for s in notification.skipped
    ]
    bank_file = PaymentFile.objects.create(
        name=name[:200],
        sha256=hashlib.sha256(data).hexdigest(),
        version=notification.version,
        message_id=notification.message_id[:100],
        account_iban=notification.account_iban[:34],
        entries=len(entries),
        new_entries=len(fresh),
        skipped=skipped,
        imported_by=actor(by),
    )
    result = ImportResult(file=bank_file, already=len(entries) - len(fresh), skipped=skipped)
    result.new = _record_payments(fresh, bank_file)
    result.already += len(fresh) - len(result.new)
    invoices = _invoices_for(payment.reference for payment in result.new)
    pairs = []
    for payment in result.new:
        invoice = invoices.get(national_reference(payment.reference))
        if invoice is None:
            result.unallocated.append(payment)
        else:
            pairs.append((payment, invoice))
            result.matched.append(payment)
    apply_payments(pairs, by=by)
    if len(result.new) != bank_file.new_entries:
        bank_file.new_entries = len(result.new)
        bank_file.save(update_fields=["new_entries"])
    return result


def _payment(entry, bank_file: PaymentFile) -> IncomingPayment:
    return IncomingPayment(
        entry_reference=entry.entry_reference,
        file=bank_file,
        amount=entry.amount,
        currency=entry.currency,
        booking_date=entry.booking_date,
        value_date=entry.value_date,
        reference=entry.reference[:35],
        payer_name=entry.payer_name[:140],
        payer_iban=(entry.payer_iban or "")[:34],
        message=(entry.message or "")[:500],
    )


def _record_payments(entries, bank_file: PaymentFile) -> list[IncomingPayment]:
    """Record the payments not recorded yet, in the file's order: all in one insert, or, when
    one is in the file twice or an import of the same file at the same moment recorded some
    (the unique entry reference refuses them), one by one, each kept once."""
    try:
        with transaction.atomic():
            return IncomingPayment.objects.bulk_create(
                [_payment(entry, bank_file) for entry in entries], batch_size=1000
            )
    except IntegrityError:
        recorded = (_record(entry, bank_file) for entry in entries)
        return [payment for payment in recorded if payment is not None]


def _record(entry, bank_file: PaymentFile) -> IncomingPayment | None:
    """Record one payment, or None when its entry reference is already recorded: the unique
    constraint decides, also between two imports of one file at the same moment."""
    try:
        with transaction.atomic():
            payment = _payment(entry, bank_file)
            payment.save(force_insert=True)
            return payment
    except IntegrityError:
        return None


def payment_can_allocate(payment: IncomingPayment) -> bool:
    return payment.invoice_id is None


@transaction.atomic(durable=True)
def payment_allocate(
    *, payment: IncomingPayment, invoice: Invoice, by: User, note: str = ""
) -> IncomingPayment:
    """A coordinator allocates a payment without a usable reference to an invoice."""
    payment = IncomingPayment.objects.select_for_update().get(pk=payment.pk)
    if not payment_can_allocate(payment):
        raise InvoicingError(
            _("This payment is already allocated to invoice %(number)s.")
            % {"number": payment.invoice.number}
        )
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.kind != Invoice.Kind.INVOICE or invoice.status == Invoice.Status.DRAFT:
        raise InvoicingError(_("A payment can be allocated only to an issued invoice."))
    payment.note = note.strip()
    apply_payment(payment, invoice, by=by)
    return payment
