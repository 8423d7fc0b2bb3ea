"""Companion and interpreter costs: rows of the price list, frozen on the booking, shown to the
unit when its confirmed experts need them."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from bookings.models import PriceRow
from bookings.money import SupportNeed, booking_support_costs, support_costs
from experts.models import Expert
from experts.services import support_profile_set
from tests.bookings.factories import (
    PriceRowFactory,
    at,
    bookable_expert,
    request_booking,
    staffed,
)
from tests.factories import ExpertFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def row(db):
    return PriceRowFactory(
        companion_price=Decimal("40.00"),
        companion_fee=Decimal("25.00"),
        interpreter_price=Decimal("80.00"),
    )


def test_the_costs_count_each_need_per_hour():
    terms = PriceRow(
        companion_price=Decimal("40.00"),
        companion_fee=Decimal("25.00"),
        interpreter_price=Decimal("80.00"),
        vat_rate=Decimal("25.50"),
    )
    times = [(at(5, 10), at(5, 12)), (at(6, 10), at(6, 11, 30))]  # 3.5 h
    someone = Expert(role=Expert.Role.SUPPORT_PERSON)
    needs = [
        SupportNeed(companion=True, paid_to=someone, interpreter=""),
        SupportNeed(companion=True, paid_to=None, interpreter="sign"),
        SupportNeed(companion=False, paid_to=None, interpreter=""),
    ]
    costs = support_costs(terms, times=times, needs=needs)
    assert costs.companions == 2 and costs.interpreters == 1
    assert costs.companion_net == Decimal("280.00")  # 2 × 3.5 h × 40
    assert costs.interpreter_net == Decimal("280.00")  # 3.5 h × 80
    assert costs.vat == Decimal("142.80")
    assert costs.gross == Decimal("702.80")
    # Paid only to the named companion, as the fee run pays: 1 × 3.5 h × 25.
    assert costs.companion_fees == Decimal("87.50") and costs.companions_unnamed == 1
    nothing = [SupportNeed(companion=False, paid_to=None, interpreter="")]
    assert support_costs(terms, times=times, needs=nothing) is None
    assert support_costs(None, times=times, needs=needs) is None


def test_the_booking_carries_the_rows_terms_and_the_unit_sees_the_costs(
    client, booker, row, coordinator
):
    booking = request_booking(by=booker, times=[(at(20, 10), at(20, 12))])
    assert booking.terms.companion_price == Decimal("40.00")
    assert booking.terms.interpreter_price == Decimal("80.00")
    # A later change of the row does not reach the booking: its terms are frozen.
    PriceRow.objects.filter(pk=row.pk).update(valid_until=row.valid_from + timedelta(days=1))
    expert = bookable_expert(public_alias="Sanna V.")
    support_profile_set(expert=expert, by=None, companion=True)
    staffed(booking, [expert], by=coordinator)
    costs = booking_support_costs(booking)
    assert costs.companion_net == Decimal("80.00")
    client.force_login(booker)
    page = client.get(reverse("bookings:detail", args=[booking.pk])).content.decode()
    assert "Support costs on top of the price" in page
    assert "A companion or support person, 2.00 h" in page
    # The companion's fee is the coordinators' business.
    assert "Companions&#x27; fees" not in page and "Companions' fees" not in page


def test_no_needs_no_costs(client, booker, row, coordinator):
    booking = request_booking(by=booker)
    staffed(booking, [bookable_expert()], by=coordinator)
    assert booking_support_costs(booking) is None
    client.force_login(booker)
    page = client.get(reverse("bookings:detail", args=[booking.pk])).content.decode()
    assert "Support costs" not in page


def test_an_empty_support_price_is_zero(row):
    row.companion_price = None
    row.full_clean()
    row.save()
    row.refresh_from_db()
    assert row.companion_price == Decimal("0")


def test_a_negative_support_price_is_refused(row):
    from django.core.exceptions import ValidationError

    row.interpreter_price = Decimal("-1")
    with pytest.raises(ValidationError):
        row.full_clean()


def test_the_coordinator_sees_every_need_the_costs_and_the_companions_fee(
    client, booker, row, coordinator
):
    booking = request_booking(by=booker, times=[(at(20, 10), at(20, 12))])
    expert = bookable_expert(public_alias="Sanna V.")
    usual = ExpertFactory(role=Expert.Role.SUPPORT_PERSON)
    support_profile_set(
        expert=expert, by=None, companion=True, companion_person=usual, other="Paniikkihäiriö"
    )
    staffed(booking, [expert], by=coordinator)
    client.force_login(coordinator)
    page = client.get(reverse("bookings_coordinator:detail", args=[booking.pk])).content.decode()
    assert "Paniikkihäiriö" in page  # private from the unit, not from the coordinator
    assert "Support costs on top of the price" in page
    assert "Companions' fees" in page
    assert "50.00" in page  # 2 h × 25 € to the companion


def test_the_price_preview_shows_the_support_terms(client, booker, row):
    client.force_login(booker)
    page = client.get(reverse("bookings:request")).content.decode()
    assert "A companion or support person coming with an expert: 40.00" in page
    assert "An interpreter an expert needs: 80.00" in page
    assert "Companion's fee" not in page  # the fee is not the unit's business
