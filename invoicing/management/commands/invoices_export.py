"""python manage.py invoices_export --month 2026-02 --out /srv/outgoing/2026-02"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from invoicing.documents.finvoice import finvoice_applies, finvoice_xml
from invoicing.documents.pdf import invoice_pdf
from invoicing.management.commands._month import parse_month
from invoicing.models import Invoice


class Command(BaseCommand):
    help = (
        "Write the documents issued in a month into a folder, as an operator hands them to its "
        "e-invoicing channel: <number>.pdf for every invoice and credit note whose issue date "
        "falls in the month, and <number>.xml (Finvoice 3.0) beside it where the unit has an "
        "e-invoice address. By issue date, so each document belongs to exactly one month: a "
        "month's invoices are issued early the next month, and a credit note goes out with the "
        "month it was issued in. Files already there are replaced (documents never change)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="the month of issue, e.g. 2026-02")
        parser.add_argument("--out", required=True, help="the folder to write into (created)")

    def handle(self, *args, month: str, out: str, **options):
        period = parse_month(month)
        folder = _folder(out)
        documents = (
            Invoice.objects.exclude(status=Invoice.Status.DRAFT)
            .filter(issue_date__gte=period.start, issue_date__lte=period.end)
            .select_related("credit_for")
            .order_by("year", "sequence")
        )
        pdfs = xmls = credit_notes = 0
        for invoice in documents:
            written = [f"{invoice.number}.pdf"]
            _write(folder / written[0], invoice_pdf(invoice))
            pdfs += 1
            credit_notes += invoice.is_credit_note
            if finvoice_applies(invoice):
                written.append(f"{invoice.number}.xml")
                _write(folder / written[1], finvoice_xml(invoice))
                xmls += 1
            self.stdout.write(
                f"{invoice.get_kind_display()} {invoice.number}, {invoice.buyer_name} / "
                f"{invoice.buyer_unit}: {', '.join(written)}"
            )
        self.stdout.write(
            f"Issued in {period.start:%m/%Y}: {pdfs} documents written to {folder} "
            f"(invoices: {pdfs - credit_notes}, credit notes: {credit_notes}), "
            f"{pdfs} PDF and {xmls} Finvoice XML."
        )


def _folder(out: str) -> Path:
    if not (out or "").strip():
        raise CommandError("--out must name a folder to write into.")
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise CommandError(f"--out must be a folder, not the file {folder}.")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CommandError(f"--out {folder} cannot be created: {exc.strerror}.") from exc
    if not os.access(folder, os.W_OK):
        raise CommandError(f"--out {folder} is not writable.")
    return folder


def _write(path: Path, data: bytes) -> None:
    """Write whole or not at all: a channel that picks up the folder never reads half a file."""
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(data)
    os.replace(partial, path)
