"""Invoicing: invoices and credit notes to booking units (``invoices``), incoming payments from
the bank's files (``payments``), and the rates kept as dated data (``rates``)."""

from invoicing.models.invoices import (
    Invoice,
    InvoiceChange,
    InvoiceImmutable,
    InvoiceLine,
    NumberSeries,
)
from invoicing.models.payments import IncomingPayment, PaymentFile
from invoicing.models.rates import MileageRate, PenaltyInterestRate

__all__ = [
    "IncomingPayment",
    "Invoice",
    "InvoiceChange",
    "InvoiceImmutable",
    "InvoiceLine",
    "MileageRate",
    "NumberSeries",
    "PaymentFile",
    "PenaltyInterestRate",
]
