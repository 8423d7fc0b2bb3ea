"""The booking lifecycle through its services: request, offer, answers, confirmation."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from bookings import services
from bookings.models import Assignment, Booking, BookingChange, Gig
from expertbank.models import Message
from tests.bookings.factories import (
    at,
    bookable_expert,
    offer,
    request_booking,
    staffed,
)
from tests.bookings.reports_factories import reported_gig

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_a_request_is_saved_as_requested_with_its_times_and_a_history_row(booker, run_on_commit):
    with run_on_commit():
        booking = request_booking(
            by=booker,
            times=[(at(20, 10), at(20, 12)), (at(27, 10), at(27, 12))],
            kind=Booking.Kind.SERIES,
        )
    assert booking.status == Booking.Status.REQUESTED
    assert booking.occurrences.count() == 2
    assert booking.first_start == at(20, 10)
    assert booking.last_end == at(27, 12)
    change = BookingChange.objects.get(booking=booking)
    assert (change.by, change.from_status, change.to_status) == (booker, "", "requested")
    assert [m.to for m in mail.outbox] == [[booker.email]]


def test_offers_accepts_and_confirmation_run_the_whole_way(coordinator, anna, terms, run_on_commit):
    other = bookable_expert()
    booking = request_booking(experts=2)
    with run_on_commit():
        assignments = offer(booking, [anna, other], by=coordinator)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.STAFFING
    assert {m.kind for m in Message.objects.all()} >= {"booking_offer"}
    offer_mail = next(m for m in mail.outbox if m.to == [anna.user.email])
    assert "/gigs/answer/" in offer_mail.body
    for assignment in assignments:
        services.assignment_accept(assignment=assignment, by=assignment.expert.user)
    gigs = Gig.objects.filter(booking=booking)
    assert gigs.count() == 2
    assert all(gig.status == Gig.Status.PLANNED for gig in gigs)
    assert all(gig.fee_amount == terms.expert_fee for gig in gigs)
    assert all(gig.busy_until == gig.end + timedelta(minutes=30) for gig in gigs)
    with run_on_commit():
        services.booking_confirm(booking=booking, by=coordinator)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    kinds = set(Message.objects.values_list("kind", flat=True))
    assert {"booking_confirmed_expert", "booking_confirmed_unit"} <= kinds
    unit_mail = Message.objects.get(kind="booking_confirmed_unit")
    assert "Anna K." in unit_mail.body
    assert anna.user.full_name not in unit_mail.body  # the unit sees the alias only


def test_confirm_is_refused_with_fewer_experts_than_wanted(coordinator, anna):
    booking = request_booking(experts=2)
    staffed(booking, [anna], by=coordinator)
    with pytest.raises(services.BookingError, match="Only 1 of the 2 experts"):
        services.booking_confirm(booking=booking, by=coordinator)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.STAFFING


def test_confirm_is_refused_the_second_time(coordinator, anna):
    booking = request_booking()
    staffed(booking, [anna], by=coordinator)
    services.booking_confirm(booking=booking, by=coordinator)
    changes = BookingChange.objects.count()
    with pytest.raises(services.BookingError, match="already confirmed"):
        services.booking_confirm(booking=booking, by=coordinator)
    assert BookingChange.objects.count() == changes


def test_confirming_closes_the_offers_still_open(coordinator, anna):
    late = bookable_expert()
    booking = request_booking()
    first, second = offer(booking, [anna, late], by=coordinator)
    services.assignment_accept(assignment=first, by=anna.user)
    services.booking_confirm(booking=booking, by=coordinator)
    second.refresh_from_db()
    assert second.status == Assignment.Status.EXPIRED
    assert Message.objects.filter(kind="booking_offer_closed", recipient=late.user).exists()


def test_an_accept_after_the_seats_are_filled_is_refused(coordinator, anna):
    other = bookable_expert()
    booking = request_booking(experts=1)
    first, second = offer(booking, [anna, other], by=coordinator)
    services.assignment_accept(assignment=first, by=anna.user)
    with pytest.raises(services.BookingError, match="already been found"):
        services.assignment_accept(assignment=second, by=other.user)
    second.refresh_from_db()
    # Closed when the last seat was filled (tests/bookings/test_offers_covered.py).
    assert second.status == Assignment.Status.EXPIRED
    assert not Gig.objects.filter(expert=other).exists()


def test_an_accept_after_the_deadline_is_refused_and_changes_nothing(coordinator, anna):
    booking = request_booking()
    (assignment,) = offer(booking, [anna], by=coordinator)
    Assignment.objects.filter(pk=assignment.pk).update(answer_by=timezone.now())
    with pytest.raises(services.BookingError, match="time to answer this offer ended"):
        services.assignment_accept(assignment=assignment, by=anna.user)
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.OFFERED
    assert not Gig.objects.exists()


def test_a_decline_is_recorded_with_its_reason(coordinator, anna):
    booking = request_booking()
    (assignment,) = offer(booking, [anna], by=coordinator)
    services.assignment_decline(assignment=assignment, by=anna.user, reason="Olen lomalla")
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.DECLINED
    assert assignment.changes.last().note == "Olen lomalla"


def test_an_offer_goes_only_to_candidates(coordinator, anna):
    resting = bookable_expert()
    resting.status = resting.Status.PAUSED
    resting.save()
    booking = request_booking()
    with pytest.raises(services.BookingError, match="cannot be offered"):
        offer(booking, [anna, resting], by=coordinator)
    assert not Assignment.objects.exists()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.REQUESTED


def test_an_offer_needs_a_deadline_before_the_first_time(coordinator, anna):
    booking = request_booking(times=[(at(3, 10), at(3, 12))])
    with pytest.raises(services.BookingError, match="before the first time"):
        offer(booking, [anna], by=coordinator, answer_by=at(4, 10))
    with pytest.raises(services.BookingError, match="in the future"):
        offer(booking, [anna], by=coordinator, answer_by=timezone.now() - timedelta(hours=1))


def test_an_expert_who_withdraws_is_replaced_and_the_unit_hears_of_the_new_expert(
    coordinator, anna, run_on_commit
):
    booking = request_booking()
    (assignment,) = staffed(booking, [anna], by=coordinator)
    services.booking_confirm(booking=booking, by=coordinator)
    with run_on_commit():
        services.assignment_withdraw(assignment=assignment, by=anna.user, reason="Sairastuin")
    assert not Message.objects.filter(kind="coordinator_urgent").exists()  # weeks away
    assert Message.objects.filter(kind="coordinator_withdrawn", recipient=coordinator).count() == 1
    assert set(Gig.objects.values_list("status", flat=True)) == {Gig.Status.CANCELLED}
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    substitute = bookable_expert(public_alias="Sijainen")
    assignment.refresh_from_db()
    replacement = services.assignment_replace(
        assignment=assignment,
        expert=substitute,
        answer_by=timezone.now() + timedelta(days=1),
        by=coordinator,
    )
    assert replacement.replacement_for == assignment
    with pytest.raises(services.BookingError, match="already been offered"):
        services.assignment_replace(
            assignment=assignment,
            expert=bookable_expert(),
            answer_by=timezone.now() + timedelta(days=1),
            by=coordinator,
        )
    services.assignment_accept(assignment=replacement, by=substitute.user)
    assert Gig.objects.filter(expert=substitute, status=Gig.Status.PLANNED).count() == 1
    changed = Message.objects.get(kind="booking_experts_changed")
    assert "Sijainen" in changed.body
    assert Message.objects.filter(kind="booking_confirmed_expert", recipient=substitute.user)


def test_a_coordinator_who_takes_an_expert_off_tells_the_expert(coordinator, anna):
    booking = request_booking()
    (assignment,) = staffed(booking, [anna], by=coordinator)
    services.assignment_withdraw(assignment=assignment, by=coordinator, reason="Vaihto")
    assert Message.objects.filter(kind="booking_released", recipient=anna.user).exists()


def test_a_rejected_request_tells_the_unit_why(coordinator, booker):
    booking = request_booking(by=booker)
    services.booking_reject(booking=booking, by=coordinator, reason="Ei resursseja")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.REJECTED
    message = Message.objects.get(kind="booking_rejected")
    assert message.recipient == booker
    assert "Ei resursseja" in message.body


def test_a_reject_needs_a_reason(coordinator):
    booking = request_booking()
    with pytest.raises(services.BookingError, match="why"):
        services.booking_reject(booking=booking, by=coordinator, reason="  ")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.REQUESTED


def test_delivery_waits_for_the_last_time_to_end(coordinator, anna):
    booking = request_booking()
    staffed(booking, [anna], by=coordinator)
    services.booking_confirm(booking=booking, by=coordinator)
    with pytest.raises(services.BookingError, match="has not ended"):
        services.booking_deliver(booking=booking, by=coordinator)
    Booking.objects.filter(pk=booking.pk).update(last_end=timezone.now() - timedelta(minutes=1))
    services.booking_deliver(booking=booking, by=coordinator)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.DELIVERED


def test_a_booking_closes_only_when_every_gig_that_carries_money_is_paid(coordinator, terms, anna):
    gig = reported_gig(expert=anna, coordinator=coordinator)
    booking = gig.booking
    services.booking_deliver(booking=booking, by=coordinator)
    with pytest.raises(services.BookingError, match="not settled"):  # reported
        services.booking_close(booking=booking, by=coordinator)
    services.report_approve(gig=gig, by=coordinator)
    with pytest.raises(services.BookingError, match="not settled"):  # approved, not paid
        services.booking_close(booking=booking, by=coordinator)
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.DELIVERED
    services.gigs_mark_paid(gigs=[gig], paid_on=timezone.localdate(), by=coordinator)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CLOSED  # paying its last gig closed it
    assert booking.changes.filter(to_status=Booking.Status.CLOSED).count() == 1


def test_an_expert_who_takes_expenses_only_has_no_fee(coordinator, terms):
    modest = bookable_expert(expenses_only=True)
    booking = request_booking()
    staffed(booking, [modest], by=coordinator)
    assert Gig.objects.get(expert=modest).fee_amount == 0


def test_an_hourly_fee_counts_the_hours_and_the_preparation(coordinator, terms, anna):
    terms.fee_unit = "hour"
    terms.expert_fee = 25
    terms.preparation_hours = 1
    terms.save()
    booking = request_booking(times=[(at(20, 10), at(20, 12, 30))])
    staffed(booking, [anna], by=coordinator)
    assert Gig.objects.get(expert=anna).fee_amount == 25 * 3.5
