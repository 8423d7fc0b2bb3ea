"""Corrections by credit note: the original is never changed; the credit note refers to it,
whole or per line, in the same number series; the credited gigs can be billed again."""

import pytest

from invoicing import money, services
from invoicing.models import Invoice, InvoiceChange, InvoiceLine
from tests.invoicing.factories import after, approved_gig, last_month, month_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def issued(terms, coordinator):
    gig = approved_gig(coordinator=coordinator, km=20, ended_ago=last_month())
    (invoice,) = services.invoices_issue(period=month_of(gig), by=None).invoices
    return invoice


def test_a_whole_credit_note_refers_back_and_frees_the_gig(issued, coordinator):
    note = services.invoice_credit(invoice=issued, by=coordinator, reason="Väärä yksikkö")
    assert (note.kind, note.credit_for, note.status) == ("credit_note", issued, "issued")
    assert note.sequence == issued.sequence + 1  # the same series, no gap
    assert note.gross_total == -issued.gross_total
    assert note.notes == "Väärä yksikkö"
    assert all(line.credits is not None and not line.billing for line in note.lines.all())
    issued.refresh_from_db()
    assert issued.status == Invoice.Status.CREDITED
    assert not issued.lines.filter(billing=True).exists()
    assert issued.changes.filter(kind=InvoiceChange.Kind.CREDITED).exists()
    # The gig is free: the next run bills it again.
    gig = issued.lines.get(kind="work").gig
    (again,) = services.invoices_issue(
        period=month_of(gig), by=None, issue_date=after(month_of(gig))
    ).invoices
    assert again.lines.filter(gig=gig, billing=True).count() == 2
    assert InvoiceLine.objects.filter(gig=gig, kind="work", billing=True).count() == 1


def test_credit_one_line_the_rest_stays_to_pay(issued, coordinator):
    travel = issued.lines.get(kind="travel")
    note = services.invoice_credit(
        invoice=issued, by=coordinator, reason="Kilometrit väärin", lines=[travel]
    )
    assert note.lines.get().credits == travel
    issued.refresh_from_db()
    assert issued.status == Invoice.Status.ISSUED
    assert money.balance(issued) == issued.gross_total - travel.gross
    assert issued.lines.get(kind="work").billing


def test_a_credit_needs_a_reason_and_open_lines(issued, coordinator):
    with pytest.raises(services.InvoicingError, match="Say why"):
        services.invoice_credit(invoice=issued, by=coordinator, reason=" ")
    services.invoice_credit(invoice=issued, by=coordinator, reason="Peruttu")
    count = Invoice.objects.count()
    with pytest.raises(services.InvoicingError, match="not yet credited"):
        services.invoice_credit(invoice=issued, by=coordinator, reason="Uudestaan")
    assert Invoice.objects.count() == count


def test_a_line_of_another_invoice_cannot_be_credited(issued, terms, coordinator):
    other_gig = approved_gig(coordinator=coordinator, day=25)
    period = month_of(other_gig)
    (other,) = services.invoices_issue(period=period, by=None, issue_date=after(period)).invoices
    with pytest.raises(services.InvoicingError, match="Choose lines"):
        services.invoice_credit(
            invoice=issued, by=coordinator, reason="x", lines=[other.lines.first()]
        )
    assert not Invoice.objects.filter(kind="credit_note").exists()


def test_a_credit_note_itself_cannot_be_credited(issued, coordinator):
    note = services.invoice_credit(invoice=issued, by=coordinator, reason="x")
    assert not services.invoice_can_credit(note)
    with pytest.raises(services.InvoicingError):
        services.invoice_credit(invoice=note, by=coordinator, reason="y")
