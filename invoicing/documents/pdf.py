"""An invoice or credit note as a PDF in its own language (the core PDF service), with the
Finnish bank-transfer form and, on an invoice, the virtual barcode as digits and as Code 128."""

from __future__ import annotations

import base64
from typing import Any

from barcode import Code128
from barcode.writer import SVGWriter
from django.utils import translation
from schwifty import IBAN

from expertbank.finnish import format_reference, format_rf_reference
from expertbank.services.pdf import render_pdf
from invoicing import money
from invoicing.documents import (
    credit_note_text,
    invoice_virtual_barcode,
    payment_terms_text,
    penalty_interest_text,
)
from invoicing.models import Invoice

TEMPLATE = "invoicing/invoice_pdf.html"
# The bank barcode guide's measures: modules of 0.25 mm, bars 13 mm high, 6.4 mm quiet zones.
BARCODE_OPTIONS = {
    "module_width": 0.25,
    "module_height": 13.0,
    "quiet_zone": 6.4,
    "write_text": False,  # the digits are printed beside it, in the document's own font
    "background": "white",
    "foreground": "black",
}


def invoice_barcode_svg(invoice: Invoice) -> str:
    """The invoice's virtual barcode as a Code 128 SVG image, or "" where it has none."""
    digits = invoice_virtual_barcode(invoice)
    if not digits:
        return ""
    return Code128(digits, writer=SVGWriter()).render(BARCODE_OPTIONS).decode("utf-8")


def invoice_pdf(invoice: Invoice) -> bytes:
    """The PDF of an invoice or credit note, rendered in the invoice's language."""
    with translation.override(invoice.language):
        context = _context(invoice)
    return render_pdf(template_name=TEMPLATE, context=context, language=invoice.language)


def _context(invoice: Invoice) -> dict[str, Any]:
    lines = list(invoice.lines.order_by("position"))
    digits = invoice_virtual_barcode(invoice)
    svg = invoice_barcode_svg(invoice)
    reference = invoice.reference
    return {
        "invoice": invoice,
        "lines": lines,
        "vat_groups": money.vat_breakdown(lines),
        "reference": format_reference(reference) if reference else "",
        "rf_reference": (
            format_rf_reference(money.invoice_rf_reference(reference)) if reference else ""
        ),
        "iban": IBAN(invoice.seller_iban).formatted if invoice.seller_iban else "",
        "buyer_address": [
            line.strip() for line in invoice.buyer_address.splitlines() if line.strip()
        ],
        "virtual_barcode": digits,
        "barcode_src": (
            "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
            if svg
            else ""
        ),
        "payment_terms": payment_terms_text(invoice),
        "penalty_interest": penalty_interest_text(invoice),
        "credit_note_text": credit_note_text(invoice) if invoice.is_credit_note else "",
    }
