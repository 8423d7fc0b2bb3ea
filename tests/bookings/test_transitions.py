"""Every transition from every source state: the allowed ones work, the others are refused with a
clear message and change nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from bookings import services
from bookings.models import Assignment, Booking, BookingChange, Gig
from tests.bookings.factories import (
    FundingSourceFactory,
    at,
    bookable_expert,
    offer,
    request_booking,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

B = Booking.Status
A = Assignment.Status


@pytest.fixture
def booking(coordinator, anna):
    """A booking with one accepted expert (of one wanted), and a spare candidate."""
    booking = request_booking()
    (assignment,) = offer(booking, [anna], by=coordinator)
    services.assignment_accept(assignment=assignment, by=anna.user)
    booking.refresh_from_db()
    booking.spare = bookable_expert()
    return booking


def _force(booking: Booking, status: str) -> Booking:
    Booking.objects.filter(pk=booking.pk).update(status=status)
    booking.status = status
    return booking


BOOKING_TRANSITIONS = {
    "reject": {B.REQUESTED},
    "offer": {B.REQUESTED, B.STAFFING},
    "confirm": {B.STAFFING},
    "cancel": {B.REQUESTED, B.STAFFING, B.CONFIRMED},
    "deliver": {B.CONFIRMED},
    "close": {B.DELIVERED},
    "reschedule": {B.REQUESTED, B.STAFFING, B.CONFIRMED},
    "fund": {B.REQUESTED, B.STAFFING, B.CONFIRMED, B.DELIVERED},
}


def _do(name: str, booking: Booking, coordinator) -> None:
    if name == "reject":
        services.booking_reject(booking=booking, by=coordinator, reason="Ei käy")
    elif name == "offer":
        offer(booking, [booking.spare], by=coordinator)
    elif name == "confirm":
        services.booking_confirm(booking=booking, by=coordinator)
    elif name == "cancel":
        services.booking_cancel(booking=booking, by=coordinator, reason="Peruttu")
    elif name == "deliver":
        Booking.objects.filter(pk=booking.pk).update(last_end=timezone.now())
        services.booking_deliver(booking=booking, by=coordinator)
    elif name == "close":
        Gig.objects.filter(booking=booking).update(
            status=Gig.Status.PAID, paid_on=timezone.localdate()
        )
        services.booking_close(booking=booking, by=coordinator)
    elif name == "reschedule":
        services.occurrence_reschedule(
            occurrence=booking.occurrences.get(),
            start=at(21, 10),
            end=at(21, 12),
            by=coordinator,
        )
    elif name == "fund":
        services.booking_fund(
            booking=booking, funding_source=FundingSourceFactory(), by=coordinator
        )


@pytest.mark.parametrize("status", list(B))
@pytest.mark.parametrize("name", list(BOOKING_TRANSITIONS))
def test_a_booking_transition_runs_only_from_its_source_states(booking, coordinator, name, status):
    _force(booking, status)
    changes = BookingChange.objects.count()
    if status in BOOKING_TRANSITIONS[name]:
        _do(name, booking, coordinator)
        assert BookingChange.objects.count() > changes or name == "fund"
        return
    with pytest.raises(services.BookingError) as refused:
        _do(name, booking, coordinator)
    assert str(refused.value)
    booking.refresh_from_db()
    assert booking.status == status
    assert BookingChange.objects.count() == changes
    assert booking.funding_source is None


ASSIGNMENT_TRANSITIONS = {
    "accept": {A.OFFERED},
    "decline": {A.OFFERED},
    "withdraw": {A.ACCEPTED},
    "replace": {A.WITHDRAWN},
}


@pytest.fixture
def assignment(coordinator, anna):
    booking = request_booking()
    (assignment,) = offer(booking, [anna], by=coordinator)
    return assignment


def _answer(name: str, assignment: Assignment, coordinator) -> None:
    if name == "accept":
        services.assignment_accept(assignment=assignment, by=assignment.expert.user)
    elif name == "decline":
        services.assignment_decline(assignment=assignment, by=assignment.expert.user)
    elif name == "withdraw":
        services.assignment_withdraw(assignment=assignment, by=assignment.expert.user)
    elif name == "replace":
        services.assignment_replace(
            assignment=assignment,
            expert=bookable_expert(),
            answer_by=timezone.now() + timedelta(days=1),
            by=coordinator,
        )


@pytest.mark.parametrize("status", list(A))
@pytest.mark.parametrize("name", list(ASSIGNMENT_TRANSITIONS))
def test_an_assignment_transition_runs_only_from_its_source_states(
    assignment, coordinator, name, status
):
    Assignment.objects.filter(pk=assignment.pk).update(status=status)
    assignment.status = status
    changes = BookingChange.objects.count()
    if status in ASSIGNMENT_TRANSITIONS[name]:
        _answer(name, assignment, coordinator)
        assert BookingChange.objects.count() > changes
        return
    with pytest.raises(services.BookingError) as refused:
        _answer(name, assignment, coordinator)
    assert str(refused.value)
    assignment.refresh_from_db()
    assert assignment.status == status
    assert BookingChange.objects.count() == changes
    assert not Gig.objects.exists()


@pytest.mark.parametrize("status", [B.REQUESTED, B.DELIVERED, B.CLOSED, B.REJECTED, B.CANCELLED])
def test_an_offer_cannot_be_accepted_unless_the_booking_looks_for_experts(assignment, status):
    _force(assignment.booking, status)
    with pytest.raises(services.BookingError, match="no longer looking for experts"):
        services.assignment_accept(assignment=assignment, by=assignment.expert.user)
    assert not Gig.objects.exists()


def test_a_time_that_has_begun_cannot_be_moved(booking, coordinator):
    occurrence = booking.occurrences.get()
    occurrence.start = timezone.now() - timedelta(minutes=5)
    occurrence.save()
    with pytest.raises(services.BookingError, match="already begun"):
        services.occurrence_reschedule(
            occurrence=occurrence, start=at(21, 10), end=at(21, 12), by=coordinator
        )
