"""python manage.py payments_import FILE"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from invoicing import services


class Command(BaseCommand):
    help = (
        "Import the bank's camt.054 notification of incoming payments (versions .02 and .08): "
        "each payment is recorded once and matched to its invoice by the reference; the rest "
        "wait for a coordinator."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the camt.054 XML file")

    def handle(self, *args, file: str, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            result = services.payments_import(data=path.read_bytes(), name=path.name, by=None)
        except services.InvoicingError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{len(result.new)} new payments: {len(result.matched)} matched to invoices, "
            f"{len(result.unallocated)} to allocate by hand; {result.already} already "
            f"recorded; {len(result.skipped)} entries left aside."
        )
