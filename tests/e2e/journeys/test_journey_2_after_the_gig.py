"""Journey 2 (issue 20): after the gig the expert reports the hours, the kilometres and a receipt
on a 390 px phone and answers the check-in; the coordinator approves. Then the money: the
coordinator runs the month's invoices and fee statements through the run pages, the unit's
member downloads the invoice PDF from the unit portal, the coordinator imports the bank's
camt.054 file paying the invoice by its reference and the invoice shows paid to both; the fee is
paid as the product pays fees (a payment batch with its SEPA pain.001 file, confirmed paid when
the bank has paid), and the expert sees the statement and the payment on the phone.

A month is invoiced once it is over (the run refuses the month in progress), so the gig is the
last day of last month: the expert reports it the day after at the latest, and the coordinator
runs last month's invoices and statements early this month, as they would.

Every page goes through ``visit``/``check_page``: no sideways scroll at 390 px (the coordinator's
desktop pages narrowed to it too), no serious or critical axe-core violation.
"""

from __future__ import annotations

import io
import re
from datetime import datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from django.utils import formats, timezone, translation
from pypdf import PdfReader

from bookings.models import Gig
from expertbank.formatting import euros
from invoicing.bankfiles import camt054
from invoicing.models import FeeLine, FeeStatement, Invoice, InvoiceLine, PaymentBatch
from tests.bookings.reports_factories import PNG, ended_gig
from tests.e2e.journeys.helpers import (
    DESKTOP,
    JOURNEY,
    also_on_a_phone,
    check_page,
    field,
    tr,
    visit,
)
from tests.experts.factories import GOOD_CODES, GOOD_IBANS

pytestmark = JOURNEY


def _(msgid: str, **values) -> str:
    return tr(msgid, "fi", **values)


def _n(singular: str, plural: str, count: int, **values) -> str:
    """A plural msgid as the Finnish pages say it for ``count``."""
    with translation.override("fi"):
        text = translation.ngettext(singular, plural, count)
    return text % {"count": count, **values}


def _label(choice) -> str:
    """A model choice's label as the Finnish pages say it."""
    with translation.override("fi"):
        return str(choice.label)


def _short(day) -> str:
    with translation.override("fi"):
        return formats.date_format(day, "SHORT_DATE_FORMAT")


def _euros(amount: Decimal) -> str:
    with translation.override("fi"):
        return euros(amount).replace("\xa0", " ")


def _last_day_of_last_month_at_noon() -> datetime:
    last_day = timezone.localdate().replace(day=1) - timedelta(days=1)
    return timezone.make_aware(datetime.combine(last_day, time(12)))


