"""The demo's invoices: every state a coordinator meets — waiting, paid, partly paid, paid too
much, overdue with a reminder, credited and billed again — and a payment to allocate; a second
run changes nothing (test_second_run.py)."""

from django.urls import reverse
from django.utils import timezone

from expertbank.demo import DEMO_DOMAIN
from expertbank.models import ReadEntry, User
from invoicing import money, selectors
from invoicing.models import (
    FeeStatement,
    IncomesRegisterReport,
    Invoice,
)


def test_the_demo_has_invoices_in_every_state():
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


def test_the_demo_experts_see_who_has_looked_at_their_data(client):
    expert = User.objects.get(email=f"asiantuntija@{DEMO_DOMAIN}")
    kinds = set(ReadEntry.objects.filter(subject=expert).values_list("kind", flat=True))
    assert {"profile", "fee_statement", "bank_file"} <= kinds
    client.force_login(expert)
    page = client.get(reverse("experts:profile"), HTTP_ACCEPT_LANGUAGE="fi").content.decode()
    assert "Sanna Virtanen" in page
