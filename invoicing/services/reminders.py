"""Overdue invoices: a reminder in the unit's language, once per invoice and reminder round."""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from bookings.models import Membership
from expertbank.models import User
from expertbank.services.notifications import message_send
from invoicing import money
from invoicing.models import Invoice
from invoicing.selectors import overdue_q
from invoicing.services.common import Kind, record

# A reminder goes out this many days after the due date, and the next round as many days after
# the one before; after the last round the coordinator follows up by phone or collection.
REMINDER_AFTER_DAYS = 7
REMINDER_ROUNDS = 2


def reminder_recipient(invoice: Invoice) -> tuple[str, User | None]:
    """The unit's contact e-mail, else its approver or booker who logs in."""
    unit = invoice.unit
    if unit.contact_email:
        return unit.contact_email, None
    member = (
        Membership.objects.filter(unit=unit, user__is_active=True)
        .select_related("user")
        .order_by("-role", "pk")
        .first()
    )
    return (member.user.email, member.user) if member else ("", None)


def reminder_due(invoice: Invoice, *, today: date) -> bool:
    if invoice.reminders_sent >= REMINDER_ROUNDS or invoice.due_date is None:
        return False
    last = invoice.last_reminded_on or invoice.due_date
    return today >= last + timedelta(days=REMINDER_AFTER_DAYS)


def invoice_reminders_send(*, today: date | None = None) -> int:
    """Remind the unit of each overdue invoice whose round is due (the periodic sweep).

    The message key ``invoice-reminder:<id>:<round>`` makes a round go out once, however often
    the sweep runs; the round is counted on the invoice and written in its history.
    """
    today = today or timezone.localdate()
    sent = 0
    for pk in reminders_due(today):
        with transaction.atomic(durable=True):
            sent += remind(pk, today=today)
    return sent


def reminders_due(today: date) -> list[int]:
    """The overdue invoices a round may be due for (``remind`` decides, with the row locked)."""
    return list(
        Invoice.objects.filter(
            overdue_q(today - timedelta(days=REMINDER_AFTER_DAYS - 1)),
            kind=Invoice.Kind.INVOICE,
            reminders_sent__lt=REMINDER_ROUNDS,
        ).values_list("pk", flat=True)[:500]
    )


def remind(pk: int, *, today: date) -> int:
    """Send the invoice's next reminder round if it is due, inside the caller's transaction."""
    invoice = Invoice.objects.select_for_update(of=("self",)).select_related("unit").get(pk=pk)
    if invoice.status not in Invoice.OPEN or not reminder_due(invoice, today=today):
        return 0
    to, user = reminder_recipient(invoice)
    if not to:
        return 0
    round_ = invoice.reminders_sent + 1
    message_send(
        kind="invoice_reminder",
        key=f"invoice-reminder:{invoice.pk}:{round_}",
        to=to,
        to_user=user,
        language=invoice.language,
        context={
            "invoice": invoice,
            "round": round_,
            "balance": money.balance(invoice),
            "url": settings.SITE_URL + reverse("invoicing_unit:detail", args=[invoice.pk]),
        },
    )
    invoice.reminders_sent, invoice.last_reminded_on = round_, today
    invoice.save(update_fields=["reminders_sent", "last_reminded_on"])
    record(invoice, by=None, kind=Kind.REMINDER, note=f"{round_}/{REMINDER_ROUNDS} → {to}")
    return 1
