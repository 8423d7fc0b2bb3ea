"""Organisations, units and the terms of a booking: which price row applies, and the money."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from bookings import money
from bookings.models import Organisation, PriceRow, Unit, validate_ovt
from tests.bookings.factories import (
    PriceListFactory,
    PriceRowFactory,
    at,
    request_booking,
    work_kind,
)
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("business_id", ["1284613-4", "0737546-2"])
def test_a_valid_business_id_passes(business_id):
    Organisation(name="X", business_id=business_id, kind=Organisation.Kind.CITY).full_clean()


def test_a_wrong_business_id_is_refused_with_an_example():
    with pytest.raises(ValidationError, match="0737546-2"):
        Organisation(name="X", business_id="1284613-5", kind="city").full_clean()


@pytest.mark.parametrize("address", ["003712846134", "0037 1284 6134", "003712846134A01"])
def test_an_ovt_address_with_a_valid_business_id_passes(address):
    validate_ovt(address)


@pytest.mark.parametrize(
    "address", ["12846134", "003712846135", "0037128461", "FI4950009420028730"]
)
def test_a_bad_ovt_address_is_refused(address):
    with pytest.raises(ValidationError):
        validate_ovt(address)


def test_an_e_invoice_address_needs_its_operator():
    unit = Unit(organisation=OrganisationFactory(), name="Y", e_invoice_address="003712846134")
    with pytest.raises(ValidationError, match="operator"):
        unit.full_clean()


def test_the_organisations_own_row_wins_over_the_general_one():
    general = PriceRowFactory(client_price=Decimal("350"))
    organisation = OrganisationFactory()
    own = PriceRowFactory(
        price_list=PriceListFactory(organisation=organisation), client_price=Decimal("280")
    )
    day = date(2026, 6, 1)
    found = money.price_row_for(
        organisation_id=organisation.pk, work_kind_id=general.work_kind_id, day=day
    )
    assert found == own
    other = OrganisationFactory()
    assert (
        money.price_row_for(organisation_id=other.pk, work_kind_id=general.work_kind_id, day=day)
        == general
    )


def test_the_row_in_force_on_the_first_date_applies(booker):
    price_list = PriceListFactory()
    old = PriceRowFactory(
        price_list=price_list, valid_from=date(2020, 1, 1), valid_until=at(40).date()
    )
    new = PriceRowFactory(
        price_list=price_list, valid_from=at(41).date(), client_price=Decimal("400")
    )
    early = request_booking(by=booker, times=[(at(30, 10), at(30, 12))])
    late = request_booking(by=booker, times=[(at(50, 10), at(50, 12))])
    assert early.terms.source_row == old
    assert late.terms.source_row == new


def test_an_inactive_price_list_is_not_used(booker):
    PriceRowFactory(price_list=PriceListFactory(active=False))
    booking = request_booking(by=booker)
    assert booking.terms is None


def test_overlapping_rows_for_one_kind_of_work_are_refused(english):
    row = PriceRowFactory(valid_from=date(2026, 1, 1))
    clash = PriceRow(
        price_list=row.price_list,
        work_kind=work_kind(),
        valid_from=date(2026, 6, 1),
        client_price=1,
        expert_fee=1,
    )
    with pytest.raises(ValidationError, match="same time"):
        clash.full_clean()


def test_a_row_without_vat_needs_its_exemption_text(english):
    row = PriceRowFactory.build(price_list=PriceListFactory(), vat_rate=Decimal("0"))
    with pytest.raises(ValidationError, match="why"):
        row.full_clean()
    row.vat_exemption_text = "AVL 4 §"
    row.full_clean()


def test_the_estimate_counts_every_expert_at_every_time_with_the_minimum_hours():
    row = PriceRowFactory(
        client_unit="hour", client_price=Decimal("45"), minimum_hours=Decimal("2")
    )
    times = [(at(10, 10), at(10, 11)), (at(17, 10), at(17, 13))]  # 1 h billed as 2, and 3 h
    estimate = money.price_estimate(row, times=times, experts=2)
    assert estimate.gigs == 4
    assert estimate.net == Decimal("450.00")
    assert estimate.vat == Decimal("114.75")
    assert estimate.gross == Decimal("564.75")


def test_funding_use_counts_the_fees_of_live_and_late_cancelled_gigs(coordinator, anna):
    from bookings import services
    from tests.bookings.factories import FundingSourceFactory, staffed

    PriceRowFactory()
    source = FundingSourceFactory(budget=Decimal("1000"))
    booking = request_booking()
    services.booking_fund(booking=booking, funding_source=source, by=coordinator)
    staffed(booking, [anna], by=coordinator)
    assert money.funding_used(source) == Decimal("200.00")
    used = money.funding_sources_with_use().get(pk=source.pk)
    assert (used.used, used.remaining) == (Decimal("200.00"), Decimal("800.00"))