def test_the_expert_reports_on_a_phone_the_runs_bill_and_pay_it_and_everyone_sees_the_money(
    ground, open_page
):
    # Anna's payment details, as she gave them when she became an expert (a fee is paid only
    # to a valid IBAN with an identity code).
    anna = ground.anna
    anna.iban, anna.identity_code = GOOD_IBANS[0], GOOD_CODES[0]
    anna.save(update_fields=["iban", "identity_code"])
    gig = ended_gig(
        expert=anna,
        coordinator=ground.coordinator,
        by=ground.unit_member,
        ended_ago=timezone.now() - _last_day_of_last_month_at_noon(),
    )
    last_month = timezone.localdate(gig.start).strftime("%Y-%m")

    # 1. The expert reports on her phone and answers the check-in.
    expert = open_page(anna.user, name="expert")
    assert expert.viewport_size["width"] == 390
    visit(expert, f"/gigs/{gig.pk}/report/", "expert-report")
    field(expert, _("Hours at the gig")).fill("2")
    field(expert, _("Kilometres driven with your own car")).fill("18")
    field(expert, _("Where did you drive from?")).fill("Tikkurila")
    expert.locator("summary", has_text=_("I have other expenses")).click()
    field(expert, _("What was it?")).first.fill("Pysäköinti")
    field(expert, _("Amount (€)")).first.fill("6,50")
    field(expert, _("Receipt")).first.set_input_files(
        files=[{"name": "kuitti.png", "mimeType": "image/png", "buffer": PNG}]
    )
    expert.locator('input[name="checkin-feeling"][value="4"]').check()  # good
    check_page(expert, "expert-report-filled")
    expert.get_by_role("button", name=_("Send the report")).click()
    expert.wait_for_load_state()
    check_page(expert, "expert-report-sent")
    gig.refresh_from_db()
    assert gig.status == Gig.Status.REPORTED
    report = gig.report
    assert report.hours == Decimal("2") and report.km == 18
    expense = report.expenses.get()
    assert expense.amount == Decimal("6.50") and expense.receipt
    assert gig.checkin.feeling == 4

    # 2. The coordinator approves the report (at the desk; the page holds on a phone too).
    desk = open_page(ground.coordinator, name="coordinator", width=DESKTOP)
    visit(desk, f"/coordinator/bookings/reports/{gig.pk}/", "coordinator-report")
    also_on_a_phone(desk)
    desk.get_by_role("button", name=_("Approve")).first.click()
    desk.wait_for_load_state()
    check_page(desk)
    gig.refresh_from_db()
    assert gig.status == Gig.Status.APPROVED

    # 3. Early this month the coordinator runs last month's invoices: what would be invoiced
    # first, then the button.
    visit(desk, "/coordinator/invoicing/run/")
    field(desk, _("Month")).fill(last_month)
    desk.get_by_role("button", name=_("Show what would be invoiced")).click()
    desk.wait_for_url(f"**/coordinator/invoicing/run/?month={last_month}")
    check_page(desk, "coordinator-invoice-run")
    also_on_a_phone(desk)
    assert not Invoice.objects.exists()  # the look changes nothing
    desk.get_by_role(
        "button", name=_n("Issue %(count)s invoice", "Issue %(count)s invoices", 1)
    ).click()
    desk.wait_for_url("**/coordinator/invoicing/?month=*")
    check_page(desk, "coordinator-invoices")
    also_on_a_phone(desk)
    invoice = Invoice.objects.get()
    assert invoice.unit == ground.unit and invoice.kind == Invoice.Kind.INVOICE
    lines = {line.kind: line for line in invoice.lines.all()}
    assert set(lines) == {
        InvoiceLine.Kind.WORK,
        InvoiceLine.Kind.TRAVEL,
        InvoiceLine.Kind.EXPENSES,
    }  # the terms bill the travel on
    assert lines[InvoiceLine.Kind.WORK].gig == gig
    assert lines[InvoiceLine.Kind.WORK].net == Decimal("350.00")
    assert lines[InvoiceLine.Kind.TRAVEL].quantity == Decimal("18")
    assert lines[InvoiceLine.Kind.EXPENSES].net == Decimal("6.50")
    assert invoice.reference and invoice.number in desk.locator("main").inner_text()

    # 4. ...and the month's fee statements.
    visit(desk, "/coordinator/invoicing/fees/run/")
    field(desk, _("Month")).fill(last_month)
    desk.get_by_role("button", name=_("Show what the statements would carry")).click()
    desk.wait_for_url(f"**/coordinator/invoicing/fees/run/?month={last_month}")
    check_page(desk, "coordinator-fee-run")
    also_on_a_phone(desk)
    assert anna.name in desk.locator("main").inner_text()
    assert not FeeStatement.objects.exists()
    desk.get_by_role(
        "button", name=_n("Make %(count)s statement", "Make %(count)s statements", 1)
    ).click()
    desk.wait_for_url("**/coordinator/invoicing/fees/?month=*")
    check_page(desk)
    also_on_a_phone(desk)
    statement = FeeStatement.objects.get()
    assert statement.expert == anna and statement.status == FeeStatement.Status.APPROVED
    fee_lines = {line.kind: line for line in statement.lines.all()}
    assert set(fee_lines) == {FeeLine.Kind.FEE, FeeLine.Kind.MILEAGE, FeeLine.Kind.EXPENSES}
    assert fee_lines[FeeLine.Kind.FEE].gig == gig
    assert fee_lines[FeeLine.Kind.FEE].amount == Decimal("200.00")
    assert fee_lines[FeeLine.Kind.EXPENSES].amount == Decimal("6.50")

    # 5. The unit's member downloads the invoice PDF from the unit portal.
    unit = open_page(ground.unit_member, name="unit")
    visit(unit, "/unit/invoices/", "unit-invoices")
    unit.get_by_role("link", name=invoice.number).first.click()
    unit.wait_for_url(f"**/unit/invoices/{invoice.pk}/")
    check_page(unit, "unit-invoice")
    shown = unit.locator("main").inner_text()
    assert invoice.reference in shown and "350,00" in shown
    assert _label(Invoice.Status.ISSUED).capitalize() in shown
    with unit.expect_download() as download_info:
        unit.get_by_role("link", name=_("Download the PDF")).click()
    download = download_info.value
    assert download.suggested_filename == f"{invoice.number}.pdf"
    content = Path(download.path()).read_bytes()
    assert content.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert invoice.number in text
    assert re.sub(r"\s", "", invoice.reference) in re.sub(r"\s", "", text)

    # 6. The bank's camt.054 file of the unit's payment, imported by the coordinator.
    paid_on = timezone.localdate()
    camt = camt054.build(
        version="02",
        message_id=f"NTF-{paid_on:%Y%m%d}-1",
        account_iban=invoice.seller_iban,
        entries=[
            {
                "ref": "ARCHIVE-0001",
                "booked": paid_on,
                "amount": invoice.gross_total,
                "reference": invoice.reference,
                "payer": "Vantaan kaupunki",
            }
        ],
    )
    visit(desk, "/coordinator/invoicing/payments/import/")
    field(desk, _("The bank's camt.054 file (XML)")).set_input_files(
        files=[{"name": "camt054.xml", "mimeType": "application/xml", "buffer": camt}]
    )
    desk.get_by_role("button", name=_("Import")).click()
    desk.wait_for_load_state()
    check_page(desk, "coordinator-payment-import")
    also_on_a_phone(desk)
    assert _("What the file held") in desk.locator("main").inner_text()
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    paid = _label(Invoice.Status.PAID).capitalize()
    desk.get_by_role("link", name=invoice.number).first.click()
    desk.wait_for_url(f"**/coordinator/invoicing/{invoice.pk}/")
    check_page(desk)
    also_on_a_phone(desk)
    assert paid in desk.locator("main").inner_text()
    visit(unit, f"/unit/invoices/{invoice.pk}/", "unit-invoice-paid")
    assert paid in unit.locator("main").inner_text()
    assert _("How to pay") not in unit.locator("main").inner_text()

    # 7. The fee is paid: a payment batch on today's date with the bank's transfer file, and,
    # when the bank has paid, the batch confirmed paid.
    visit(desk, "/coordinator/invoicing/fees/batches/new/")
    field(desk, _("Statements up to the month")).fill(last_month)
    field(desk, _("Payment date")).fill(paid_on.isoformat())
    desk.get_by_role("button", name=_("Show who would be paid")).click()
    desk.wait_for_url("**/coordinator/invoicing/fees/batches/new/?*")
    check_page(desk, "coordinator-fee-batch-new")
    also_on_a_phone(desk)
    assert anna.name in desk.locator("main").inner_text()
    assert not PaymentBatch.objects.exists()
    desk.get_by_role(
        "button", name=_("Make the batch paid on %(date)s", date=_short(paid_on))
    ).click()
    desk.wait_for_url("**/coordinator/invoicing/fees/batches/*/")
    check_page(desk, "coordinator-fee-batch")
    also_on_a_phone(desk)
    batch = PaymentBatch.objects.get()
    statement.refresh_from_db()
    assert statement.batch == batch and statement.status == FeeStatement.Status.IN_PAYMENT
    with desk.expect_download() as download_info:
        desk.get_by_role("link", name=_("Download the bank's file (SEPA XML)")).click()
    sepa = Path(download_info.value.path()).read_bytes()
    assert b"pain.001.001.09" in sepa and GOOD_IBANS[0].encode() in sepa
    desk.get_by_role("button", name=_("Confirm paid")).click()
    desk.wait_for_load_state()
    check_page(desk)
    also_on_a_phone(desk)
    batch.refresh_from_db()
    statement.refresh_from_db()
    gig.refresh_from_db()
    assert batch.status == PaymentBatch.Status.PAID
    assert statement.status == FeeStatement.Status.PAID and statement.paid_on == paid_on
    assert gig.status == Gig.Status.PAID

    # 8. The expert sees the statement and the payment on her phone, and opens the statement.
    visit(expert, "/payments/", "expert-payments")
    paid_badge = _("Paid on %(date)s", date=_short(paid_on))
    assert paid_badge in expert.locator("main").inner_text()
    expert.locator("main").get_by_role("link").filter(
        has_text=re.compile(str(timezone.localdate(gig.start).year))
    ).first.click()
    expert.wait_for_url(f"**/payments/{statement.pk}/")
    check_page(expert, "expert-statement")
    shown = expert.locator("main").inner_text()
    assert paid_badge in shown and "200,00" in shown and "6,50" in shown
    assert statement.payout > Decimal("0")
    assert _euros(statement.payout) in shown.replace("\xa0", " ")
