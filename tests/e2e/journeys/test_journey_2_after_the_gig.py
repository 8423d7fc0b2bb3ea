"""Journey 2 (issue 20), its first part: after the gig the expert reports the hours, the
kilometres and a receipt on a 390 px phone and answers the check-in; the coordinator approves.
(The monthly runs, the invoice PDF, the camt.054 import and the expert's statement are still to
come: see the issue.)"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from bookings.models import Gig
from tests.bookings.reports_factories import PNG, ended_gig
from tests.e2e.journeys.helpers import JOURNEY, check_page, field, tr, visit

pytestmark = JOURNEY


def test_the_expert_reports_on_a_phone_answers_the_check_in_and_the_coordinator_approves(
    ground, open_page
):
    def _(msgid):
        return tr(msgid, "fi")

    gig = ended_gig(
        expert=ground.anna,
        coordinator=ground.coordinator,
        by=ground.unit_member,
        ended_ago=timedelta(hours=3),
    )
    expert = open_page(ground.anna.user, name="expert")
    assert expert.viewport_size["width"] == 390
    visit(expert, f"/gigs/{gig.pk}/report/", "expert-report")
    field(expert, _("Hours at the gig")).fill("2")
    field(expert, _("Kilometres driven with your own car")).fill("18")
    field(expert, _("Where did you drive from?")).fill("Tikkurila")
    expert.locator("summary", has_text=_("I have other expenses")).click()
    field(expert, _("What was it?")).first.fill("Pysäköinti")
    field(expert, _("Amount (€)")).first.fill("6,50")
    field(expert, _("Receipt")).first.set_input_files(
        files=[{"name": "kuitti.png", "mimeType": "image/png", "buffer": PNG}]
    )
    expert.locator('input[name="checkin-feeling"][value="4"]').check()  # good
    check_page(expert, "expert-report-filled")
    expert.get_by_role("button", name=_("Send the report")).click()
    expert.wait_for_load_state()
    check_page(expert, "expert-report-sent")
    gig.refresh_from_db()
    assert gig.status == Gig.Status.REPORTED
    report = gig.report
    assert report.hours == Decimal("2") and report.km == 18
    expense = report.expenses.get()
    assert expense.amount == Decimal("6.50") and expense.receipt
    assert gig.checkin.feeling == 4

    coordinator = open_page(ground.coordinator, name="coordinator")
    visit(coordinator, f"/coordinator/bookings/reports/{gig.pk}/", "coordinator-report")
    coordinator.get_by_role("button", name=_("Approve")).first.click()
    coordinator.wait_for_load_state()
    check_page(coordinator)
    gig.refresh_from_db()
    assert gig.status == Gig.Status.APPROVED
