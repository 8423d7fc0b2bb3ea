"""The documents an invoice is sent as: its PDF (``pdf.invoice_pdf``) and, for a unit with an
e-invoice address, its Finvoice 3.0 message (``finvoice.finvoice_xml``).

Both are drawn from what the issued invoice carries (seller and buyer copied on, lines, totals,
reference), never from the unit or the bank as they are today, so a document made again later is
the same document. The texts both print, in the invoice's own language, have one home here.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext, ngettext

from expertbank.finnish import virtual_barcode
from expertbank.formatting import plain_number
from invoicing.models import Invoice

# The virtual barcode carries at most six digits of euros.
BARCODE_MAX_AMOUNT = Decimal("999999.99")


def invoice_virtual_barcode(invoice: Invoice) -> str:
    """The 54-digit virtual barcode of an issued invoice, or "" where the invoice has none:
    a credit note (nothing to pay), a draft (no reference yet), an amount the code cannot carry
    (nothing to pay, or a million euros or more) or an account outside Finland."""
    if (
        invoice.is_credit_note
        or not invoice.reference
        or not invoice.seller_iban.upper().startswith("FI")
        or not Decimal(0) < invoice.gross_total <= BARCODE_MAX_AMOUNT
    ):
        return ""
    return virtual_barcode(
        invoice.seller_iban, invoice.gross_total, invoice.reference, invoice.due_date
    )


def payment_terms_text(invoice: Invoice) -> str:
    """ "14 days net" in the active language."""
    days = invoice.payment_terms_days
    return ngettext("%(days)d day net", "%(days)d days net", days) % {"days": days}


def penalty_interest_text(invoice: Invoice) -> str:
    """ "Penalty interest 11.5 % after the due date" in the active language, or "" without one."""
    if invoice.penalty_interest is None or invoice.is_credit_note:
        return ""
    return gettext("Penalty interest %(rate)s %% after the due date") % {
        "rate": plain_number(invoice.penalty_interest)
    }


def credit_note_text(invoice: Invoice) -> str:
    """What a credit note says about the invoice it credits, in the active language."""
    return gettext("Credit note for invoice %(number)s. Do not pay.") % {
        "number": invoice.credit_for.number if invoice.credit_for_id else ""
    }
