"""Steps more than one journey takes (journey 1's request in Finnish, Swedish and English)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from experts.models import Language
from tests.bookings.factories import work_kind
from tests.e2e.journeys.helpers import check_page, field, tr, visit

TITLE = "Kokemuspuheenvuoro nuorisotyön henkilöstöpäivään"


def next_week_thursday():
    today = timezone.localdate()
    return today + timedelta(days=7 - today.weekday() + 3)


def unit_requests(page, day, language: str = "fi", on_page=check_page) -> str:
    """The unit member's request through the form and its check page, which shows the price and
    the cancellation terms; returns the check page's text (the request is not sent yet).
    ``on_page(page, screenshot_name)`` checks each page (by default ``check_page``)."""

    def _(msgid):
        return tr(msgid, language)

    visit(page, "/unit/", axe=False)
    on_page(page, f"unit-home-{language}")
    page.get_by_role("link", name=_("Request an expert")).first.click()
    page.wait_for_url("**/unit/request/")
    on_page(page, f"unit-request-{language}")
    terms = page.get_by_role("complementary")
    assert _("Prices and cancellation terms") in terms.inner_text()
    assert "350,00" in terms.inner_text() or "350.00" in terms.inner_text()
    field(page, _("Title")).fill(TITLE)
    field(page, _("Kind of work")).select_option(str(work_kind("talk").pk))
    field(page, _("Language")).select_option(str(Language.objects.get(code="fi").pk))
    field(page, _("Number of experts")).fill("2")
    field(page, _("Date")).fill(day.isoformat())
    field(page, _("Starts at")).fill("13:00")
    field(page, _("Ends at")).fill("14:30")
    field(page, _("Place")).fill("Nuorisotalo Tikkurila, Kielotie 13, Vantaa")
    field(page, _("Why you are inviting experts")).fill(
        "Henkilöstöpäivä: ohjaajat kuulevat, miten nuoret kokevat palvelumme."
    )
    field(page, _("What the experts are asked to share")).fill(
        "Oma polku palveluihin ja mikä auttoi."
    )
    page.get_by_role("button", name=_("Check the price and send")).click()
    page.wait_for_load_state()
    on_page(page, f"unit-request-check-{language}")
    return page.locator("main").inner_text()
