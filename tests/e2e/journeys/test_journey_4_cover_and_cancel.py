"""Journey 4: a request by phone, an expert who cannot come, a unit that cancels late.

A unit's contact person phones the bank: the coordinator enters the request on the unit's behalf
(/coordinator/bookings/new/), reads the price and the cancellation terms on the check page and
sends it; the unit's member gets the "request received" mail from the worker. The booking is
then staffed and confirmed (journey 1 walks those steps in the browser; here the services do
them). The confirmed expert cannot come after all: two taps on the phone, no reason, and the
bank offers the seat to the next expert of the reserve list by itself (the worker mails the
offer). The replacement says yes on the phone. The day before the gig the unit cancels: the page
says it is late and what it costs; the coordinator fixes the cancellation amounts, the month's
invoice run bills them, and the unit reads the cancellation fee on its invoice.

Every page goes through ``visit``/``check_page``: no sideways scroll at 390 px, no serious or
critical axe-core violation.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from bookings import services as booking_services
from bookings.models import Assignment, Booking, Gig
from experts.models import Language, WorkKind
from invoicing import services as invoicing_services
from invoicing.models import Invoice, InvoiceLine
from invoicing.selectors import month
from tests.bookings.factories import offer
from tests.e2e.journeys.helpers import (
    DESKTOP,
    JOURNEY,
    also_on_a_phone,
    check_page,
    mails_to,
    visit,
)

pytestmark = JOURNEY


def tr(msgid: str) -> str:
    """``msgid`` as the Finnish pages say it (the catalogue, not a copy of it)."""
    from django.utils import translation

    with translation.override("fi"):
        return translation.gettext(msgid)


def test_a_phone_request_a_cover_without_blame_and_a_late_cancellation_on_the_invoice(
    ground, open_page
):
    coordinator, member, unit = ground.coordinator, ground.unit_member, ground.unit
    first = ground.mikko
    tomorrow = timezone.localdate() + timedelta(days=1)

    # 1. The phone request, entered on the unit's behalf (desktop).
    desk = open_page(coordinator, name="coordinator", width=DESKTOP)
    visit(desk, "/coordinator/bookings/", "coordinator-bookings")
    also_on_a_phone(desk)
    desk.get_by_role("link", name=tr("Request on a unit's behalf")).click()
    desk.wait_for_url("**/coordinator/bookings/new/")
    check_page(desk, "coordinator-request-on-behalf")
    also_on_a_phone(desk)
    desk.locator("#id_unit").select_option(str(unit.pk))
    desk.locator("#id_title").fill("Kokemuspuheenvuoro nuorisotyön tiimille")
    desk.locator("#id_work_kind").select_option(str(WorkKind.objects.get(code="talk").pk))
    desk.locator("#id_language").select_option(str(Language.objects.get(code="fi").pk))
    desk.locator("input[name=kind][value=one_off]").check()
    desk.locator("input[name=audience][value=adults]").check()
    desk.locator("#id_day").fill(tomorrow.isoformat())
    desk.locator("#id_start_time").fill("13:00")
    desk.locator("#id_end_time").fill("14:30")
    desk.locator("#id_place").fill("Nuorisotalo Tikkurila, Vantaa")
    desk.locator("#id_purpose").fill(
        "Tiimi haluaa kuulla, miltä nuorisopalvelut näyttävät nuoren ja hänen perheensä silmin."
    )
    desk.locator("#id_share_topics").fill("Oma polku palveluissa ja mikä auttoi.")
    desk.get_by_role("button", name=tr("Check the price and the terms")).click()
    desk.wait_for_load_state()
    check_page(desk, "coordinator-request-check")
    also_on_a_phone(desk)
    text = desk.locator("main").inner_text()
    assert "350,00" in text and "175,00" in text  # the price and the late cancellation fee
    assert not Booking.objects.exists()  # the check page sends nothing
    desk.get_by_role("button", name=tr("Send the request for the unit")).click()
    desk.wait_for_url("**/coordinator/bookings/*/")
    check_page(desk)
    also_on_a_phone(desk)
    booking = Booking.objects.get()
    assert booking.unit == unit and booking.status == Booking.Status.REQUESTED
    mails_to(member.email)  # "request received", sent by the worker

    # Staffed and confirmed through the services (journey 1 does this in the browser).
    answer_by = timezone.now() + timedelta(hours=2)
    assignment = offer(booking, [first], by=coordinator, answer_by=answer_by)[0]
    booking_services.assignment_accept(assignment=assignment, by=first.user)
    booking_services.booking_confirm(booking=Booking.objects.get(pk=booking.pk), by=coordinator)
    gig = Gig.objects.get(booking=booking, expert=first)

    # 2. The expert cannot come: two taps on the phone, no reason.
    phone = open_page(first.user, name="expert-withdrawing")
    visit(phone, f"/gigs/{gig.pk}/", "expert-gig-cant-come")
    phone.locator(f"a[href$='/gigs/offers/{assignment.pk}/withdraw/']").first.click()
    phone.wait_for_url(f"**/gigs/offers/{assignment.pk}/withdraw/")
    check_page(phone, "expert-withdraw")
    phone.get_by_role("button", name=tr("Take me off the booking")).click()
    phone.wait_for_url("**/gigs/")
    check_page(phone)
    said = tr("You are off the booking. The coordinator was told. Take care!")
    assert said in phone.locator("main").inner_text()
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.WITHDRAWN
    # The seat is offered to the next of the reserve list, by itself, and the worker mails it.
    cover = Assignment.objects.exclude(expert=first).get(booking=booking)
    assert cover.status == Assignment.Status.OFFERED
    mails_to(cover.expert.user.email)

    # The replacement says yes on the phone.
    other = open_page(cover.expert.user, name="expert-covering")
    visit(other, f"/gigs/offers/{cover.pk}/", "expert-cover-offer")
    other.get_by_role("button", name=tr("Yes, I'll come")).click()
    other.wait_for_load_state()
    check_page(other)
    cover.refresh_from_db()
    booking.refresh_from_db()
    assert cover.status == Assignment.Status.ACCEPTED
    assert booking.status == Booking.Status.CONFIRMED

    # 3. The unit cancels the day before: late, and the page says what it costs.
    unit_page = open_page(member, name="unit")
    visit(unit_page, f"/unit/bookings/{booking.pk}/", "unit-booking")
    unit_page.get_by_role("link", name=tr("Cancel the booking")).click()
    unit_page.wait_for_url(f"**/unit/bookings/{booking.pk}/cancel/")
    check_page(unit_page, "unit-cancel-late")
    warning = unit_page.locator("main").inner_text()
    assert tr("This is a late cancellation.") in warning and "175,00" in warning
    unit_page.get_by_role("button", name=tr("Yes, cancel the booking")).click()
    unit_page.wait_for_url(f"**/unit/bookings/{booking.pk}/")
    check_page(unit_page)
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED and booking.cancelled_late
    assert booking.cancellation_fee == Decimal("175.00")

    # 4. The coordinator fixes the cancellation amounts; the month's run bills them.
    late = Gig.objects.get(booking=booking, expert=cover.expert)
    visit(desk, f"/coordinator/bookings/reports/{late.pk}/", "coordinator-late-cancellation")
    also_on_a_phone(desk)
    desk.get_by_role("button", name=tr("Fix the cancellation amounts")).click()
    desk.wait_for_load_state()
    check_page(desk)
    also_on_a_phone(desk)
    late.refresh_from_db()
    assert late.billable_amount == Decimal("175.00")
    period = month(tomorrow.year, tomorrow.month)
    # What the monthly task does on the 1st (invoicing.tasks.invoices_issue_task): a month is
    # invoiced once it is over, so the run is dated the day after.
    invoicing_services.invoices_issue(
        period=period, by=None, issue_date=period.end + timedelta(days=1)
    )
    invoice = Invoice.objects.get(unit=unit)
    line = InvoiceLine.objects.get(invoice=invoice)
    assert line.kind == InvoiceLine.Kind.CANCELLATION and line.net == Decimal("175.00")

    visit(unit_page, "/unit/invoices/")
    unit_page.get_by_role("link", name=invoice.number).first.click()
    unit_page.wait_for_url(f"**/unit/invoices/{invoice.pk}/")
    check_page(unit_page, "unit-invoice-late-fee")
    text = unit_page.locator("main").inner_text()
    assert "175,00" in text
    assert tr("late cancellation").capitalize() in text  # the line's kind, in the unit's words
