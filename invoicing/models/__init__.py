"""Invoicing: invoices and credit notes to booking units (``invoices``), incoming payments from
the bank's files (``payments``), fee payments to experts (``fees``), and the rates kept as dated
data (``rates``)."""

from invoicing.models.fees import (
    WITHHOLDING_CODE,
    FeeChange,
    FeeLine,
    FeeStatement,
    IncomesRegisterReport,
    IncomeType,
    NoCardRate,
    PaymentBatch,
)
from invoicing.models.invoices import (
    Invoice,
    InvoiceChange,
    InvoiceImmutable,
    InvoiceLine,
    NumberSeries,
)
from invoicing.models.payments import IncomingPayment, PaymentFile
from invoicing.models.rates import PenaltyInterestRate

__all__ = [
    "WITHHOLDING_CODE",
    "FeeChange",
    "FeeLine",
    "FeeStatement",
    "IncomeType",
    "IncomesRegisterReport",
    "IncomingPayment",
    "Invoice",
    "InvoiceChange",
    "InvoiceImmutable",
    "InvoiceLine",
    "NoCardRate",
    "NumberSeries",
    "PaymentBatch",
    "PaymentFile",
    "PenaltyInterestRate",
]
