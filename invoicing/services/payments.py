"""Getting paid: the bank's camt.054 notification imported, each payment matched to its invoice
by the reference, or kept for a coordinator to allocate; nothing is ever dropped."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from expertbank.finnish import is_valid_reference
from expertbank.formatting import euros
from expertbank.models import User, actor
from invoicing import money
from invoicing.bankfiles import camt054
from invoicing.models import IncomingPayment, Invoice, PaymentFile
from invoicing.services.common import InvoicingError, Kind, record, set_status

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


def _invoice_for(reference: str) -> Invoice | None:
    national = national_reference(reference)
    if not national:
        return None
    return (
        Invoice.objects.select_for_update()
        .filter(reference=national, kind=Invoice.Kind.INVOICE)
        .exclude(status=Invoice.Status.DRAFT)
        .first()
    )


def apply_payment(payment: IncomingPayment, invoice: Invoice, *, by: User | None) -> None:
    """Allocate ``payment`` to ``invoice``: its history and status follow (paid, partly paid;
    an excess stays listed on the invoice)."""
    payment.invoice = invoice
    payment.allocated_by = actor(by)
    payment.allocated_at = timezone.now()
    payment.save(update_fields=["invoice", "allocated_by", "allocated_at", "note"])
    left = money.balance(invoice)
    note = _("%(amount)s received on %(date)s.") % {
        "amount": euros(payment.amount),
        "date": payment.booking_date.strftime("%d.%m.%Y"),
    }
    if left < 0:
        note += " " + _("Paid %(excess)s too much.") % {"excess": euros(-left)}
    elif left > 0:
        note += " " + _("%(left)s still to pay.") % {"left": euros(left)}
    record(invoice, by=by, kind=Kind.PAYMENT, note=note)
    set_status(invoice, money.status_for(invoice), by=by)


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
    for entry in fresh:
        payment = _record(entry, bank_file)
        if payment is None:  # in the file twice, or recorded by an import at the same moment
            result.already += 1
            continue
        result.new.append(payment)
        invoice = _invoice_for(entry.reference)
        if invoice is None:
            result.unallocated.append(payment)
            continue
        apply_payment(payment, invoice, by=by)
        result.matched.append(payment)
    if len(result.new) != bank_file.new_entries:
        bank_file.new_entries = len(result.new)
        bank_file.save(update_fields=["new_entries"])
    return result


def _record(entry, bank_file: PaymentFile) -> IncomingPayment | None:
    """Record one payment, or None when its entry reference is already recorded: the unique
    constraint decides, also between two imports of one file at the same moment."""
    try:
        with transaction.atomic():
            return IncomingPayment.objects.create(
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
