"""python manage.py invoices_issue --month 2026-11 [--dry-run]"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from expertbank.formatting import euros
from invoicing import services
from invoicing.management.commands._month import parse_month


class Command(BaseCommand):
    help = (
        "Invoice a month: every approved gig, its travel and expenses, and every late "
        "cancellation amount not yet billed up to the month's end, one invoice per unit and "
        "reference / cost centre. --dry-run shows what would be invoiced and changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="the month, e.g. 2026-11")
        parser.add_argument("--dry-run", action="store_true", help="show, change nothing")

    def handle(self, *args, month: str, dry_run: bool, **options):
        period = parse_month(month)
        try:
            result = services.invoices_issue(period=period, by=None, dry_run=dry_run)
        except services.InvoicingError as exc:
            raise CommandError(str(exc)) from exc
        plan = result.plan
        for draft in plan.drafts:
            ref = " / ".join(part for part in (draft.client_reference, draft.cost_centre) if part)
            self.stdout.write(
                f"{draft.unit}{f' ({ref})' if ref else ''}: {len(draft.charges)} lines, "
                f"{euros(draft.net)} + VAT = {euros(draft.gross)}"
            )
        for gig in plan.funded:
            self.stdout.write(f"charged to {gig.booking.funding_source}: {gig}")
        for gig in plan.without_terms:
            self.stdout.write(f"no terms on the booking, not billed: {gig}")
        if dry_run:
            self.stdout.write(f"Dry run: {len(plan.drafts)} invoices would be issued.")
        else:
            numbers = ", ".join(invoice.number for invoice in result.invoices) or "none"
            self.stdout.write(f"Issued {len(result.invoices)} invoices: {numbers}.")
