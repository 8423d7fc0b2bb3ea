"""The coordinator's work-queue panels for fee payments: Incomes Register reports to send by
their deadline, payment batches to confirm paid, and statements held back (a constant number of
queries)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from expertbank.formatting import euros
from expertbank.queue import QueuePanel, QueueRow, first_rows
from invoicing.models import FeeStatement, IncomesRegisterReport, PaymentBatch
from invoicing.services.fees import batch_can_confirm

ROWS = 5


def _reports_due() -> QueuePanel:
    due = IncomesRegisterReport.objects.filter(status=IncomesRegisterReport.Status.DUE)
    today = timezone.localdate()
    return QueuePanel(
        title=gettext_lazy("Incomes Register reports due"),
        count=due,
        rows=[
            QueueRow(
                f"{report.statement.expert.name} · {report.payment_date:%d.%m.%Y}",
                reverse("invoicing_coordinator:fee_reports"),
                (_("late: was due %(date)s") if report.deadline < today else _("due %(date)s"))
                % {"date": report.deadline.strftime("%d.%m.%Y")},
            )
            for report in first_rows(
                due.order_by("deadline", "pk"),
                "payment_date",
                "deadline",
                "statement__expert__user__full_name",
                "statement__expert__user__email",
                rows=ROWS,
            )
        ],
        more_url=reverse("invoicing_coordinator:fee_reports"),
        empty_text=gettext_lazy("Every Incomes Register report is sent."),
    )


def _batches_to_confirm() -> QueuePanel:
    # Unconfirmed batches are few (one or two a month): the rule is asked of each.
    batches = [
        batch
        for batch in PaymentBatch.objects.filter(status=PaymentBatch.Status.CREATED)
        .defer(*PaymentBatch.file_fields())
        .order_by("payment_date", "pk")
        if batch_can_confirm(batch)
    ]
    return QueuePanel(
        title=gettext_lazy("Fee batches to confirm paid"),
        count=len(batches),
        rows=[
            QueueRow(
                f"{batch.payment_date:%d.%m.%Y} · {euros(batch.total)}",
                reverse("invoicing_coordinator:fee_batch", args=[batch.pk]),
                _("check the bank and confirm"),
            )
            for batch in batches[:ROWS]
        ],
        more_url=reverse("invoicing_coordinator:fee_batches"),
        empty_text=gettext_lazy("No fee batch waits for confirmation."),
    )


def _held() -> QueuePanel:
    held = FeeStatement.objects.filter(status=FeeStatement.Status.HELD)
    return QueuePanel(
        title=gettext_lazy("Fee statements held back"),
        count=held,
        rows=[
            QueueRow(
                f"{statement.expert.name} · {statement.period_start:%m/%Y}",
                reverse("invoicing_coordinator:fee_statement", args=[statement.pk]),
                euros(statement.payout),
            )
            for statement in first_rows(
                held.order_by("period_start", "pk"),
                "period_start",
                "payout",
                "expert__user__full_name",
                "expert__user__email",
                rows=ROWS,
            )
        ],
        more_url=reverse("invoicing_coordinator:fee_statements") + "?status=held",
        empty_text=gettext_lazy("No statement is held back."),
    )


def fee_queue_panels(request) -> list[QueuePanel]:
    return [_reports_due(), _batches_to_confirm(), _held()]
