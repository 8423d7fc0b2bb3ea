"""The invoicing part of an expert's data export (registered in ``InvoicingConfig.ready``):
fee statements, their lines, history and Incomes Register reports, the batches that paid them,
and the lines of the units' invoices that name the expert."""

from __future__ import annotations

from experts.export import Part, not_exported, register
from invoicing.models import (
    FeeChange,
    FeeLine,
    FeeStatement,
    IncomesRegisterReport,
    IncomingPayment,
    Invoice,
    InvoiceChange,
    InvoiceLine,
    NoCardRate,
    NumberSeries,
    PaymentBatch,
    PaymentFile,
    PenaltyInterestRate,
)

EVERYONE_IN_BATCH = (
    "about everyone paid in the batch; the expert's own transfer is their statement's payout"
)

register(
    Part(
        "fee_statements",
        FeeStatement,
        lambda expert: expert.fee_statements.all(),
        names=("batch", "tax_card"),
    ),
    Part("fee_lines", FeeLine, lambda expert: FeeLine.objects.filter(statement__expert=expert)),
    Part(
        "fee_history", FeeChange, lambda expert: FeeChange.objects.filter(statement__expert=expert)
    ),
    Part(
        "incomes_register_reports",
        IncomesRegisterReport,
        lambda expert: IncomesRegisterReport.objects.filter(statement__expert=expert),
    ),
    Part(
        "payment_batches",
        PaymentBatch,
        lambda expert: PaymentBatch.objects.filter(pk__in=expert.fee_statements.values("batch_id")),
        exclude={"sepa_xml": EVERYONE_IN_BATCH, "total": EVERYONE_IN_BATCH},
    ),
    Part(
        "invoice_lines",
        InvoiceLine,
        lambda expert: InvoiceLine.objects.filter(gig__expert=expert),
        names=("invoice",),
    ),
)
for _model in (Invoice, InvoiceChange):
    not_exported(_model, "the unit's invoice; its lines that name the expert are exported")
for _model in (PaymentFile, IncomingPayment):
    not_exported(_model, "the units' payments to the bank: about no expert")
for _model in (NoCardRate, PenaltyInterestRate, NumberSeries):
    not_exported(_model, "rates and numbering of the bank: about no person")
