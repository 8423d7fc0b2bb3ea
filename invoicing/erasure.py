"""Invoicing's part of erasing an expert (``experts.erasure``).

Invoices, fee statements and payments stay for the books with the least that identifies them:
amounts, dates, numbers, income types and the pseudonymous expert. What they quoted of the
person goes at once — the expert's name on invoice lines, the withholding notes, the line texts,
the Incomes Register report's XML (the Register keeps the filed report; its ID stays here) and
the notes of the statements' history. Totals never change.

Refused while a fee statement of the expert is unpaid. After the erasure each statement is
deleted when its voucher period ends (6 years after the end of the financial year it was paid
in); the invoice lines lose their link to the expert's gigs when the books' period ends.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.utils import translation
from django.utils.translation import ngettext

from expertbank.retention import books_kept_until, voucher_kept_until
from expertbank.services.erasure import ERASED
from experts.erasure import Eraser, ErasureContext
from experts.models import Expert
from invoicing.models import FeeChange, FeeLine, FeeStatement, IncomesRegisterReport, InvoiceLine


def _invoicing_refusals(expert: Expert) -> list[str]:
    unpaid = FeeStatement.objects.filter(expert=expert).exclude(status=FeeStatement.Status.PAID)
    count = unpaid.count()
    if not count:
        return []
    return [
        ngettext(
            "%(count)d fee statement of the expert is not paid yet.",
            "%(count)d fee statements of the expert are not paid yet.",
            count,
        )
        % {"count": count}
    ]


def _invoicing_erase(ctx: ErasureContext) -> None:
    expert = ctx.expert
    statements = FeeStatement.objects.filter(expert=expert)
    ctx.audited(statements)
    # The one change an issued invoice line ever gets: the expert's name (never an amount).
    InvoiceLine.objects.filter(gig__expert=expert).update(expert_name=ctx.name)
    statements.update(withholding_note="")
    with translation.override(settings.LANGUAGE_CODE):
        for kind, label in FeeLine.Kind.choices:
            FeeLine.objects.filter(statement__expert=expert, kind=kind).update(
                description=str(label), note=""
            )
    IncomesRegisterReport.objects.filter(statement__expert=expert).update(xml="")
    history = FeeChange.objects.filter(statement__expert=expert)
    for entry in history:
        entry.note = ""
        entry.changes = {name: [ERASED, ERASED] for name in entry.changes or {}}
    FeeChange.objects.bulk_update(history, ["note", "changes"])


def _statement_day(statement: FeeStatement) -> date:
    return statement.paid_on or statement.payment_date or statement.period_end


def _invoicing_kept_until(expert: Expert) -> date | None:
    days = [
        voucher_kept_until(_statement_day(statement))
        for statement in FeeStatement.objects.filter(expert=expert)
    ]
    issued = InvoiceLine.objects.filter(gig__expert=expert, invoice__issue_date__isnull=False)
    days += [
        books_kept_until(day)
        for day in issued.values_list("invoice__issue_date", flat=True).distinct()
    ]
    return max(days, default=None)


def _statements_delete(statements: list[FeeStatement]) -> None:
    ids = [statement.pk for statement in statements]
    IncomesRegisterReport.objects.filter(statement_id__in=ids).delete()
    FeeStatement.objects.filter(pk__in=ids).delete()  # lines and history with them


def _invoicing_purge(*, expert: Expert, today: date, dry_run: bool) -> int:
    """The erased expert's fee statements whose voucher period has ended."""
    due = [
        statement
        for statement in FeeStatement.objects.filter(expert=expert)
        if voucher_kept_until(_statement_day(statement)) < today
    ]
    if due and not dry_run:
        _statements_delete(due)
    return len(due)


def _invoicing_release(*, expert: Expert, dry_run: bool) -> int:
    lines = InvoiceLine.objects.filter(gig__expert=expert)
    count = lines.count()
    if not dry_run:
        lines.update(gig=None)  # the lines stay on their invoices, with the pseudonym
        _statements_delete(list(FeeStatement.objects.filter(expert=expert)))
    return count


INVOICING_ERASER = Eraser(
    name="invoicing",
    order=10,
    erase=_invoicing_erase,
    refusals=_invoicing_refusals,
    kept_until=_invoicing_kept_until,
    purge=_invoicing_purge,
    release=_invoicing_release,
)
