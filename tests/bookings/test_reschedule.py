"""Moving a time: its gigs follow and the experts confirm the new time."""

import pytest

from bookings import services
from bookings.models import Gig
from expertbank.models import Message
from tests.bookings.factories import at, request_booking, staffed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_the_gigs_follow_the_time_and_wait_for_the_experts_confirmation(
    coordinator, booker, anna, run_on_commit
):
    booking = request_booking(by=booker, times=[(at(20, 10), at(20, 12))])
    staffed(booking, [anna], by=coordinator)
    services.booking_confirm(booking=booking, by=coordinator)
    occurrence = booking.occurrences.get()
    with run_on_commit():
        services.occurrence_reschedule(
            occurrence=occurrence, start=at(22, 13), end=at(22, 15), by=coordinator, note="Tila"
        )
    old, new = Gig.objects.filter(expert=anna).order_by("pk")
    assert old.status == Gig.Status.RESCHEDULED
    assert (new.status, new.time_confirmed, new.previous) == (Gig.Status.PLANNED, False, old)
    assert (new.start, new.end) == (at(22, 13), at(22, 15))
    booking.refresh_from_db()
    assert (booking.first_start, booking.last_end) == (at(22, 13), at(22, 15))
    assert booking.changes.filter(note__startswith="Moved from").exists()
    assert Message.objects.filter(kind="booking_rescheduled_expert", recipient=anna.user)
    assert Message.objects.filter(kind="booking_rescheduled_unit", recipient=booker)
    services.gig_time_confirm(gig=new, by=anna.user)
    new.refresh_from_db()
    assert new.time_confirmed
    with pytest.raises(services.BookingError, match="already confirmed"):
        services.gig_time_confirm(gig=new, by=anna.user)


def test_a_reschedule_to_the_same_time_is_refused(coordinator):
    booking = request_booking(times=[(at(20, 10), at(20, 12))])
    with pytest.raises(services.BookingError, match="Nothing changed"):
        services.occurrence_reschedule(
            occurrence=booking.occurrences.get(), start=at(20, 10), end=at(20, 12), by=coordinator
        )


def test_a_reschedule_into_the_past_is_refused(coordinator):
    booking = request_booking()
    with pytest.raises(services.BookingError, match="in the future"):
        services.occurrence_reschedule(
            occurrence=booking.occurrences.get(), start=at(-1, 10), end=at(-1, 12), by=coordinator
        )
