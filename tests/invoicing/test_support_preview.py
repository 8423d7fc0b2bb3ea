"""The support costs a booking's page shows agree with what is billed and paid (issue 17): the
companion the coordinator names on an assignment is in the preview even when the expert's
support profile does not ask for one, and a companion nobody is named for is billed but not
shown as paid. One rule (``bookings.money.assignment_support``) serves the preview, the invoice
and the fee run."""

from decimal import Decimal

import pytest
from django.urls import reverse

from bookings import services as booking_services
from bookings.money import assignment_support, booking_support_costs
from bookings.services.companions import assignment_companion_set
from experts.models import SupportProfile
from experts.services import support_profile_set
from invoicing.models import FeeLine, InvoiceLine
from invoicing.services import fees as fee_services
from tests.bookings.factories import at, bookable_expert, confirmed, member
from tests.invoicing.factories import approved_gig, last_month, month_of
from tests.invoicing.test_support_costs import (  # noqa: F401 (fixtures)
    field_keys,
    issue,
    support_person,
    support_terms,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_pages")]


def billed_and_paid(gig) -> tuple[Decimal, Decimal]:
    """The companion line of the unit's invoice and of the companion's statement (0: none)."""
    issue(gig)
    fee_services.fees_run(period=month_of(gig), by=None)
    billed = InvoiceLine.objects.filter(gig=gig, kind="companion").values_list("net", flat=True)
    paid = FeeLine.objects.filter(gig=gig, kind="companion").values_list("amount", flat=True)
    return sum(billed, Decimal(0)), sum(paid, Decimal(0))


def test_a_named_companion_without_a_profile_is_in_the_preview_billed_and_paid(
    client,
    support_terms,  # noqa: F811
    coordinator,
):
    expert = bookable_expert(public_alias="Sanna V.")
    assert not SupportProfile.objects.filter(expert=expert).exists()
    gig = approved_gig(coordinator=coordinator, expert=expert, hours="2", ended_ago=last_month())
    assert booking_support_costs(gig.booking) is None  # no need, nobody named: nothing
    companion = support_person()
    assignment = assignment_companion_set(
        assignment=gig.assignment, companion=companion, by=coordinator
    )
    need = assignment_support(assignment)
    assert need.companion and need.paid_to == companion and need.interpreter == ""
    preview = booking_support_costs(gig.booking)
    assert preview.companions == 1 and preview.companions_unnamed == 0
    assert preview.companion_net == Decimal("80.00")  # 2 h × 40 €
    assert preview.companion_fees == Decimal("50.00")  # 2 h × 25 €
    assert billed_and_paid(gig) == (preview.companion_net, preview.companion_fees)
    # The coordinator's page shows the cost and the fee; the unit's the cost only.
    client.force_login(coordinator)
    page = client.get(reverse("bookings_coordinator:detail", args=[gig.booking_id]))
    text = page.content.decode()
    assert "Support costs on top of the price" in text and "50.00" in text
    assert "No support person is chosen" not in text


def test_the_units_page_shows_the_named_companions_cost_and_another_unit_gets_404(
    client,
    support_terms,  # noqa: F811
    coordinator,
):
    expert = bookable_expert(public_alias="Sanna V.")
    gig = approved_gig(coordinator=coordinator, expert=expert, hours="2", ended_ago=last_month())
    assignment_companion_set(assignment=gig.assignment, companion=support_person(), by=coordinator)
    booker = gig.booking.unit.memberships.first().user
    client.force_login(booker)
    detail = reverse("bookings:detail", args=[gig.booking_id])
    text = client.get(detail).content.decode()
    assert "A companion or support person, 2.00 h" in text and "80.00" in text
    assert "Companions' fees" not in text and "No support person is chosen" not in text
    client.force_login(member())
    assert client.get(detail).status_code == 404


def test_a_companion_nobody_is_named_for_is_billed_and_the_preview_pays_nobody(
    client,
    support_terms,  # noqa: F811
    coordinator,
):
    expert = bookable_expert(public_alias="Sanna V.")
    support_profile_set(expert=expert, by=None, companion=True)  # no usual companion
    gig = approved_gig(coordinator=coordinator, expert=expert, hours="2", ended_ago=last_month())
    preview = booking_support_costs(gig.booking)
    assert preview.companion_net == Decimal("80.00")
    assert preview.companion_fees == Decimal("0.00") and preview.companions_unnamed == 1
    assert billed_and_paid(gig) == (Decimal("80.00"), Decimal("0"))
    client.force_login(coordinator)
    text = client.get(reverse("bookings_coordinator:detail", args=[gig.booking_id])).content
    assert "No support person is chosen for one companion" in text.decode()


def test_the_usual_companion_of_the_profile_is_previewed_as_paid(
    support_terms,  # noqa: F811
    coordinator,
):
    expert = bookable_expert()
    usual = support_person("Tuula Tukihenkilö")
    support_profile_set(
        expert=expert, by=None, companion=True, companion_person=usual, interpreter="sign"
    )
    gig = approved_gig(coordinator=coordinator, expert=expert, hours="2", ended_ago=last_month())
    preview = booking_support_costs(gig.booking)
    assert assignment_support(gig.assignment).paid_to == usual
    assert (preview.companion_net, preview.companion_fees) == (Decimal("80.00"), Decimal("50.00"))
    assert preview.interpreter_net == Decimal("160.00")  # 2 h × 80 €
    assert billed_and_paid(gig) == (preview.companion_net, preview.companion_fees)
    interpreted = InvoiceLine.objects.get(gig=gig, kind="interpreter").net
    assert interpreted == preview.interpreter_net


def test_a_cancelled_booking_shows_no_support_costs_as_none_are_billed(
    client,
    support_terms,  # noqa: F811
    coordinator,
):
    expert = bookable_expert()
    support_profile_set(expert=expert, by=None, companion=True, interpreter="sign")
    booking = confirmed(experts=[expert], coordinator=coordinator, times=[(at(20, 10), at(20, 12))])
    assert booking_support_costs(booking).companion_net == Decimal("80.00")
    booking_services.booking_cancel(booking=booking, by=coordinator, reason="Peruttu")
    booking.refresh_from_db()
    assert booking_support_costs(booking) is None
    client.force_login(coordinator)
    text = client.get(reverse("bookings_coordinator:detail", args=[booking.pk])).content.decode()
    assert "Support costs on top of the price" not in text
