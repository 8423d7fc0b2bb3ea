"""Withdrawing consent in the expert pool withdraws the expert's open offers in the same
transaction: offers close, bookings not yet confirmed lose the expert, confirmed gigs stay and are
flagged to the coordinators, with the history rows and one message."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookings import services
from bookings.models import Assignment, Booking, BookingChange, Gig
from expertbank.models import Message
from experts.services import consent_withdraw
from tests.bookings.factories import at, bookable_expert, confirmed, offer, request_booking, staffed

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_pages")]

A = Assignment.Status
REASON = "Consent to the privacy notice was withdrawn."


@pytest.fixture
def bookings_of(anna, coordinator):
    """Anna's open offer, her accepted seat on a booking still looking for a second expert, and
    her confirmed booking, each on its own day."""
    open_offer = request_booking(title="Avoin tarjous", times=[(at(20, 10), at(20, 12))])
    (offered,) = offer(open_offer, [anna], by=coordinator)
    staffing = request_booking(title="Etsii vielä", times=[(at(21, 10), at(21, 12))], experts=2)
    (accepted,) = staffed(staffing, [anna], by=coordinator)
    booking = confirmed(
        experts=[anna],
        coordinator=coordinator,
        title="Vahvistettu",
        times=[(at(22, 10), at(22, 12))],
    )
    kept = booking.assignments.get()
    return offered, accepted, kept


def _refresh(*objs):
    for obj in objs:
        obj.refresh_from_db()


def test_withdrawing_consent_closes_the_experts_open_offers(anna, bookings_of):
    offered, _accepted, _kept = bookings_of
    consent_withdraw(expert=anna, by=anna.user)
    offered.refresh_from_db()
    assert offered.status == A.EXPIRED
    row = offered.changes.order_by("pk").last()
    assert (row.from_status, row.to_status, row.note, row.by) == (
        A.OFFERED,
        A.EXPIRED,
        REASON,
        anna.user,
    )


def test_a_closed_offer_can_no_longer_be_accepted(client, anna, bookings_of):
    offered, _accepted, _kept = bookings_of
    consent_withdraw(expert=anna, by=anna.user)
    path = reverse("bookings_expert:answer", args=[services.answer_token(offered)])
    response = client.post(path, {"answer": "accept"})
    assert response.status_code == 400
    assert "This offer is no longer open." in response.content.decode()
    assert not Gig.objects.filter(assignment=offered).exists()


def test_an_accepted_expert_leaves_a_booking_not_yet_confirmed(anna, bookings_of):
    _offered, accepted, _kept = bookings_of
    gig = accepted.gigs.get()
    consent_withdraw(expert=anna, by=anna.user)
    _refresh(accepted, gig)
    assert accepted.status == A.WITHDRAWN
    assert (gig.status, gig.fee_amount) == (Gig.Status.CANCELLED, 0)
    rows = BookingChange.objects.filter(booking=accepted.booking, note=REASON)
    assert {(r.assignment_id, r.gig_id, r.to_status) for r in rows} == {
        (accepted.pk, None, A.WITHDRAWN),
        (accepted.pk, gig.pk, Gig.Status.CANCELLED),
    }
    assert services.assignment_can_replace(
        accepted, booking=accepted.booking, accepted=0
    )  # the coordinator can offer the seat to someone else


def test_a_confirmed_booking_keeps_the_expert_and_its_gigs(anna, bookings_of):
    offered, _accepted, kept = bookings_of
    history = BookingChange.objects.filter(booking=kept.booking).count()
    consent_withdraw(expert=anna, by=anna.user)
    _refresh(offered, kept)
    assert offered.status == A.EXPIRED  # the same withdrawal closed the open offer
    assert kept.status == A.ACCEPTED
    assert kept.booking.status == Booking.Status.CONFIRMED
    assert kept.gigs.get().status == Gig.Status.PLANNED
    assert BookingChange.objects.filter(booking=kept.booking).count() == history


def test_the_coordinator_who_offered_is_told_once_what_happened(
    anna, bookings_of, coordinator, run_on_commit
):
    consent_withdraw(expert=anna, by=anna.user)
    (message,) = Message.objects.filter(kind="booking_consent_withdrawn")
    assert message.recipient == coordinator
    body = message.body
    assert anna.name in message.subject
    confirmed_part, rest = body.split("Taken off these bookings", 1)
    assert "Still on these confirmed bookings" in confirmed_part and "Vahvistettu" in confirmed_part
    taken_off_part, closed_part = rest.split("Open offers closed:", 1)
    assert "Etsii vielä" in taken_off_part
    assert "Avoin tarjous" in closed_part


def test_withdrawing_consent_in_the_portal_withdraws_the_offers(client, anna, bookings_of):
    offered, accepted, kept = bookings_of
    client.force_login(anna.user)
    response = client.post(reverse("experts:consent_withdraw"))
    assert response.status_code == 302
    _refresh(offered, accepted, kept)
    assert (offered.status, accepted.status, kept.status) == (A.EXPIRED, A.WITHDRAWN, A.ACCEPTED)


def test_a_coordinator_recording_the_withdrawal_withdraws_the_offers(bookings_of, coordinator):
    offered, _accepted, _kept = bookings_of
    consent_withdraw(expert=offered.expert, by=coordinator)
    offered.refresh_from_db()
    assert offered.status == A.EXPIRED
    assert offered.changes.order_by("pk").last().by == coordinator


def test_other_experts_offers_are_untouched(anna, coordinator):
    other = bookable_expert()
    booking = request_booking(experts=2)
    mine, theirs = offer(booking, [anna, other], by=coordinator)
    consent_withdraw(expert=anna, by=anna.user)
    _refresh(mine, theirs)
    assert (mine.status, theirs.status) == (A.EXPIRED, A.OFFERED)


def _panel(page: str) -> str:
    """The work-queue panel of coming gigs without consent, up to the next panel."""
    return page.split("Coming gigs of experts without consent", 1)[1].split("Ready to confirm")[0]


def test_the_work_queue_lists_the_confirmed_gigs_left_without_consent(
    client, anna, bookings_of, coordinator
):
    client.force_login(coordinator)
    assert "Vahvistettu" not in _panel(client.get(reverse("coordinator_home")).content.decode())
    consent_withdraw(expert=anna, by=anna.user)
    panel = _panel(client.get(reverse("coordinator_home")).content.decode())
    assert "Vahvistettu" in panel and anna.name in panel
    assert "Etsii vielä" not in panel  # she left that booking: nothing to settle


def test_the_panel_takes_the_same_queries_for_1_and_50_gigs(client, coordinator):
    client.force_login(coordinator)
    experts = [bookable_expert() for _ in range(50)]

    def make(chosen, offset):
        for index, expert in enumerate(chosen):
            day = 10 + offset + index
            confirmed(experts=[expert], coordinator=coordinator, times=[(at(day), at(day, 12))])
            consent_withdraw(expert=expert, by=coordinator)

    make(experts[:1], 0)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("coordinator_home"))
    make(experts[1:], 1)
    with CaptureQueriesContext(connection) as fifty:
        page = client.get(reverse("coordinator_home")).content.decode()
    assert len(fifty) == len(one)
    assert _panel(page).count("/coordinator/bookings/") == 5  # the first five rows
