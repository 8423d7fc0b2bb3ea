"""No expert ever holds two planned gigs that overlap, travel buffer included."""

import pytest

from bookings import services
from bookings.matching import rank_candidates
from bookings.models import Booking, Gig
from tests.bookings.factories import at, bookable_expert, offer, request_booking, staffed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def busy(coordinator, anna):
    """Anna already has a gig from 10.00 to 12.00 in twenty days."""
    staffed(request_booking(times=[(at(20, 10), at(20, 12))]), [anna], by=coordinator)
    return anna


def _offer_at(coordinator, expert, start, end):
    booking = request_booking(times=[(start, end)])
    (assignment,) = offer(booking, [expert], by=coordinator)
    return assignment


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (at(20, 11), at(20, 13)),  # overlaps
        (at(20, 9), at(20, 13)),  # covers
        (at(20, 12, 20), at(20, 13)),  # 20 minutes after: too close for travel
        (at(20, 8), at(20, 9, 40)),  # ends 20 minutes before
    ],
)
def test_a_clashing_accept_is_refused_with_a_clear_message(coordinator, busy, start, end):
    booking = request_booking(times=[(start, end)])
    ranked = {candidate.expert for candidate in rank_candidates(booking).ranked}
    assert busy not in ranked  # a busy expert is not offered…
    # …and an offer sent before the other gig was taken cannot be accepted:
    (stale,) = offer(booking, [bookable_expert()], by=coordinator)
    stale.expert = busy
    stale.save()
    with pytest.raises(services.BookingError) as refused:
        services.assignment_accept(assignment=stale, by=busy.user)
    assert "You already have a gig on" in str(refused.value)
    assert "30 minutes between them" in str(refused.value)
    stale.refresh_from_db()
    assert stale.status == "offered"
    assert Gig.objects.filter(expert=busy, status=Gig.Status.PLANNED).count() == 1


@pytest.mark.parametrize(
    ("start", "end"),
    [(at(20, 12, 30), at(20, 14)), (at(20, 8), at(20, 9, 30)), (at(21, 10), at(21, 12))],
)
def test_a_gig_exactly_the_buffer_away_is_fine(coordinator, busy, start, end):
    assignment = _offer_at(coordinator, busy, start, end)
    services.assignment_accept(assignment=assignment, by=busy.user)
    assert Gig.objects.filter(expert=busy, status=Gig.Status.PLANNED).count() == 2


def test_the_buffer_is_a_setting_that_applies_to_gigs_planned_after_a_change(
    coordinator, anna, settings
):
    settings.GIG_TRAVEL_BUFFER_MINUTES = 0
    staffed(request_booking(times=[(at(20, 10), at(20, 12))]), [anna], by=coordinator)
    assignment = _offer_at(coordinator, anna, at(20, 12), at(20, 13))
    services.assignment_accept(assignment=assignment, by=anna.user)
    settings.GIG_TRAVEL_BUFFER_MINUTES = 90
    early = _offer_at(coordinator, bookable_expert(), at(20, 7), at(20, 8, 45))
    early.expert = anna
    early.save()
    with pytest.raises(services.BookingError, match="90 minutes"):
        services.assignment_accept(assignment=early, by=anna.user)


def test_a_cancelled_gig_frees_the_time(coordinator, busy):
    booking = Gig.objects.get(expert=busy).booking
    services.booking_cancel(booking=booking, by=coordinator, reason="")
    assignment = _offer_at(coordinator, busy, at(20, 10), at(20, 12))
    services.assignment_accept(assignment=assignment, by=busy.user)


def test_a_request_whose_own_times_clash_is_refused(booker):
    with pytest.raises(services.BookingError, match="closer than 30 minutes"):
        request_booking(
            by=booker,
            times=[(at(20, 10), at(20, 12)), (at(20, 12, 15), at(20, 14))],
            kind=Booking.Kind.FIXED_TERM,
        )
    assert not Booking.objects.exists()


def test_a_reschedule_onto_an_experts_other_gig_is_refused_by_name(coordinator, busy):
    booking = request_booking(times=[(at(22, 10), at(22, 12))])
    staffed(booking, [busy], by=coordinator)
    occurrence = booking.occurrences.get()
    with pytest.raises(services.BookingError) as refused:
        services.occurrence_reschedule(
            occurrence=occurrence, start=at(20, 11), end=at(20, 13), by=coordinator
        )
    assert busy.name in str(refused.value)
    occurrence.refresh_from_db()
    assert occurrence.start == at(22, 10)
    assert not Gig.objects.filter(status=Gig.Status.RESCHEDULED).exists()
