"""Cancelling before delivery, and the late rule with its fees."""

from decimal import Decimal

import pytest

from bookings import money, services
from bookings.models import Assignment, Booking, Gig
from expertbank.models import Message
from tests.bookings.factories import at, bookable_expert, offer, request_booking, staffed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_cancelling_in_good_time_costs_nothing(coordinator, booker, anna, terms, run_on_commit):
    booking = request_booking(by=booker, times=[(at(20, 10), at(20, 12))])
    staffed(booking, [anna], by=coordinator)
    assert money.cancellation_terms(booking).late is False
    with run_on_commit():
        services.booking_cancel(booking=booking, by=booker, reason="Muuttui")
    booking.refresh_from_db()
    gig = Gig.objects.get(expert=anna)
    assert booking.status == Booking.Status.CANCELLED
    assert (booking.cancelled_late, booking.cancellation_fee) == (False, None)
    assert (gig.status, gig.late_cancelled, gig.fee_amount) == ("cancelled", False, 0)
    kinds = set(Message.objects.values_list("kind", flat=True))
    assert {"booking_cancelled_expert", "booking_cancelled_unit"} <= kinds
    # The coordinators read a unit's cancellation in their daily digest, not in a mail of its own.
    assert not Message.objects.filter(recipient=coordinator).exists()


def test_a_late_cancellation_charges_the_unit_and_pays_each_expert_once(
    coordinator, booker, anna, terms
):
    other = bookable_expert()
    times = [(at(3, 10), at(3, 12)), (at(5, 10), at(5, 12))]
    booking = request_booking(by=booker, times=times, experts=2)
    staffed(booking, [anna, other], by=coordinator)
    cancellation = money.cancellation_terms(booking)
    assert cancellation.late
    assert cancellation.client_fee == Decimal("175.00")
    assert cancellation.experts_paid == 2
    services.booking_cancel(booking=booking, by=booker, reason="Sairastapaus")
    booking.refresh_from_db()
    assert booking.cancelled_late is True
    assert booking.cancellation_fee == Decimal("175.00")
    for expert in (anna, other):
        first, second = Gig.objects.filter(expert=expert).order_by("start")
        assert (first.status, first.late_cancelled, first.fee_amount) == (
            "cancelled",
            True,
            Decimal("100.00"),
        )
        assert (second.late_cancelled, second.fee_amount) == (True, 0)
    mail = Message.objects.get(kind="booking_cancelled_expert", recipient=anna.user)
    assert "100,00" in mail.body or "100.00" in mail.body


def test_late_but_nobody_booked_yet_costs_nothing(booker, terms):
    booking = request_booking(by=booker, times=[(at(2, 10), at(2, 12))])
    cancellation = money.cancellation_terms(booking)
    assert cancellation.late and cancellation.client_fee == 0
    services.booking_cancel(booking=booking, by=booker)
    booking.refresh_from_db()
    assert booking.cancellation_fee == 0


def test_a_coordinator_may_spare_the_unit_the_fee_but_the_experts_keep_theirs(
    coordinator, anna, terms
):
    booking = request_booking(times=[(at(3, 10), at(3, 12))])
    staffed(booking, [anna], by=coordinator)
    services.booking_cancel(
        booking=booking, by=coordinator, reason="Meidän virhe", charge_client=False
    )
    booking.refresh_from_db()
    assert booking.cancelled_late and booking.cancellation_fee is None
    assert Gig.objects.get(expert=anna).fee_amount == Decimal("100.00")
    assert not Message.objects.filter(kind="booking_cancelled_coordinator").exists()


def test_cancelling_closes_open_offers(coordinator, anna):
    booking = request_booking()
    (assignment,) = offer(booking, [anna], by=coordinator)
    services.booking_cancel(booking=booking, by=coordinator, reason="")
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.EXPIRED


def test_the_notice_period_comes_from_the_price_row(booker, anna, coordinator, terms):
    terms.notice_days = 14
    terms.save()
    booking = request_booking(by=booker, times=[(at(10, 10), at(10, 12))])
    staffed(booking, [anna], by=coordinator)
    cancellation = money.cancellation_terms(booking)
    assert cancellation.late
    assert cancellation.deadline == at(-4, 10)
