"""A booking's terms are frozen when it is requested: editing or adding price rows afterwards
never changes what it pays or bills; a coordinator re-prices one booking deliberately, and the
history says who, when, the old and the new terms."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from bookings import money, services
from bookings.models import Booking, BookingChange, BookingTerms, Gig
from tests.bookings.factories import (
    PriceListFactory,
    PriceRowFactory,
    at,
    bookable_expert,
    request_booking,
    staffed,
)
from tests.bookings.reports_factories import reported_gig

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_the_row_in_force_is_copied_onto_the_booking_when_it_is_requested(terms, booker):
    booking = request_booking(by=booker)
    frozen = booking.terms
    assert isinstance(frozen, BookingTerms)
    assert (frozen.booking, frozen.source_row, frozen.created_by) == (booking, terms, booker)
    assert money.terms_values(frozen) == money.terms_values(terms)


def test_confirm_change_the_price_list_approve_and_the_old_amounts_hold(terms, coordinator):
    gig = reported_gig(coordinator=coordinator)  # requested under 350 € / fee 200 €
    # The price list changes afterwards: the row is edited, and a new one comes into force.
    terms.client_price, terms.expert_fee = Decimal("999.00"), Decimal("888.00")
    terms.valid_until = timezone.localdate() - timedelta(days=400)
    terms.valid_from = date(2019, 1, 1)
    terms.save()
    PriceRowFactory(
        price_list=PriceListFactory(organisation=gig.booking.unit.organisation),
        valid_from=date(2019, 1, 1),
        client_price=Decimal("10.00"),
        expert_fee=Decimal("5.00"),
    )
    services.report_approve(gig=gig, by=coordinator)
    gig.refresh_from_db()
    assert (gig.fee_amount, gig.billable_amount) == (Decimal("200.00"), Decimal("350.00"))
    booking = Booking.objects.get(pk=gig.booking_id)
    assert money.cancellation_terms(booking).terms.client_cancellation_fee == Decimal("175.00")


def test_a_booking_requested_without_a_row_in_force_has_no_terms_and_no_estimate(booker):
    booking = request_booking(by=booker)
    assert booking.terms is None
    assert money.price_estimate(booking.terms, times=[(at(20), at(20, 12))], experts=1) is None


def test_reprice_from_the_row_in_force_now_records_old_and_new(terms, booker, coordinator, anna):
    booking = request_booking(by=booker)
    staffed(booking, [anna], by=coordinator)
    own = PriceRowFactory(
        price_list=PriceListFactory(organisation=booking.unit.organisation),
        expert_fee=Decimal("250.00"),
        client_price=Decimal("400.00"),
    )
    services.booking_reprice(booking=booking, by=coordinator, reason="Sopimushinta")
    booking.refresh_from_db()
    assert booking.terms.source_row == own
    assert booking.terms_versions.count() == 2  # the old version stays for the history
    change = booking.changes.get(kind=BookingChange.Kind.TERMS)
    assert (change.by, change.note) == (coordinator, "Sopimushinta")
    assert change.changes["expert_fee"] == ["200.00", "250.00"]
    assert change.changes["client_price"] == ["350.00", "400.00"]
    assert "vat_rate" not in change.changes  # only what changed
    # The planned gig's estimate follows (the earnings caps read it).
    assert Gig.objects.get(booking=booking).fee_amount == Decimal("250.00")


def test_reprice_by_hand_for_one_booking(terms, booker, coordinator):
    booking = request_booking(by=booker)
    values = money.terms_values(booking.terms) | {"client_price": Decimal("123.45")}
    services.booking_reprice(booking=booking, by=coordinator, reason="Alennus", values=values)
    booking.refresh_from_db()
    assert booking.terms.client_price == Decimal("123.45")
    assert booking.terms.source_row is None
    terms.refresh_from_db()
    assert terms.client_price == Decimal("350.00")  # the price list is untouched


def test_an_approved_gig_keeps_its_amounts_when_the_booking_is_repriced(terms, coordinator):
    gig = reported_gig(coordinator=coordinator)
    services.report_approve(gig=gig, by=coordinator)
    values = money.terms_values(gig.booking.terms) | {"expert_fee": Decimal("1.00")}
    services.booking_reprice(booking=gig.booking, by=coordinator, reason="Korjaus", values=values)
    gig.refresh_from_db()
    assert gig.fee_amount == Decimal("200.00")


@pytest.mark.parametrize(
    ("reason", "values", "message"),
    [
        ("", None, "Say why"),
        ("Sama", "same", "Nothing changed"),
    ],
)
def test_a_reprice_without_a_reason_or_a_change_is_refused_and_stores_nothing(
    terms, booker, coordinator, reason, values, message
):
    booking = request_booking(by=booker)
    given = money.terms_values(booking.terms) if values == "same" else None
    before = (BookingTerms.objects.count(), BookingChange.objects.count())
    with pytest.raises(services.BookingError, match=message):
        services.booking_reprice(booking=booking, by=coordinator, reason=reason, values=given)
    assert (BookingTerms.objects.count(), BookingChange.objects.count()) == before


def test_a_reprice_with_bad_terms_is_refused_and_stores_nothing(terms, booker, coordinator):
    booking = request_booking(by=booker)
    values = money.terms_values(booking.terms) | {"vat_rate": Decimal("0")}  # no exemption text
    with pytest.raises(services.BookingError, match="why"):
        services.booking_reprice(booking=booking, by=coordinator, reason="x", values=values)
    booking.refresh_from_db()
    assert booking.terms.vat_rate == Decimal("25.50")
    assert booking.terms_versions.count() == 1


def test_a_closed_booking_cannot_be_repriced(terms, booker, coordinator):
    booking = request_booking(by=booker)
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.CLOSED)
    with pytest.raises(services.BookingError, match="can no longer be changed"):
        services.booking_reprice(booking=booking, by=coordinator, reason="Myöhässä")


def test_a_price_row_of_another_kind_of_work_is_refused(terms, booker, coordinator):
    from tests.bookings.factories import work_kind

    booking = request_booking(by=booker)
    other = PriceRowFactory(price_list=PriceListFactory(), work_kind=work_kind("training"))
    with pytest.raises(services.BookingError, match="kind of work"):
        services.booking_reprice(booking=booking, by=coordinator, reason="x", row=other)


def test_the_reprice_page_changes_the_terms_and_the_booking_page_shows_the_history(
    client, terms, booker, coordinator
):
    booking = request_booking(by=booker)
    client.force_login(coordinator)
    data = {
        "source": "hand",
        **money.terms_values(booking.terms),
        "client_price": "300.00",
        "reason": "Puhelimessa sovittu hinta",
    }
    response = client.post(f"/coordinator/bookings/{booking.pk}/terms/", data)
    assert response.status_code == 302
    page = client.get(f"/coordinator/bookings/{booking.pk}/").content.decode()
    assert "Terms changed" in page
    assert "Puhelimessa sovittu hinta" in page
    assert "350.00 → 300.00" in page


def test_the_reprice_page_shows_a_bad_value_and_changes_nothing(client, terms, booker, coordinator):
    booking = request_booking(by=booker)
    client.force_login(coordinator)
    data = {"source": "hand", **money.terms_values(booking.terms), "client_price": "-5"}
    data["reason"] = "x"
    response = client.post(f"/coordinator/bookings/{booking.pk}/terms/", data)
    assert response.status_code == 200
    assert "greater than or equal to 0" in response.content.decode()
    assert booking.terms_versions.count() == 1


def test_other_roles_cannot_reach_the_reprice_page(client, terms, booker, anna):
    booking = request_booking(by=booker)
    for user in (booker, anna.user):
        client.force_login(user)
        assert client.get(f"/coordinator/bookings/{booking.pk}/terms/").status_code in (403, 404)


def test_the_expert_list_of_a_new_booking_uses_its_own_terms_not_todays_rows(
    terms, booker, coordinator
):
    """Matching reads the frozen terms too: a fee change in the price list after the request
    does not change the fee an offer shows."""
    booking = request_booking(by=booker)
    terms.expert_fee = Decimal("999.00")
    terms.save()
    bookable_expert()
    from bookings.matching import rank_candidates

    assert rank_candidates(booking).fee_per_gig == Decimal("200.00")
