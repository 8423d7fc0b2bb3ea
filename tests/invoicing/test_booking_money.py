"""A delivered or closed booking says what is true about its money, from the invoicing records:
not yet invoiced, invoiced on which day on which invoice, paid on which day, credited, or charged
to a funded project (``bookings.settlement`` asks ``InvoicingConfig.booking_money_notes``)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import formats, timezone

from bookings import services as booking_services
from bookings.models import Booking
from invoicing import services as invoicing_services
from invoicing.bankfiles import camt054
from invoicing.models import Invoice
from invoicing.services import fees as fee_services
from tests.bookings.factories import (
    FundingSourceFactory,
    PriceRowFactory,
    bookable_expert,
    member,
)
from tests.experts.factories import GOOD_CODES, GOOD_IBANS
from tests.invoicing.factories import approved_gig, last_month, month_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def booker(db):
    PriceRowFactory()
    return member()


def _day(day) -> str:
    return formats.date_format(day, "SHORT_DATE_FORMAT")


def _delivered(*, coordinator, booker, day: int = 20, expert=None):
    gig = approved_gig(
        coordinator=coordinator, by=booker, ended_ago=last_month(), day=day, expert=expert
    )
    booking_services.booking_deliver(booking=gig.booking, by=coordinator)
    return gig


def _unit_page(client, booker, booking) -> str:
    client.force_login(booker)
    return client.get(reverse("bookings:detail", args=[booking.pk])).content.decode()


def _pay(invoice: Invoice, *, coordinator, on) -> None:
    data = camt054.build(
        version="02",
        message_id=f"PAY-{invoice.pk}",
        account_iban="FI4950009420028730",
        entries=[
            {
                "ref": f"PAY-{invoice.pk}",
                "booked": on,
                "amount": invoice.gross_total,
                "reference": invoice.reference,
                "payer": "Vantaan kaupunki",
            }
        ],
    )
    invoicing_services.payments_import(data=data, name="camt.xml", by=coordinator)


def test_a_delivered_booking_not_yet_invoiced_says_so(client, english_pages, coordinator, booker):
    gig = _delivered(coordinator=coordinator, booker=booker)
    page = _unit_page(client, booker, gig.booking)
    assert "Done. Thank you! Not yet invoiced" in page
    assert "Done and settled" not in page


def test_an_invoiced_then_paid_booking_says_the_day_and_the_invoice(
    client, english_pages, coordinator, booker
):
    gig = _delivered(coordinator=coordinator, booker=booker)
    (invoice,) = invoicing_services.invoices_issue(period=month_of(gig), by=coordinator).invoices
    page = _unit_page(client, booker, gig.booking)
    assert f"Invoiced on {_day(invoice.issue_date)}, invoice {invoice.number}" in page
    paid_on = timezone.localdate()
    _pay(invoice, coordinator=coordinator, on=paid_on)
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.PAID
    page = _unit_page(client, booker, gig.booking)
    assert f"Paid on {_day(paid_on)} (invoice {invoice.number})" in page


def test_a_closed_booking_says_what_is_true_instead_of_a_fixed_phrase(
    client, english_pages, coordinator, booker
):
    expert = bookable_expert()
    expert.iban, expert.identity_code = GOOD_IBANS[0], GOOD_CODES[0]
    expert.save()
    gig = _delivered(coordinator=coordinator, booker=booker, expert=expert)
    period = month_of(gig)
    (invoice,) = invoicing_services.invoices_issue(period=period, by=coordinator).invoices
    fee_services.fees_run(period=period, by=coordinator)
    paid = fee_services.fees_pay(period=period, payment_date=timezone.localdate(), by=coordinator)
    fee_services.batch_confirm(batch=paid.batch, by=coordinator)
    booking = Booking.objects.get(pk=gig.booking_id)
    assert booking.status == Booking.Status.CLOSED
    page = _unit_page(client, booker, booking)
    assert f"Done: Invoiced on {_day(invoice.issue_date)}, invoice {invoice.number}" in page
    assert "Done and settled" not in page
    # The unit's list says the same, and so does the coordinator's page.
    listing = client.get(reverse("bookings:unit_home")).content.decode()
    assert f"invoice {invoice.number}" in listing
    client.force_login(coordinator)
    detail = client.get(reverse("bookings_coordinator:detail", args=[booking.pk]))
    assert f"Invoiced on {_day(invoice.issue_date)}, invoice {invoice.number}" in (
        detail.content.decode()
    )


def test_a_credited_invoice_is_said_to_be_credited(client, english_pages, coordinator, booker):
    gig = _delivered(coordinator=coordinator, booker=booker)
    (invoice,) = invoicing_services.invoices_issue(period=month_of(gig), by=coordinator).invoices
    note = invoicing_services.invoice_credit(invoice=invoice, by=coordinator, reason="Virhe")
    page = _unit_page(client, booker, gig.booking)
    assert f"Credited on {_day(note.issue_date)} (invoice {invoice.number})" in page


def test_a_funded_booking_says_where_it_was_charged(client, english_pages, coordinator, booker):
    gig = _delivered(coordinator=coordinator, booker=booker)
    source = FundingSourceFactory(name="Kokemus mukaan")
    booking_services.booking_fund(booking=gig.booking, funding_source=source, by=coordinator)
    page = _unit_page(client, booker, gig.booking)
    assert "Charged to Kokemus mukaan" in page
    assert "Not yet invoiced" not in page


def test_the_units_list_takes_the_same_queries_for_1_and_50_invoiced_bookings(
    client, coordinator, booker
):
    def make(count: int, first_day: int):
        for index in range(count):
            _delivered(coordinator=coordinator, booker=booker, day=first_day + index)

    make(1, 5)
    invoicing_services.invoices_issue(
        period=month_of(Booking.objects.get().gigs.get()), by=coordinator
    )
    client.force_login(booker)
    url = reverse("bookings:unit_home")
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    make(49, 6)
    gig = Booking.objects.order_by("-pk").first().gigs.get()
    invoicing_services.invoices_issue(period=month_of(gig), by=coordinator)
    assert Invoice.objects.exclude(status=Invoice.Status.DRAFT).count() >= 2
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert len(many) == len(one)
    assert page.count("invoice ") >= 50
    assert Decimal(0) < Invoice.objects.first().gross_total
