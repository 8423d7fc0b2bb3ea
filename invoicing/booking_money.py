"""What the invoicing records say about the money of bookings (``bookings.settlement`` asks this
through ``InvoicingConfig.booking_money_notes``): invoiced when and on which invoice, paid when,
credited, or not yet invoiced. Two queries for any number of bookings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.db.models import Max
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from bookings.models import Booking
from invoicing.models import IncomingPayment, Invoice, InvoiceLine

Status = Invoice.Status


@dataclass(frozen=True)
class _Document:
    pk: int
    number: str
    kind: str
    status: str
    issue_date: date | None
    credit_for: int | None


def _day(day: date | None) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT") if day else "–"


def _say(invoice: _Document, *, paid_on: date | None, credited_on: date | None) -> str:
    values = {"number": invoice.number, "date": _day(invoice.issue_date)}
    if invoice.status == Status.PAID:
        if paid_on is None:
            return _("paid (invoice %(number)s)") % values
        return _("paid on %(date)s (invoice %(number)s)") % {**values, "date": _day(paid_on)}
    if invoice.status == Status.CREDITED:
        return _("credited on %(date)s (invoice %(number)s)") % {
            **values,
            "date": _day(credited_on),
        }
    if invoice.status == Status.PARTLY_PAID:
        return _("invoiced on %(date)s, invoice %(number)s, partly paid") % values
    return _("invoiced on %(date)s, invoice %(number)s") % values


def booking_money_notes(bookings: Sequence[Booking]) -> dict[int, str]:
    """The invoices of each booking in words; a booking charged to a funding source is not
    invoiced, so it is left to the bookings app to say where it was charged."""
    ids = [b.pk for b in bookings]
    rows = (
        InvoiceLine.objects.filter(booking_id__in=ids)
        .exclude(invoice__status=Status.DRAFT)
        .values_list(
            "booking_id",
            "invoice_id",
            "invoice__number",
            "invoice__kind",
            "invoice__status",
            "invoice__issue_date",
            "invoice__credit_for_id",
        )
        .distinct()
    )
    documents: dict[int, dict[int, _Document]] = {}
    for booking_id, *fields in rows:
        document = _Document(*fields)
        documents.setdefault(booking_id, {})[document.pk] = document
    paid = {d.pk for docs in documents.values() for d in docs.values() if d.status == Status.PAID}
    paid_on = dict(
        IncomingPayment.objects.filter(invoice_id__in=paid)
        .values("invoice_id")
        .annotate(last=Max("booking_date"))
        .values_list("invoice_id", "last")
        .order_by()
    )
    notes: dict[int, str] = {}
    for booking in bookings:
        docs = sorted(
            documents.get(booking.pk, {}).values(), key=lambda d: (d.issue_date or date.max, d.pk)
        )
        credited_on = {
            d.credit_for: d.issue_date for d in docs if d.kind == Invoice.Kind.CREDIT_NOTE
        }
        said = [
            _say(d, paid_on=paid_on.get(d.pk), credited_on=credited_on.get(d.pk))
            for d in docs
            if d.kind == Invoice.Kind.INVOICE
        ]
        if said:
            notes[booking.pk] = capfirst("; ".join(said))
        elif booking.funding_source_id is None:
            notes[booking.pk] = _("Not yet invoiced")
    return notes
