"""The coordinator's work-queue panels for money coming in: overdue invoices and payments to
allocate (a query of rows each; the counts are one query for every panel)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from expertbank.formatting import euros
from expertbank.queue import QueuePanel, QueueRow, first_rows
from invoicing import selectors

ROWS = 5


def invoicing_queue_panels(request) -> list[QueuePanel]:
    overdue = selectors.overdue()
    payments = selectors.unallocated_payments()
    return [
        QueuePanel(
            title=gettext_lazy("Overdue invoices"),
            count=overdue,
            rows=[
                QueueRow(
                    f"{invoice.number} · {invoice.buyer_name}",
                    reverse("invoicing_coordinator:detail", args=[invoice.pk]),
                    _("due %(date)s, %(amount)s open")
                    % {
                        "date": invoice.due_date.strftime("%d.%m.%Y"),
                        "amount": euros(invoice.balance),
                    },
                )
                for invoice in first_rows(overdue, "number", "buyer_name", "due_date", rows=ROWS)
            ],
            more_url=reverse("invoicing_coordinator:list") + "?overdue=true",
            empty_text=gettext_lazy("No invoice is overdue."),
        ),
        QueuePanel(
            title=gettext_lazy("Payments to allocate"),
            count=payments,
            rows=[
                QueueRow(
                    f"{euros(payment.amount)} · {payment.payer_name or '–'}",
                    reverse("invoicing_coordinator:allocate", args=[payment.pk]),
                    payment.reference or _("no reference"),
                )
                for payment in payments[:ROWS]
            ],
            more_url=reverse("invoicing_coordinator:payments"),
            empty_text=gettext_lazy("Every payment is allocated."),
        ),
    ]
