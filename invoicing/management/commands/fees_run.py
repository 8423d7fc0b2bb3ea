"""python manage.py fees_run --month 2026-11 [--dry-run]"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from expertbank.formatting import euros
from invoicing.management.commands._month import parse_month
from invoicing.services import fees


class Command(BaseCommand):
    help = (
        "Make each expert's fee statement of a month: every approved, unpaid gig up to its end "
        "with kilometres and expenses, late-cancellation fees and withholding. --dry-run shows "
        "what would be on them and changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="the month, e.g. 2026-11")
        parser.add_argument("--dry-run", action="store_true", help="show, change nothing")

    def handle(self, *args, month: str, dry_run: bool, **options):
        period = parse_month(month)
        try:
            result = fees.fees_run(period=period, by=None, dry_run=dry_run)
        except fees.InvoicingError as exc:
            raise CommandError(str(exc)) from exc
        for expert_id, lines in result.plan.lines.items():
            total = sum((line.amount for line in lines), 0)
            self.stdout.write(
                f"{result.plan.experts[expert_id]}: {len(lines)} lines, {euros(total)}"
            )
        for gig in result.plan.deferred:
            self.stdout.write(f"moved to a later month by the expert: {gig}")
        if dry_run:
            self.stdout.write(f"Dry run: {len(result.plan.lines)} statements would be made.")
        else:
            self.stdout.write(f"{len(result.statements)} statements made or added to.")
            for expert in result.skipped:
                self.stdout.write(f"already in payment this month, next run: {expert}")
