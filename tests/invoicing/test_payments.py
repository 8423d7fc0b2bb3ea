"""Getting paid: the bank's camt.054 file imported, payments matched by reference (Finnish or
RF) — full, partial, too much — or kept to allocate by hand; each recorded once; bad files
refused with nothing stored; overdue invoices reminded once per round."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from expertbank.finnish import rf_reference
from expertbank.models import Message
from invoicing import money, selectors, services
from invoicing.bankfiles import camt054
from invoicing.models import IncomingPayment, Invoice, InvoiceChange, PaymentFile
from tests.factories import UnitFactory
from tests.invoicing.factories import approved_gig, last_month, month_of
from tests.invoicing.test_pages import bare_invoice

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

IBAN = "FI4950009420028730"


@pytest.fixture
def invoice(terms, coordinator):
    gig = approved_gig(coordinator=coordinator, ended_ago=last_month())
    (issued,) = services.invoices_issue(period=month_of(gig), by=None).invoices
    return issued  # 350.00 + 25.5 % = 439.25


def bank_file(*entries, version="02", message_id="MSG-1") -> bytes:
    today = timezone.localdate()
    return camt054.build(
        version=version,
        message_id=message_id,
        account_iban=IBAN,
        entries=[{"booked": today, "payer": "Vantaan kaupunki", **entry} for entry in entries],
    )


def import_(data: bytes, by=None):
    return services.payments_import(data=data, name="camt054.xml", by=by)


def test_a_full_payment_by_the_reference_pays_the_invoice(invoice, coordinator):
    result = import_(
        bank_file({"ref": "A1", "amount": Decimal("439.25"), "reference": invoice.reference}),
        by=coordinator,
    )
    assert [p.invoice for p in result.matched] == [invoice]
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert money.balance(invoice) == 0
    change = invoice.changes.filter(kind=InvoiceChange.Kind.PAYMENT).get()
    assert "439.25" in change.note.replace(",", ".").replace("\xa0", "")
    assert invoice.changes.filter(to_status=Invoice.Status.PAID).exists()


@pytest.mark.parametrize("version", ["02", "08"])
def test_an_rf_reference_pays_too_in_both_versions(invoice, version):
    import_(
        bank_file(
            {
                "ref": "RF1",
                "amount": Decimal("439.25"),
                "reference": rf_reference(invoice.reference),
            },
            version=version,
        )
    )
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID


def test_less_is_partly_paid_with_the_balance_shown(invoice):
    import_(bank_file({"ref": "P1", "amount": Decimal("400.00"), "reference": invoice.reference}))
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PARTLY_PAID
    assert money.balance(invoice) == Decimal("39.25")
    notes = " ".join(c.note for c in invoice.changes.all()).replace("\xa0", " ")
    assert "39.25 € still to pay" in notes
    import_(bank_file({"ref": "P2", "amount": Decimal("39.25"), "reference": invoice.reference}))
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID


def test_more_is_paid_with_the_excess_listed(invoice):
    import_(bank_file({"ref": "X1", "amount": Decimal("500.00"), "reference": invoice.reference}))
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert money.balance(invoice) == Decimal("-60.75")
    assert list(selectors.overpaid()) == [invoice]


def test_unknown_references_and_payments_without_one_wait_for_a_coordinator(invoice, coordinator):
    result = import_(
        bank_file(
            {"ref": "U1", "amount": Decimal("100.00"), "reference": "1232"},
            {"ref": "U2", "amount": Decimal("439.25"), "reference": "", "message": "lasku"},
        )
    )
    assert (len(result.new), len(result.matched), len(result.unallocated)) == (2, 0, 2)
    assert set(selectors.unallocated_payments()) == set(result.unallocated)
    payment = IncomingPayment.objects.get(entry_reference="U2")
    services.payment_allocate(payment=payment, invoice=invoice, by=coordinator, note="Soitettu")
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    payment.refresh_from_db()
    assert (payment.allocated_by, payment.note) == (coordinator, "Soitettu")
    with pytest.raises(services.InvoicingError, match="already allocated"):
        services.payment_allocate(payment=payment, invoice=invoice, by=coordinator)


def test_the_same_file_twice_or_an_overlapping_one_records_each_payment_once(invoice):
    first = bank_file(
        {"ref": "D1", "amount": Decimal("200.00"), "reference": invoice.reference},
        {"ref": "D2", "amount": Decimal("10.00"), "reference": ""},
    )
    import_(first)
    again = import_(first)
    assert (len(again.new), again.already) == (0, 2)
    overlapping = bank_file(
        {"ref": "D2", "amount": Decimal("10.00"), "reference": ""},
        {"ref": "D3", "amount": Decimal("239.25"), "reference": invoice.reference},
        message_id="MSG-2",
    )
    result = import_(overlapping)
    assert (len(result.new), result.already) == (1, 1)
    assert IncomingPayment.objects.count() == 3
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID
    assert PaymentFile.objects.count() == 3


def test_a_payment_in_the_file_twice_is_recorded_once_and_the_rest_still_applied(invoice):
    result = import_(
        bank_file(
            {"ref": "T1", "amount": Decimal("100.00"), "reference": invoice.reference},
            {"ref": "T1", "amount": Decimal("100.00"), "reference": invoice.reference},
            {"ref": "T2", "amount": Decimal("339.25"), "reference": invoice.reference},
        )
    )
    assert (len(result.new), len(result.matched), result.already) == (2, 2, 1)
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID and money.balance(invoice) == 0


def test_two_payments_to_one_invoice_in_one_file_read_as_two_imports(invoice):
    """Each payment's note and the status changes follow payment by payment, as if each had
    come in a file of its own."""
    import_(
        bank_file(
            {"ref": "S1", "amount": Decimal("400.00"), "reference": invoice.reference},
            {"ref": "S2", "amount": Decimal("39.25"), "reference": invoice.reference},
        )
    )
    history = list(invoice.changes.order_by("at", "pk").values_list("kind", "to_status", "note"))
    payments = [note for kind, _to, note in history if kind == InvoiceChange.Kind.PAYMENT]
    assert len(payments) == 2
    assert "still to pay" in payments[0] and "still to pay" not in payments[1]
    statuses = [to for kind, to, _note in history if kind == InvoiceChange.Kind.STATUS]
    assert statuses[-2:] == [Invoice.Status.PARTLY_PAID, Invoice.Status.PAID]
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID


def test_a_notification_of_many_payments_takes_the_queries_of_one(terms, coordinator):
    """A national bank's month is some 2,300 payments in one file, imported in a web request:
    the queries do not grow with the payments (one by one they took 50 s)."""
    unit = UnitFactory()
    invoices = [bare_invoice(unit) for _n in range(6)]
    Invoice.objects.filter(pk__in=[i.pk for i in invoices]).update(
        net_total=Decimal("100"), gross_total=Decimal("100")
    )

    def queries(batch, message_id):
        entries = [
            {"ref": f"{message_id}-{i.pk}", "amount": Decimal("100.00"), "reference": i.reference}
            for i in batch
        ]
        with CaptureQueriesContext(connection) as captured:
            result = import_(bank_file(*entries, message_id=message_id))
        assert len(result.matched) == len(batch)
        return len(captured)

    assert queries(invoices[:1], "ONE") == queries(invoices[1:], "FIVE")
    assert set(
        Invoice.objects.filter(pk__in=[i.pk for i in invoices]).values_list("status", flat=True)
    ) == {Invoice.Status.PAID}
    assert InvoiceChange.objects.filter(kind=InvoiceChange.Kind.PAYMENT).count() == 6


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"<not xml", "not valid XML"),
        (
            b'<?xml version="1.0"?>'
            b'<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"/>',
            "not a camt.054",
        ),
    ],
)
def test_a_malformed_or_foreign_file_is_refused_and_nothing_is_stored(invoice, data, message):
    with pytest.raises(services.InvoicingError, match=message):
        import_(data)
    assert (PaymentFile.objects.count(), IncomingPayment.objects.count()) == (0, 0)
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.ISSUED


def test_debits_are_left_aside_with_a_reason(invoice):
    result = import_(
        bank_file({"ref": "DB1", "amount": Decimal("50.00"), "reference": "", "debit": True})
    )
    assert result.new == [] and len(result.skipped) == 1
    assert PaymentFile.objects.get().skipped[0]["reason"]


def test_the_import_command_reads_a_file_and_refuses_a_bad_one(invoice, tmp_path, capsys):
    path = tmp_path / "camt.xml"
    path.write_bytes(
        bank_file({"ref": "C1", "amount": Decimal("439.25"), "reference": invoice.reference})
    )
    call_command("payments_import", str(path))
    assert "1 new payments: 1 matched" in capsys.readouterr().out
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"<oops")
    with pytest.raises(CommandError, match="not valid XML"):
        call_command("payments_import", str(bad))
    with pytest.raises(CommandError, match="No such file"):
        call_command("payments_import", str(tmp_path / "missing.xml"))


# --- Reminders -------------------------------------------------------------------------------


def test_an_overdue_invoice_is_reminded_once_per_round_in_the_units_language(
    invoice, run_on_commit
):
    unit = invoice.unit
    unit.contact_email = "laskut@vantaa.example"
    unit.save()
    due = invoice.due_date
    assert services.invoice_reminders_send(today=due + timedelta(days=6)) == 0
    with run_on_commit():
        assert services.invoice_reminders_send(today=due + timedelta(days=7)) == 1
        assert services.invoice_reminders_send(today=due + timedelta(days=8)) == 0
    message = Message.objects.get(kind="invoice_reminder")
    assert (message.to, message.language) == ("laskut@vantaa.example", "fi")
    assert invoice.number in message.subject
    assert "Viitenumero" in message.body or invoice.reference in message.body
    with run_on_commit():
        assert services.invoice_reminders_send(today=due + timedelta(days=14)) == 1
        assert services.invoice_reminders_send(today=due + timedelta(days=40)) == 0  # 2 rounds
    invoice.refresh_from_db()
    assert invoice.reminders_sent == 2
    assert invoice.changes.filter(kind=InvoiceChange.Kind.REMINDER).count() == 2
    assert len(mail.outbox) == 2


def test_a_paid_invoice_is_not_reminded(invoice):
    import_(bank_file({"ref": "R1", "amount": Decimal("439.25"), "reference": invoice.reference}))
    assert services.invoice_reminders_send(today=invoice.due_date + timedelta(days=30)) == 0
    assert not Message.objects.filter(kind="invoice_reminder").exists()


def test_overdue_invoices_are_listed(invoice):
    assert list(selectors.overdue(invoice.due_date)) == []
    assert list(selectors.overdue(invoice.due_date + timedelta(days=1))) == [invoice]
