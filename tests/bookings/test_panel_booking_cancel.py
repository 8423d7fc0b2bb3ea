"""A customer panel's meetings booking is not cancelled, changed or withdrawn from as a booking
(issue 17): the panel's organiser changes its meetings and members on the panel's pages. The
unit's and the coordinator's cancel and change pages refuse it with a message and change
nothing, the booking pages offer no cancel button but the way to the panel, and another
organisation's panel booking answers 404 as every booking of another organisation does. A
member who cannot come to a meeting does not withdraw (that would leave every meeting and offer
the seat to experts who are not members): the gig page offers no withdrawal, and the page, the
service and a NO by text message say why and change nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from bookings import services as booking_services
from bookings.models import Assignment, Booking, BookingChange, Gig
from bookings.services import BookingError
from bookings.services import panels as services
from expertbank import sms
from tests.bookings.factories import bookable_expert, member, request_booking
from tests.bookings.test_panels import local, new_panel, panel_terms  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_pages")]

REFUSAL = "It is not cancelled as a booking"


@pytest.fixture
def panel(organiser, panel_terms, coordinator):  # noqa: F811 (the fixture imported above)
    panel = new_panel(organiser)
    services.panel_member_add(
        panel=panel,
        expert=bookable_expert(),
        answers={"Age group": "50+", "Region": "North"},
        by=coordinator,
    )
    soon = timezone.localdate() + timedelta(days=14)
    services.panel_meeting_add(
        panel=panel, start=local(soon, 17), end=local(soon, 19), by=organiser
    )
    return panel


@pytest.fixture
def seat(panel):
    """The panel member's accepted assignment, with a text-message code."""
    assignment = panel.booking.assignments.get()
    Assignment.objects.filter(pk=assignment.pk).update(sms_code="4821")
    assignment.expert.user.phone = "+358401112223"
    assignment.expert.user.phone_verified_at = timezone.now()
    assignment.expert.user.save()
    assignment.refresh_from_db()
    return assignment


@pytest.fixture
def organiser(db):
    return member()


def state(booking: Booking) -> tuple:
    booking.refresh_from_db()
    gigs = tuple(
        Gig.objects.filter(booking=booking).order_by("pk").values_list("status", "fee_amount")
    )
    return booking.status, booking.cancellation_fee, gigs, BookingChange.objects.count()


def flash(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_the_service_refuses_to_cancel_a_panels_meetings_booking(panel, organiser):
    booking = panel.booking
    before = state(booking)
    assert booking_services.booking_is_panel(booking)
    assert not booking_services.booking_can_cancel(booking)
    with pytest.raises(BookingError, match=REFUSAL):
        booking_services.booking_cancel(booking=booking, by=organiser, reason="Ei enää tarvita")
    assert state(booking) == before
    assert booking.status == Booking.Status.CONFIRMED
    assert {status for status, _fee in before[2]} == {Gig.Status.PLANNED}


def test_an_ordinary_booking_of_the_same_unit_can_still_be_cancelled(panel, organiser):
    ordinary = request_booking(by=organiser)
    assert not booking_services.booking_is_panel(ordinary)
    assert booking_services.booking_can_cancel(ordinary)


def test_the_units_cancel_page_refuses_and_changes_nothing(client, panel, organiser):
    booking = panel.booking
    before = state(booking)
    client.force_login(organiser)
    url = reverse("bookings:cancel", args=[booking.pk])
    detail = reverse("bookings:detail", args=[booking.pk])
    for response in (client.get(url), client.post(url, {"reason": "Lopetetaan"})):
        assert response.status_code == 302 and response["Location"] == detail
        assert any(REFUSAL in text for text in flash(response))
    assert state(booking) == before


def test_the_units_booking_page_offers_the_panel_instead_of_cancel(client, panel, organiser):
    client.force_login(organiser)
    page = client.get(reverse("bookings:detail", args=[panel.booking_id])).content.decode()
    assert reverse("bookings:cancel", args=[panel.booking_id]) not in page
    assert reverse("bookings:panel", args=[panel.pk]) in page
    assert "These are a customer panel's meetings." in page
    ordinary = request_booking(by=organiser)
    page = client.get(reverse("bookings:detail", args=[ordinary.pk])).content.decode()
    assert reverse("bookings:cancel", args=[ordinary.pk]) in page
    assert "customer panel's meetings" not in page


def test_the_coordinators_cancel_page_refuses_and_changes_nothing(client, panel, coordinator):
    booking = panel.booking
    before = state(booking)
    client.force_login(coordinator)
    url = reverse("bookings_coordinator:cancel", args=[booking.pk])
    detail = reverse("bookings_coordinator:detail", args=[booking.pk])
    post = {"reason": "Lopetetaan", "charge_client": "on"}
    for response in (client.get(url), client.post(url, post)):
        assert response.status_code == 302 and response["Location"] == detail
        assert any(REFUSAL in text for text in flash(response))
    assert state(booking) == before
    page = client.get(detail).content.decode()
    assert url not in page
    assert reverse("bookings_coordinator:panel", args=[panel.pk]) in page


def test_another_organisations_panel_booking_answers_404(client, panel):
    stranger = member()
    before = state(panel.booking)
    client.force_login(stranger)
    url = reverse("bookings:cancel", args=[panel.booking_id])
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "x"}).status_code == 404
    assert client.get(reverse("bookings:detail", args=[panel.booking_id])).status_code == 404
    assert state(panel.booking) == before


