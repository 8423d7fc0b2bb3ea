"""Every invoicing action is one service here, with its predicate beside it.

- ``invoices_issue``: the monthly run (a coordinator's button, the beat task on the 1st, the
  ``invoices_issue`` command), with a dry run.
- ``invoice_credit``: a credit note for a whole invoice or some lines.
- ``payments_import``: the bank's camt.054 file; ``payment_allocate``: a payment by hand.
- ``invoice_reminders_send``: reminders of overdue invoices (the sweep).
- ``mileage_allowance``: the kilometre allowance of a trip (``invoicing.money``).

Top-level services run in ``transaction.atomic(durable=True)``, lock what they change, write the
invoice's history (``InvoiceChange``) and raise ``InvoicingError`` with a message for the person.
"""

from invoicing.money import mileage_allowance
from invoicing.services.common import InvoicingError
from invoicing.services.credits import invoice_can_credit, invoice_credit
from invoicing.services.issuing import RunResult, invoices_issue
from invoicing.services.payments import (
    ImportResult,
    payment_allocate,
    payment_can_allocate,
    payments_import,
)
from invoicing.services.reminders import invoice_reminders_send

__all__ = [
    "ImportResult",
    "InvoicingError",
    "RunResult",
    "invoice_can_credit",
    "invoice_credit",
    "invoice_reminders_send",
    "invoices_issue",
    "mileage_allowance",
    "payment_allocate",
    "payment_can_allocate",
    "payments_import",
]
