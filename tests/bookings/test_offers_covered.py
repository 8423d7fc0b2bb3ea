"""Offers once a booking is full: when the last seat is filled the other open offers close at
once with a kind message ("this one is already covered"), stop counting as waiting, and an
answer link or offer page of a closed or expired offer shows its state without answer buttons."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from bookings import selectors, services
from bookings.matching import ExclusionReason as Why
from bookings.matching import refusals
from bookings.models import Assignment, Booking, BookingChange, Gig
from bookings.services.staffing import covered_note
from expertbank.models import Message
from tests.bookings.factories import bookable_expert, offer, request_booking

pytestmark = pytest.mark.django_db

A = Assignment.Status
ANSWER_BUTTON = "Yes, I&#x27;ll come"


def _path(url: str) -> str:
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


@pytest.fixture
def full(coordinator):
    """A booking for two experts offered to four; two accept, two are still asked."""
    experts = [bookable_expert() for _ in range(4)]
    booking = request_booking(title="Kevätseminaari Tampereella", experts=2)
    first, second, third, fourth = offer(booking, experts, by=coordinator)
    services.assignment_accept(assignment=first, by=first.expert.user)
    assert Assignment.objects.filter(status=A.OFFERED).count() == 3  # a seat is still free
    services.assignment_accept(assignment=second, by=second.expert.user)
    for assignment in (first, second, third, fourth):
        assignment.refresh_from_db()
    return booking, (first, second), (third, fourth)


def test_the_last_seat_closes_the_other_offers_at_once_with_a_kind_message(full):
    booking, accepted, others = full
    assert [a.status for a in accepted] == [A.ACCEPTED, A.ACCEPTED]
    assert [a.status for a in others] == [A.EXPIRED, A.EXPIRED]
    for assignment in others:
        row = assignment.changes.order_by("pk").last()
        assert (row.from_status, row.to_status, row.by) == (A.OFFERED, A.EXPIRED, None)
        assert row.note == covered_note()  # in the language the service ran in
        message = Message.objects.get(kind="booking_offer_closed", recipient=assignment.expert.user)
        assert booking.title in message.body
        assert "already covered" in message.body
        assert "Thank you" in message.body
    # Those who accepted hear nothing of the kind.
    assert not Message.objects.filter(
        kind="booking_offer_closed", recipient__in=[a.expert.user for a in accepted]
    ).exists()


def test_closed_offers_stop_counting_as_waiting(full):
    booking, _accepted, others = full
    assert not selectors.offers_waiting().filter(booking=booking).exists()
    counted = selectors.coordinator_booking_list().get(pk=booking.pk)
    assert (counted.offered_count, counted.accepted_count) == (0, 2)
    assert selectors.ready_to_confirm().filter(pk=booking.pk).exists()
    # Among the candidates they are no longer "already on this booking" (for a replacement).
    why = refusals(booking, experts=[a.expert for a in others])
    for assignment in others:
        assert Why.ON_BOOKING not in {r.code for r in why.get(assignment.expert_id, [])}


def test_confirming_afterwards_closes_nothing_twice(full, coordinator):
    booking, _accepted, others = full
    messages = Message.objects.filter(kind="booking_offer_closed").count()
    services.booking_confirm(booking=booking, by=coordinator)
    assert Message.objects.filter(kind="booking_offer_closed").count() == messages
    assert BookingChange.objects.filter(assignment__in=others, to_status=A.EXPIRED).count() == 2


def test_a_covered_offers_answer_link_shows_the_state_without_buttons(client, full, english):
    booking, _accepted, (third, _fourth) = full
    path = _path(services.answer_url(third, "accept"))
    page = client.get(path, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert booking.title in page
    assert "already covered" in page
    assert ANSWER_BUTTON not in page
    assert 'name="answer"' not in page
    response = client.post(path, {"answer": "accept"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "already been found" in response.content.decode()
    assert not Gig.objects.filter(assignment=third).exists()


def test_a_covered_offer_in_the_portal_shows_the_state_without_buttons(client, full):
    _booking, _accepted, (third, _fourth) = full
    client.force_login(third.expert.user)  # reads the site in English (bookable_expert)
    page = client.get(reverse("bookings_expert:offer", args=[third.pk])).content.decode()
    assert "already covered" in page
    assert ANSWER_BUTTON not in page
    assert reverse("bookings_expert:accept", args=[third.pk]) not in page


def test_an_offer_past_its_deadline_shows_the_state_without_buttons(client, coordinator, english):
    expert = bookable_expert()
    (assignment,) = offer(request_booking(), [expert], by=coordinator)
    Assignment.objects.filter(pk=assignment.pk).update(
        answer_by=timezone.now() - timedelta(hours=1)
    )
    page = client.get(_path(services.answer_url(assignment)), HTTP_ACCEPT_LANGUAGE="en")
    text = page.content.decode()
    assert "The time to answer this offer ended" in text
    assert ANSWER_BUTTON not in text
    # Once the expiry run has closed it, the link says so too.
    services.offers_expire()
    path = _path(services.answer_url(assignment))
    text = client.get(path, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "This offer is closed. No answer by the deadline." in text
    assert ANSWER_BUTTON not in text


def test_an_open_offer_still_has_its_buttons(client, coordinator):
    expert = bookable_expert()
    booking = request_booking(experts=2)
    first, second = offer(booking, [expert, bookable_expert()], by=coordinator)
    services.assignment_accept(assignment=first, by=expert.user)
    second.refresh_from_db()
    assert second.status == A.OFFERED  # one seat is still free: nobody is let go
    page = client.get(_path(services.answer_url(second))).content.decode()
    assert 'value="accept"' in page
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.STAFFING