def test_the_panel_bookings_unit_kind_and_seats_are_not_changed_as_a_booking(
    client, panel, coordinator
):
    booking = panel.booking
    before = state(booking)
    seats, unit = booking.experts_wanted, booking.unit_id
    assert not booking_services.booking_can_change(booking)
    with pytest.raises(BookingError, match="follow the panel"):
        booking_services.booking_change(
            booking=booking, by=coordinator, reason="Lisää paikkoja", experts_wanted=seats + 3
        )
    client.force_login(coordinator)
    url = reverse("bookings_coordinator:change", args=[booking.pk])
    detail = reverse("bookings_coordinator:detail", args=[booking.pk])
    post = {"reason": "Lisää paikkoja", "experts_wanted": seats + 3, "unit": unit}
    for response in (client.get(url), client.post(url, post)):
        assert response.status_code == 302 and response["Location"] == detail
        assert any("follow the panel" in text for text in flash(response))
    assert url not in client.get(detail).content.decode()
    assert state(booking) == before
    booking.refresh_from_db()
    assert (booking.experts_wanted, booking.unit_id) == (seats, unit)


def test_a_panel_member_does_not_withdraw_from_the_meetings(client, panel, seat, coordinator):
    booking = panel.booking
    before = state(booking)
    assignments = Assignment.objects.count()
    member_user = seat.expert.user
    with pytest.raises(BookingError, match="you don't need to cancel"):
        booking_services.assignment_withdraw(assignment=seat, by=member_user)
    with pytest.raises(BookingError, match="leaves the panel on the panel's page"):
        booking_services.assignment_withdraw(assignment=seat, by=coordinator)
    reply = sms.get_sms_backend().receive(sender="+358401112223", text="EI 4821")
    assert "you don't need to cancel" in reply
    client.force_login(member_user)
    gig = Gig.objects.filter(assignment=seat).first()
    page = client.get(reverse("bookings_expert:gig", args=[gig.pk])).content.decode()
    withdraw = reverse("bookings_expert:withdraw", args=[seat.pk])
    assert withdraw not in page
    for response in (client.get(withdraw), client.post(withdraw, {"reason": ""})):
        assert response.status_code == 302
        assert any("you don't need to cancel" in text for text in flash(response))
    client.force_login(coordinator)
    take_off = reverse("bookings_coordinator:withdraw", args=[seat.pk])
    assert (
        take_off
        not in client.get(
            reverse("bookings_coordinator:detail", args=[booking.pk])
        ).content.decode()
    )
    response = client.post(take_off, {"reason": "Sairas"})
    assert response.status_code == 302
    assert state(booking) == before
    seat.refresh_from_db()
    assert seat.status == Assignment.Status.ACCEPTED
    assert Assignment.objects.count() == assignments  # nobody was offered the seat


def test_another_experts_panel_seat_answers_404(client, panel, seat):
    stranger = bookable_expert()
    client.force_login(stranger.user)
    withdraw = reverse("bookings_expert:withdraw", args=[seat.pk])
    assert client.get(withdraw).status_code == 404
    assert client.post(withdraw, {"reason": ""}).status_code == 404
    seat.refresh_from_db()
    assert seat.status == Assignment.Status.ACCEPTED
