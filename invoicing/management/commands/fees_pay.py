"""python manage.py fees_pay --month 2026-11 --payment-date 2026-12-15 --out DIR
python manage.py fees_pay --confirm BATCH"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from expertbank.formatting import euros
from invoicing.management.commands._month import parse_month
from invoicing.models import PaymentBatch
from invoicing.services import fees


class Command(BaseCommand):
    help = (
        "Pay the statements waiting for payment up to a month: one batch on the payment date, "
        "its SEPA credit transfer file (pain.001.001.09) and an Incomes Register report per "
        "expert, and all of them as one file, written into --out. --confirm BATCH records that "
        "the bank paid the batch: the statements and their gigs are paid on its payment date."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", help="the month, e.g. 2026-11")
        parser.add_argument("--payment-date", help="the day the money reaches the experts")
        parser.add_argument("--out", help="the folder for the files")
        parser.add_argument("--confirm", type=int, help="the id of a batch the bank has paid")

    def handle(self, *args, month, payment_date, out, confirm, **options):
        if confirm is not None:
            batch = PaymentBatch.objects.filter(pk=confirm).first()
            if batch is None:
                raise CommandError(f"No payment batch {confirm}.")
            try:
                fees.batch_confirm(batch=batch, by=None)
            except fees.InvoicingError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"Batch {batch} is paid: its statements and gigs are paid.")
            return
        if not (month and payment_date and out):
            raise CommandError("Give --month, --payment-date and --out, or --confirm BATCH.")
        period = parse_month(month)
        try:
            day = date.fromisoformat(payment_date)
        except ValueError as exc:
            raise CommandError(
                f"--payment-date must be a date as YYYY-MM-DD, not {payment_date!r}."
            ) from exc
        folder = Path(out)
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CommandError(f"Cannot write into {out}: {exc}") from exc
        try:
            result = fees.fees_pay(period=period, payment_date=day, by=None)
        except fees.InvoicingError as exc:
            raise CommandError(str(exc)) from exc
        for expert, why in result.missing:
            self.stdout.write(f"NOT PAID — {expert}: {why}")
        if result.batch is None:
            self.stdout.write("Nothing to pay.")
            return
        batch = result.batch
        (folder / f"{batch.message_id}-pain.001.001.09.xml").write_text(
            batch.sepa_xml, encoding="utf-8"
        )
        reports = list(batch.incomes_reports.all())
        for report in reports:
            (folder / f"{report.report_id}-tulorekisteri.xml").write_text(
                report.xml, encoding="utf-8"
            )
        if reports:  # the same reports as one file, for the upload service
            xml, _reports = fees.batch_reports_file(batch=batch)
            (folder / f"{batch.message_id}-tulorekisteri.xml").write_text(xml, encoding="utf-8")
        self.stdout.write(
            f"Batch {batch.pk} ({batch.message_id}): {len(result.statements)} statements, "
            f"{euros(batch.total)} on {day:%d.%m.%Y}. Files in {folder}. After the bank has "
            f"paid: fees_pay --confirm {batch.pk}"
        )
