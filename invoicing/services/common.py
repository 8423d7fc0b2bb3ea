"""What the invoicing services share: the domain error, the number series and the history."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from expertbank.models import User
from invoicing import money
from invoicing.models import Invoice, InvoiceChange, NumberSeries

Kind = InvoiceChange.Kind


class InvoicingError(Exception):
    """An invoicing action cannot be done; the message says why and what to do next."""


def next_number(year: int) -> tuple[int, str, str]:
    """The next (sequence, number, reference) of ``year``'s series, under the series' row lock:
    called inside the issuing transaction, so numbers have no gaps and never repeat."""
    series = lock_series(year)
    series.last += 1
    series.save(update_fields=["last"])
    return (
        series.last,
        money.invoice_number(year, series.last),
        money.invoice_reference(year, series.last),
    )


def lock_series(year: int) -> NumberSeries:
    """The year's series row, locked. A run takes it first, so runs that issue at the same time
    wait for each other instead of both billing the same gigs (the database's constraint would
    refuse the second anyway)."""
    if not NumberSeries.objects.filter(year=year).exists():
        try:
            with transaction.atomic():
                NumberSeries.objects.create(year=year)
        except IntegrityError:
            pass  # another run made it at the same moment
    return NumberSeries.objects.select_for_update().get(year=year)


def record(
    invoice: Invoice,
    *,
    by: User | None,
    kind: str = Kind.STATUS,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    changes: dict | None = None,
) -> InvoiceChange:
    """One history row of ``invoice`` (the ``expertbank.models.History`` convention)."""
    return InvoiceChange.write(
        invoice=invoice,
        by=by,
        kind=kind,
        from_status=from_status,
        to_status=to_status,
        note=note,
        changes=changes,
    )


def set_status(invoice: Invoice, to: str, *, by: User | None, note: str = "") -> None:
    """Move an issued invoice to ``to`` (paid, partly paid, credited…) and record it."""
    if invoice.status == to:
        return
    before = invoice.status
    invoice.status = to
    invoice.save(update_fields=["status"])
    record(invoice, by=by, from_status=before, to_status=to, note=note)
