"""Journey 1 (issue 20): a unit member requests two experts for next week and reads the price and
the cancellation terms; the coordinator finds the request in the work queue, opens matching and
offers it to two experts; one accepts from the answer link in the e-mail the real worker sent,
the other from the portal; the coordinator confirms; the unit sees the names the experts
consented to show. In Finnish on a 390 px phone, axe-core and the width checked on every page.
"""

from __future__ import annotations

from bookings.models import Assignment, Booking
from tests.e2e.journeys.helpers import JOURNEY, check_page, mails_to, tr, visit
from tests.e2e.journeys.steps import TITLE, next_week_thursday, unit_requests

pytestmark = JOURNEY


def test_a_unit_requests_two_experts_the_coordinator_offers_they_accept_and_it_is_confirmed(
    ground, open_page
):
    def _(msgid, **values):
        return tr(msgid, "fi", **values)

    day = next_week_thursday()
    unit = open_page(ground.unit_member, name="unit")
    checked = unit_requests(unit, day)
    # The check page: the price and the cancellation terms before anything is sent.
    assert "350,00" in checked and "175,00" in checked
    assert day.strftime("%-d.%-m.%Y") in checked
    unit.get_by_role("button", name=_("Send the request")).click()
    unit.wait_for_load_state()
    check_page(unit, "unit-request-sent")
    booking = Booking.objects.get(title=TITLE)
    assert booking.unit == ground.unit and booking.experts_wanted == 2
    assert booking.status == Booking.Status.REQUESTED

    # The coordinator finds it in the work queue and opens matching.
    coordinator = open_page(ground.coordinator, name="coordinator")
    visit(coordinator, "/coordinator/", "coordinator-queue")
    coordinator.get_by_role("link", name=TITLE).first.click()
    coordinator.wait_for_url(f"**/coordinator/bookings/{booking.pk}/")
    check_page(coordinator, "coordinator-booking")
    coordinator.get_by_role("link", name=_("Find experts and send offers")).first.click()
    coordinator.wait_for_url(f"**/coordinator/bookings/{booking.pk}/candidates/")
    check_page(coordinator, "coordinator-matching")
    for expert in (ground.anna, ground.mikko):
        coordinator.get_by_label(expert.name).check()
    coordinator.get_by_role("button", name=_("Send offers to the ticked")).first.click()
    coordinator.wait_for_load_state()
    check_page(coordinator)
    offered = Assignment.objects.filter(booking=booking, status=Assignment.Status.OFFERED)
    assert {a.expert for a in offered} == {ground.anna, ground.mikko}

    # Anna answers from the e-mail the worker sent her (her phone, not logged in).
    (offer_mail,) = mails_to(ground.anna.user.email, subject="")
    answer_url = offer_mail.link("answer=accept")
    anna = open_page(None, name="anna")
    visit(anna, answer_url, "expert-answer")
    anna.get_by_role("button", name=_("Yes, I'll come")).click()
    anna.wait_for_load_state()
    check_page(anna, "expert-answer-done")

    # Mikko answers in the portal.
    mikko = open_page(ground.mikko.user, name="mikko")
    visit(mikko, "/gigs/", "expert-offers")
    mikko.get_by_role("link", name=TITLE).first.click()
    check_page(mikko, "expert-offer")
    mikko.get_by_role("button", name=_("Yes, I'll come")).click()
    mikko.wait_for_load_state()
    check_page(mikko)
    assert set(
        Assignment.objects.filter(booking=booking, status=Assignment.Status.ACCEPTED).values_list(
            "expert", flat=True
        )
    ) == {ground.anna.pk, ground.mikko.pk}

    # The coordinator confirms.
    visit(coordinator, f"/coordinator/bookings/{booking.pk}/")
    coordinator.get_by_role("button", name=_("Confirm the booking")).click()
    coordinator.wait_for_load_state()
    check_page(coordinator)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED

    # The unit sees the names the experts consented to show: Anna's alias, Mikko's name.
    visit(unit, f"/unit/bookings/{booking.pk}/", "unit-booking-confirmed")
    shown = unit.locator("main").inner_text()
    assert "Anna K." in shown and "Mikko Laine" in shown
    assert "Korhonen" not in shown
    confirmed = mails_to(ground.unit_member.email, count=2)  # received, then confirmed
    assert any("Anna K." in mail.body for mail in confirmed)
    assert not any("Korhonen" in mail.body for mail in confirmed)
