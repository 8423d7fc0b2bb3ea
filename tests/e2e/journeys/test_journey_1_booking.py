"""Journey 1 (issue 20): a unit member requests two experts for next week and reads the price and
the cancellation terms; the coordinator finds the request in the work queue, opens matching and
offers it to two experts; one accepts from the answer link in the e-mail the real worker sent,
the other from the portal; the coordinator confirms; the unit sees the names the experts
consented to show. In Finnish; the unit and the experts on a 390 px phone, the coordinator at a
desktop with each page narrowed to 390 px too; axe-core and the width checked on every page.
"""

from __future__ import annotations

from django.utils import timezone

from bookings.models import Assignment, Booking
from tests.e2e.journeys.helpers import (
    DESKTOP,
    JOURNEY,
    also_on_a_phone,
    check_page,
    mails_to,
    save_screenshot,
    tr,
    visit,
)
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
    # The price and the cancellation terms, below the request's details (the guide's picture).
    terms = unit.locator("section[aria-labelledby='terms-heading']")
    terms.evaluate("(el) => el.scrollIntoView({block: 'end', behavior: 'instant'})")
    unit.evaluate("() => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 100)))")
    save_screenshot(unit, "unit-request-price")
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
    coordinator = open_page(ground.coordinator, name="coordinator", width=DESKTOP)
    visit(coordinator, "/coordinator/", "coordinator-queue")
    also_on_a_phone(coordinator)
    coordinator.get_by_role("link", name=TITLE).first.click()
    coordinator.wait_for_url(f"**/coordinator/bookings/{booking.pk}/")
    check_page(coordinator, "coordinator-booking")
    also_on_a_phone(coordinator)
    coordinator.get_by_role("link", name=_("Find experts and send offers")).first.click()
    coordinator.wait_for_url(f"**/coordinator/bookings/{booking.pk}/candidates/")
    check_page(coordinator, "coordinator-matching")
    also_on_a_phone(coordinator)
    for expert in (ground.anna, ground.mikko):
        coordinator.get_by_label(expert.name).check()
    coordinator.get_by_role("button", name=_("Send offers to the ticked")).first.click()
    coordinator.wait_for_load_state()
    check_page(coordinator)
    also_on_a_phone(coordinator)
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
    check_page(coordinator, "coordinator-booking-confirmed")
    also_on_a_phone(coordinator)
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


# The focused element and whether a focus ring shows on it (an outline or Bootstrap's ring).
FOCUSED = """
() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const ring = (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
    || (style.boxShadow && style.boxShadow !== "none");
  const box = el.getBoundingClientRect();
  return {
    tag: el.tagName.toLowerCase(), id: el.id, type: el.type || "",
    href: el.getAttribute("href") || "",
    text: (el.innerText || el.value || "").trim().slice(0, 40),
    ring: Boolean(ring), shown: box.width > 0 && box.height > 0,
  };
}
"""


def tab_to(page, matches, *, backwards: bool = False, limit: int = 150) -> dict:
    """Press Tab (Shift+Tab) until the focused element ``matches`` (a dict test); every stop
    on the way must show its focus ring."""
    before = page.evaluate(FOCUSED)
    for _press in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        focused = page.evaluate(FOCUSED)
        # Bootstrap's ring fades in (a 0.15 s transition), and a busy machine may read the
        # style before it starts: a ring that shows within a second counts as shown.
        for _wait in range(20):
            if focused is None or (focused["shown"] and focused["ring"]):
                break
            page.wait_for_timeout(50)
            focused = page.evaluate(FOCUSED)
        assert focused is not None, "the focus fell off the page"
        if not _inside_the_same_date_or_time_field(before, focused):
            assert focused["shown"] and focused["ring"], f"no visible focus on {focused}"
        before = focused
        if matches(focused):
            return focused
    raise AssertionError(f"{limit} presses of Tab never reached the element")


def _inside_the_same_date_or_time_field(before, focused) -> bool:
    """Chromium sometimes stops Tab on a date or time field's own picker button, after the
    field's last segment; the field showed its ring when the focus came in, and the button is
    the browser's own, which our styles cannot reach."""
    return (
        before is not None
        and focused["type"] in ("date", "time")
        and before["id"] == focused["id"]
        and before["tag"] == focused["tag"]
    )


def by_id(element_id):
    return lambda focused: focused["id"] == element_id


def choose(page, value: str) -> None:
    """Arrow down a focused select until ``value`` is chosen."""
    for _press in range(30):
        if page.evaluate("document.activeElement.value") == value:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"the select never came to {value}")


def test_the_unit_member_sends_the_request_with_the_keyboard_alone(ground, open_page):
    from experts.models import Language
    from tests.bookings.factories import work_kind

    day = next_week_thursday()
    page = open_page(ground.unit_member, name="keyboard")
    visit(page, "/unit/")
    tab_to(page, lambda focused: focused["href"].endswith("/unit/request/"))
    page.keyboard.press("Enter")
    page.wait_for_url("**/unit/request/")
    check_page(page)

    def type_into(element_id, text):
        tab_to(page, by_id(element_id))
        page.keyboard.type(text)

    type_into("id_title", TITLE)
    tab_to(page, by_id("id_work_kind"))
    choose(page, str(work_kind("talk").pk))
    # Back to the title with Shift+Tab, and on again.
    tab_to(page, by_id("id_title"), backwards=True)
    tab_to(page, by_id("id_work_kind"))
    tab_to(page, by_id("id_language"))
    choose(page, str(Language.objects.get(code="fi").pk))
    tab_to(page, by_id("id_experts_wanted"))
    page.keyboard.press("Control+A")
    page.keyboard.type("2")
    tab_to(page, by_id("id_day"))
    # Headless Chromium's date field takes its segments in its own (en-US) order: month first.
    page.keyboard.type(day.strftime("%m%d%Y"))
    assert page.evaluate("document.activeElement.value") == day.isoformat()
    tab_to(page, by_id("id_start_time"))
    page.keyboard.type("1300")
    assert page.evaluate("document.activeElement.value") == "13:00"
    tab_to(page, by_id("id_end_time"))
    page.keyboard.type("1430")
    assert page.evaluate("document.activeElement.value") == "14:30"
    type_into("id_place", "Nuorisotalo Tikkurila, Kielotie 13, Vantaa")
    type_into("id_purpose", "Henkilöstöpäivä: ohjaajat kuulevat, miten nuoret kokevat palvelumme.")
    type_into("id_share_topics", "Oma polku palveluihin ja mikä auttoi.")
    check_label = tr("Check the price and send")
    tab_to(page, lambda focused: focused["tag"] == "button" and focused["text"] == check_label)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    check_page(page)
    assert "175,00" in page.locator("main").inner_text()  # the cancellation terms
    send_label = tr("Send the request")
    tab_to(page, lambda focused: focused["tag"] == "button" and focused["text"] == send_label)
    with page.expect_navigation():
        page.keyboard.press("Space")
    check_page(page)
    booking = Booking.objects.get(title=TITLE)
    assert booking.unit == ground.unit and booking.experts_wanted == 2
    assert timezone.localtime(booking.first_start).date() == day
    assert timezone.localtime(booking.first_start).strftime("%H:%M") == "13:00"
