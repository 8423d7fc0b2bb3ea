"""The money notices, found by a periodic sweep (``expertbank.reminders``) and sent once each.

- ``fee_statement_ready``: the expert, when their month's fee statement is made (not while held).
- ``fee_paid``: the expert, when the batch with their statement is confirmed paid.
- ``invoice_issued``: the booking unit (its invoicing contact, else a member), when an invoice
  is issued, in the invoice's language.

The overdue notice is ``invoice_reminder`` (``services.reminders``: rounds 7 and 14 days after
the due date). The notices are read from the statements and invoices rather than sent inside the
monthly runs, so a run of hundreds of statements stays quick and its mail goes out in batches.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from expertbank.reminders import SweepResult, key_expression, sweep
from expertbank.services.notifications import message_send
from invoicing.models import FeeStatement, Invoice
from invoicing.services.reminders import reminder_recipient

# Older events than this are not told (the notices began after them).
LOOKBACK = timedelta(days=14)
READY = (FeeStatement.Status.APPROVED, FeeStatement.Status.IN_PAYMENT, FeeStatement.Status.PAID)


def _url(name: str, *args) -> str:
    return settings.SITE_URL + reverse(name, args=args)


def fee_statements_ready_send(*, now: datetime | None = None) -> SweepResult:
    now = now or timezone.now()
    due = FeeStatement.objects.filter(
        status__in=READY, created_at__gte=now - LOOKBACK, expert__user__is_active=True
    )
    return _statement_notices(due, kind="fee_statement_ready", event="ready")


def fees_paid_send(*, now: datetime | None = None) -> SweepResult:
    today = timezone.localdate(now or timezone.now())
    due = FeeStatement.objects.filter(
        status=FeeStatement.Status.PAID,
        paid_on__gte=today - LOOKBACK,
        expert__user__is_active=True,
    )
    return _statement_notices(due, kind="fee_paid", event="paid")


def _statement_notices(due, *, kind: str, event: str) -> SweepResult:
    """One message of ``kind`` per fee statement and ``event``, linking to the statement."""

    def send(statement: FeeStatement, key: str) -> None:
        message_send(
            kind=kind,
            key=key,
            to_user=statement.expert.user,
            context={
                "statement": statement,
                "url": _url("invoicing_expert:statement", statement.pk),
            },
        )

    return sweep(
        due.select_related("expert__user"),
        kind=kind,
        key=key_expression("feestatement:", F("pk"), f":{event}"),
        send=send,
        late=lambda statement: False,
    )


def invoices_issued_send(*, now: datetime | None = None) -> SweepResult:
    now = now or timezone.now()
    due = Invoice.objects.filter(
        kind=Invoice.Kind.INVOICE,
        status__in=Invoice.OPEN,
        issued_at__gte=now - LOOKBACK,
    ).select_related("unit")

    def send(invoice: Invoice, key: str) -> None:
        to, user = reminder_recipient(invoice)
        if not to:
            return
        message_send(
            kind="invoice_issued",
            key=key,
            to=to,
            to_user=user,
            language=invoice.language,
            context={"invoice": invoice, "url": _url("invoicing_unit:detail", invoice.pk)},
        )

    return sweep(
        due,
        kind="invoice_issued",
        key=key_expression("invoice:", F("pk"), ":issued"),
        send=send,
        late=lambda invoice: False,
    )


def money_notices_send(*, now: datetime | None = None) -> dict[str, int]:
    """Every money notice that is due (the sweep)."""
    return (
        fee_statements_ready_send(now=now) + fees_paid_send(now=now) + invoices_issued_send(now=now)
    ).as_dict()
