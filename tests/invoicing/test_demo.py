"""The demo's invoices: every state a coordinator meets — waiting, paid, partly paid, paid too
much, overdue with a reminder, credited and billed again — and a payment to allocate; a second
run changes nothing."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from expertbank.demo import DEMO_DOMAIN
from expertbank.models import ReadEntry, User
from invoicing import money, selectors
from invoicing.models import (
    FeeStatement,
    IncomesRegisterReport,
    IncomingPayment,
    Invoice,
    InvoiceChange,
    PaymentFile,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _counts():
    return [
        model.objects.count() for model in (Invoice, IncomingPayment, PaymentFile, InvoiceChange)
    ]


def test_the_demo_has_invoices_in_every_state_and_runs_twice_without_change():
    call_command("seed_demo", verbosity=0)
    statuses = set(Invoice.objects.values_list("status", flat=True))
    assert {"issued", "paid", "partly_paid", "credited"} <= statuses
    assert Invoice.objects.filter(kind=Invoice.Kind.CREDIT_NOTE).exists()
    overdue = list(selectors.overdue())
    assert overdue and any(invoice.reminders_sent == 1 for invoice in overdue)
    assert selectors.overpaid().exists()
    assert selectors.unallocated_payments().count() == 1
    for invoice in Invoice.objects.filter(kind=Invoice.Kind.INVOICE, status="paid"):
        assert money.balance(invoice) <= 0
    numbers = sorted(
        Invoice.objects.filter(year=timezone.localdate().year).values_list("sequence", flat=True)
    )
    assert numbers == list(range(1, len(numbers) + 1))
    statuses = set(FeeStatement.objects.values_list("status", flat=True))
    assert {"paid", "approved"} <= statuses
    assert IncomesRegisterReport.objects.filter(status="sent").exists()
    for statement in FeeStatement.objects.filter(status="paid"):
        assert all(
            line.gig.paid_on == statement.paid_on
            for line in statement.lines.filter(kind="fee").select_related("gig")
        )
    first = _counts()
    call_command("seed_demo", verbosity=0)
    assert _counts() == first


def test_the_demo_experts_see_who_has_looked_at_their_data(client):
    call_command("seed_demo", verbosity=0)
    expert = User.objects.get(email=f"asiantuntija@{DEMO_DOMAIN}")
    kinds = set(ReadEntry.objects.filter(subject=expert).values_list("kind", flat=True))
    assert {"profile", "fee_statement", "bank_file"} <= kinds
    reads = ReadEntry.objects.count()
    call_command("seed_demo", verbosity=0)
    assert ReadEntry.objects.count() == reads
    client.force_login(expert)
    page = client.get(reverse("experts:profile"), HTTP_ACCEPT_LANGUAGE="fi").content.decode()
    assert "Sanna Virtanen" in page
