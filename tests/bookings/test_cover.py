"""Cover without blame (issue 17): an expert withdraws in two taps without a reason or a mark
against them; the seat is offered to the reserve list automatically (least recently offered
first) unless the coordinator asks to be asked first; the unit hears only of the result."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bookings import services
from bookings.matching import rank_candidates
from bookings.models import Assignment, Booking, Gig, Occurrence
from expertbank.models import Message
from tests.bookings.factories import at, bookable_expert, offer, request_booking, staffed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _confirmed(coordinator, expert, **kwargs) -> tuple[Booking, Assignment]:
    booking = request_booking(**kwargs)
    (assignment,) = staffed(booking, [expert], by=coordinator)
    services.booking_confirm(booking=booking, by=coordinator)
    booking.refresh_from_db()
    return booking, assignment


def _soon(booking: Booking, hours: int = 20) -> None:
    """Move the booking's only time to ``hours`` from now."""
    start = timezone.now().replace(microsecond=0) + timedelta(hours=hours)
    end = start + timedelta(hours=2)
    Occurrence.objects.filter(booking=booking).update(start=start, end=end)
    Gig.objects.filter(booking=booking).update(start=start, end=end, busy_until=end)
    Booking.objects.filter(pk=booking.pk).update(first_start=start, last_end=end)
    booking.refresh_from_db()


def test_withdrawing_offers_the_seat_to_the_reserve_least_recently_offered_first(
    client, coordinator, anna, run_on_commit
):
    busy = bookable_expert(public_alias="Usein")
    fresh = bookable_expert(public_alias="Harvoin")
    # ``busy`` was offered another gig a moment ago, ``fresh`` never: fresh is asked first.
    offer(request_booking(title="Toinen"), [busy], by=coordinator)
    booking, assignment = _confirmed(coordinator, anna)
    Message.objects.all().delete()
    client.force_login(anna.user)
    page = client.get(reverse("bookings_expert:withdraw", args=[assignment.pk]))
    assert "optional" in page.content.decode()
    with run_on_commit():
        response = client.post(reverse("bookings_expert:withdraw", args=[assignment.pk]), {})
    assert response.status_code == 302, response.content.decode()[-3000:]
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.WITHDRAWN
    first = Assignment.objects.get(booking=booking, status=Assignment.Status.OFFERED)
    assert (first.expert, first.replacement_for, first.offered_by) == (fresh, assignment, None)
    assert first.answer_by <= timezone.now() + timedelta(hours=24)
    # The unit hears nothing yet.
    unit_kinds = set(Message.objects.filter(recipient=booking.requested_by).values_list("kind"))
    assert unit_kinds == set()
    # Declined: the next on the reserve list is asked.
    services.assignment_decline(assignment=first, by=fresh.user)
    second = Assignment.objects.get(booking=booking, status=Assignment.Status.OFFERED)
    assert (second.expert, second.replacement_for) == (busy, assignment)
    with run_on_commit():
        services.assignment_accept(assignment=second, by=busy.user)
    changed = Message.objects.get(kind="booking_experts_changed")
    assert changed.recipient == booking.requested_by
    assert "Usein" in changed.body
    assert not Message.objects.filter(kind="booking_cover_none_unit").exists()


def test_a_withdrawal_leaves_no_mark_in_the_ranking(coordinator, anna):
    _booking, assignment = _confirmed(coordinator, anna)
    other = request_booking(title="Myöhemmin", times=[(at(30, 10), at(30, 12))])
    before = next(c for c in rank_candidates(other).ranked if c.expert == anna)
    services.assignment_withdraw(assignment=assignment, by=anna.user, reason="")
    after = next(c for c in rank_candidates(other).ranked if c.expert == anna)
    assert after.score == before.score
    assert (after.gigs_90, after.hours_90) == (before.gigs_90, before.hours_90)
    assert [r.code for r in after.reasons] == [r.code for r in before.reasons]


def test_nobody_left_on_the_reserve_far_ahead_leaves_it_to_the_coordinator(coordinator, anna):
    booking, assignment = _confirmed(coordinator, anna)
    services.assignment_withdraw(assignment=assignment, by=anna.user, reason="")
    assert not Assignment.objects.filter(booking=booking, status="offered").exists()
    assert not Message.objects.filter(recipient=booking.requested_by).exclude(
        kind__in=["booking_received", "booking_confirmed_unit"]
    )


def test_nobody_left_on_the_reserve_tells_the_unit_and_the_coordinator(
    coordinator, anna, run_on_commit
):
    booking, assignment = _confirmed(coordinator, anna)
    _soon(booking)
    with run_on_commit():
        services.assignment_withdraw(assignment=assignment, by=anna.user, reason="")
    assert not Assignment.objects.filter(booking=booking, status="offered").exists()
    unit = Message.objects.get(kind="booking_cover_none_unit")
    assert unit.recipient == booking.requested_by
    assert "could not find a replacement" in unit.body
    assert Message.objects.get(kind="coordinator_cover_none").recipient == coordinator


def test_an_expired_replacement_offer_passes_to_the_next(coordinator, anna):
    first_expert = bookable_expert()
    booking, assignment = _confirmed(coordinator, anna)
    _soon(booking)
    services.assignment_withdraw(assignment=assignment, by=anna.user, reason="")
    first = Assignment.objects.get(booking=booking, status="offered")
    assert first.expert == first_expert
    assert first.answer_by <= booking.first_start - timedelta(hours=9)
    Assignment.objects.filter(pk=first.pk).update(answer_by=timezone.now() - timedelta(minutes=1))
    services.offers_expire()
    # Nobody else in the pool: the unit is told none was found.
    assert Message.objects.filter(kind="booking_cover_none_unit").count() == 1


def test_ask_me_first_offers_nobody(client, coordinator, anna):
    bookable_expert()
    booking, assignment = _confirmed(coordinator, anna)
    client.force_login(coordinator)
    url = reverse("bookings_coordinator:cover_mode", args=[booking.pk])
    client.post(url, {"automatic": "maybe"})
    booking.refresh_from_db()
    assert booking.cover_automatically
    client.post(url, {"automatic": "0"})
    booking.refresh_from_db()
    assert not booking.cover_automatically
    services.assignment_withdraw(assignment=assignment, by=anna.user, reason="")
    assert not Assignment.objects.filter(booking=booking, status="offered").exists()
    assert not Message.objects.filter(kind="booking_cover_none_unit").exists()
    page = client.get(reverse("bookings_coordinator:detail", args=[booking.pk]))
    assert "Find cover automatically" in page.content.decode()


def test_another_experts_gig_cannot_be_withdrawn(client, coordinator, anna):
    _booking, assignment = _confirmed(coordinator, anna)
    stranger = bookable_expert()
    client.force_login(stranger.user)
    url = reverse("bookings_expert:withdraw", args=[assignment.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {}).status_code == 404
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.ACCEPTED


def test_a_gig_that_has_started_cannot_be_withdrawn_from(client, coordinator, anna):
    _booking, assignment = _confirmed(coordinator, anna)
    now = timezone.now()
    Gig.objects.filter(assignment=assignment).update(
        start=now - timedelta(minutes=30), end=now + timedelta(hours=1)
    )
    client.force_login(anna.user)
    response = client.post(reverse("bookings_expert:withdraw", args=[assignment.pk]), {})
    assert response.status_code == 200
    assert "already started" in response.content.decode()
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.ACCEPTED
    assert Gig.objects.get(assignment=assignment).status == Gig.Status.PLANNED
