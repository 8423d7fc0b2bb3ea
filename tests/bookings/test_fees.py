"""The amounts a coordinator's approval fixes: fee and billable amount to the cent, per gig, per
hour with minimum and preparation hours, for an expenses-only expert, and after a late
cancellation."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from bookings import money, services
from bookings.models import Booking, BookingChange, Gig, GigReport, PriceUnit
from bookings.money import cancellation_amounts
from bookings.services.reports import cancellation_settle, report_approve
from tests.bookings.factories import at, bookable_expert, request_booking, staffed
from tests.bookings.reports_factories import reported_gig

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def hourly(terms):
    """Group work: 45 €/h to the client, at least 2 h; the expert 25 €/h with 1 h preparation."""
    terms.client_unit, terms.client_price, terms.minimum_hours = PriceUnit.PER_HOUR, 45, 2
    terms.fee_unit, terms.expert_fee, terms.preparation_hours = PriceUnit.PER_HOUR, 25, 1
    terms.save()
    return terms


def _approve(gig, coordinator):
    report_approve(gig=gig, by=coordinator)
    gig.refresh_from_db()
    return gig.fee_amount, gig.billable_amount


def test_a_gig_priced_per_gig_gets_the_flat_fee_and_price_whatever_the_hours(terms, coordinator):
    gig = reported_gig(hours="3.5", preparation="2", coordinator=coordinator)
    assert _approve(gig, coordinator) == (Decimal("200.00"), Decimal("350.00"))
    assert gig.status == Gig.Status.APPROVED
    assert GigReport.objects.get(gig=gig).status == GigReport.Status.APPROVED


def test_an_hourly_gig_shorter_than_the_minimum_counts_the_minimum_hours(hourly, coordinator):
    gig = reported_gig(hours="1.5", preparation="1", coordinator=coordinator)
    # fee 25 × (max(1.5, 2) + 1) = 75.00; billable 45 × max(1.5, 2) = 90.00
    assert _approve(gig, coordinator) == (Decimal("75.00"), Decimal("90.00"))


def test_an_hourly_gig_counts_the_reported_hours_above_the_minimum(hourly, coordinator):
    gig = reported_gig(hours="2.75", preparation="0.5", coordinator=coordinator)
    # fee 25 × (2.75 + 0.5) = 81.25; billable 45 × 2.75 = 123.75
    assert _approve(gig, coordinator) == (Decimal("81.25"), Decimal("123.75"))


def test_preparation_is_paid_up_to_the_price_lists_preparation_hours(hourly, coordinator):
    gig = reported_gig(hours="3", preparation="4", coordinator=coordinator)
    # fee 25 × (3 + min(4, 1)) = 100.00; preparation is not billed to the unit
    assert _approve(gig, coordinator) == (Decimal("100.00"), Decimal("135.00"))


def test_amounts_are_rounded_half_up_to_the_cent(hourly, coordinator):
    hourly.expert_fee, hourly.client_price, hourly.preparation_hours = (
        Decimal("24.99"),
        Decimal("33.33"),
        0,
    )
    hourly.minimum_hours = 0
    hourly.save()
    gig = reported_gig(hours="1.5", coordinator=coordinator)
    # 24.99 × 1.5 = 37.485 → 37.49 (half up, not to even); 33.33 × 1.5 = 49.995 → 50.00
    assert _approve(gig, coordinator) == (Decimal("37.49"), Decimal("50.00"))


def test_an_expert_who_takes_expenses_only_gets_no_fee_but_the_unit_is_billed(hourly, coordinator):
    modest = bookable_expert(expenses_only=True)
    gig = reported_gig(hours="3", preparation="1", expert=modest, coordinator=coordinator)
    assert _approve(gig, coordinator) == (Decimal("0.00"), Decimal("135.00"))


def test_approval_writes_the_amounts_into_the_gigs_history(terms, coordinator):
    gig = reported_gig(coordinator=coordinator)
    report_approve(gig=gig, by=coordinator)
    change = BookingChange.objects.filter(gig=gig).latest("pk")
    assert (change.from_status, change.to_status, change.by) == (
        "reported",
        "approved",
        coordinator,
    )
    assert "200" in change.note and "350" in change.note


def test_without_terms_approval_is_refused_and_nothing_changes(terms, coordinator):
    terms.valid_from = timezone.localdate() + timedelta(days=400)  # none in force when requested
    terms.save()
    gig = reported_gig(coordinator=coordinator)
    assert gig.booking.terms is None
    with pytest.raises(services.BookingError, match="has no price terms"):
        report_approve(gig=gig, by=coordinator)
    gig.refresh_from_db()
    assert (gig.status, gig.billable_amount) == (Gig.Status.REPORTED, None)
    assert GigReport.objects.get(gig=gig).status == GigReport.Status.SUBMITTED


def test_the_planned_fee_counts_the_minimum_hours_too(hourly, coordinator, anna):
    booking = request_booking(times=[(at(20, 10), at(20, 11))])
    staffed(booking, [anna], by=coordinator)
    # planned: 25 × (max(1, 2) + 1) = 75.00, the same rule approval uses
    assert Gig.objects.get(expert=anna).fee_amount == Decimal("75.00")


def test_gig_fee_keeps_its_planning_behaviour_without_reported_hours(hourly, anna):
    fee = money.gig_fee(hourly, start=at(1, 10), end=at(1, 13, 30), expert=anna)
    assert fee == Decimal("112.50")  # 25 × (3.5 + 1)
    reported = money.gig_fee(
        hourly,
        start=at(1, 10),
        end=at(1, 13, 30),
        expert=anna,
        hours=Decimal("2.5"),
        preparation_hours=Decimal("0.25"),
    )
    assert reported == Decimal("68.75")  # 25 × (2.5 + 0.25)


# --- Late cancellation ------------------------------------------------------------------------


def _cancelled_late(coordinator, experts, *, times, charge_client=True):
    booking = request_booking(times=times, experts=len(experts))
    staffed(booking, experts, by=coordinator)
    services.booking_cancel(
        booking=booking, by=coordinator, reason="Peruttu", charge_client=charge_client
    )
    booking.refresh_from_db()
    return booking


def test_a_late_cancelled_gig_gets_the_cancellation_fee_and_its_share_of_the_client_fee(
    terms, coordinator, anna
):
    other = bookable_expert()
    times = [(at(3, 10), at(3, 12)), (at(5, 10), at(5, 12))]
    booking = _cancelled_late(coordinator, [anna, other], times=times)
    assert booking.cancellation_fee == Decimal("175.00")
    for gig in Gig.objects.filter(booking=booking).order_by("start", "pk"):
        report_approve(gig=gig, by=coordinator)  # approving a late-cancelled gig settles it
    first, second = (
        Gig.objects.filter(booking=booking, expert=expert).order_by("start")
        for expert in (anna, other)
    )
    amounts = [(g.status, g.fee_amount, g.billable_amount) for g in [*first, *second]]
    assert amounts == [
        ("cancelled", Decimal("100.00"), Decimal("87.50")),
        ("cancelled", Decimal("0.00"), Decimal("0.00")),
        ("cancelled", Decimal("100.00"), Decimal("87.50")),
        ("cancelled", Decimal("0.00"), Decimal("0.00")),
    ]


def test_client_shares_that_do_not_divide_evenly_still_add_up_to_the_fee(terms, coordinator):
    terms.client_cancellation_fee = Decimal("100.00")
    terms.save()
    experts = [bookable_expert() for _ in range(3)]
    booking = _cancelled_late(coordinator, experts, times=[(at(3, 10), at(3, 12))])
    shares = sorted(a.billable for a in cancellation_amounts(booking).values())
    assert shares == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]
    assert sum(shares) == Decimal("100.00")


def test_a_late_cancellation_without_charging_the_client_bills_nothing(terms, coordinator, anna):
    booking = _cancelled_late(
        coordinator, [anna], times=[(at(3, 10), at(3, 12))], charge_client=False
    )
    gig = cancellation_settle(gig=Gig.objects.get(booking=booking), by=coordinator)
    assert (gig.fee_amount, gig.billable_amount) == (Decimal("100.00"), Decimal("0.00"))


def test_an_expenses_only_expert_gets_no_cancellation_fee(terms, coordinator):
    modest = bookable_expert(expenses_only=True)
    booking = _cancelled_late(coordinator, [modest], times=[(at(3, 10), at(3, 12))])
    gig = cancellation_settle(gig=Gig.objects.get(booking=booking), by=coordinator)
    assert (gig.fee_amount, gig.billable_amount) == (Decimal("0.00"), Decimal("175.00"))


def test_cancellation_amounts_are_fixed_once(terms, coordinator, anna):
    booking = _cancelled_late(coordinator, [anna], times=[(at(3, 10), at(3, 12))])
    gig = cancellation_settle(gig=Gig.objects.get(booking=booking), by=coordinator)
    changes = BookingChange.objects.filter(gig=gig).count()
    with pytest.raises(services.BookingError, match="already fixed"):
        cancellation_settle(gig=gig, by=coordinator)
    assert BookingChange.objects.filter(gig=gig).count() == changes


def test_a_gig_cancelled_in_good_time_has_no_cancellation_amounts(terms, coordinator, anna):
    booking = request_booking(times=[(at(30, 10), at(30, 12))])
    staffed(booking, [anna], by=coordinator)
    services.booking_cancel(booking=booking, by=coordinator, reason="Ajoissa")
    gig = Gig.objects.get(booking=booking)
    with pytest.raises(services.BookingError, match="Only a reported gig can be approved"):
        report_approve(gig=gig, by=coordinator)
    gig.refresh_from_db()
    assert (gig.fee_amount, gig.billable_amount) == (Decimal("0.00"), None)
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CANCELLED
