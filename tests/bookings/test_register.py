"""The coordinator's register: organisations, units, price lists with dated versions and funding
sources are listed, created, edited and deactivated from the coordinator pages."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bookings.models import (
    TERMS_FIELDS,
    BookingTerms,
    FundingSource,
    Organisation,
    PriceList,
    PriceRow,
    TermsChange,
    Unit,
)
from bookings.services.common import BookingError
from bookings.services.organisations import price_list_version_add
from expertbank.models import AuditEntry
from experts.models import WorkKind
from tests.bookings.factories import (
    FundingSourceFactory,
    PriceListFactory,
    PriceRowFactory,
    member,
    request_booking,
)
from tests.factories import OrganisationFactory, UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(client, coordinator, english_pages):
    client.force_login(coordinator)
    return client


def _same_queries(client, url: str, make) -> tuple[int, int, str]:
    make(1)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    make(49)
    with CaptureQueriesContext(connection) as fifty:
        page = client.get(url)
    return len(one), len(fifty), page.content.decode()


# --- Organisations and units ---------------------------------------------------------------------


def test_a_coordinator_creates_an_organisation_and_its_unit(desk, coordinator):
    response = desk.post(
        reverse("bookings_coordinator:organisation_create"),
        {"name": "Espoon kaupunki", "business_id": "0101263-6", "kind": "city"},
    )
    organisation = Organisation.objects.get(name="Espoon kaupunki")
    assert response.url == reverse("bookings_coordinator:organisation", args=[organisation.pk])
    response = desk.post(
        reverse("bookings_coordinator:unit_create", args=[organisation.pk]),
        {
            "name": "Nuorisopalvelut",
            "e_invoice_address": "0037 0101 2636",
            "e_invoice_operator": "003721291126",
            "invoice_language": "fi",
        },
    )
    unit = Unit.objects.get(organisation=organisation)
    assert response.url == reverse("bookings_coordinator:invite", args=[unit.pk])
    assert unit.e_invoice_address == "003701012636"
    assert unit.active
    assert AuditEntry.objects.filter(action="created", actor=coordinator).count() == 2
    page = desk.get(reverse("bookings_coordinator:organisation", args=[organisation.pk]))
    assert "Nuorisopalvelut" in page.content.decode()


def test_an_organisation_is_edited_and_the_change_audited(desk, coordinator):
    organisation = OrganisationFactory(name="Vanha nimi")
    url = reverse("bookings_coordinator:organisation", args=[organisation.pk])
    desk.post(url, {"name": "Uusi nimi", "business_id": "1284613-4", "kind": "association"})
    organisation.refresh_from_db()
    assert (organisation.name, organisation.kind) == ("Uusi nimi", "association")
    entry = AuditEntry.objects.get(action="changed")
    assert entry.changes["name"] == ["Vanha nimi", "Uusi nimi"]


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"business_id": "1284613-5"}, "Enter a valid business ID (Y-tunnus)"),
        ({"name": ""}, "This field is required."),
    ],
)
def test_a_bad_business_id_or_a_missing_name_is_the_forms_error_and_changes_nothing(
    desk, data, error
):
    organisation = OrganisationFactory(name="Vantaan kaupunki", business_id="1284613-4")
    url = reverse("bookings_coordinator:organisation", args=[organisation.pk])
    response = desk.post(
        url, {"name": "Muutettu", "business_id": "1284613-4", "kind": "city", **data}
    )
    assert response.status_code == 200
    assert error in response.content.decode()
    organisation.refresh_from_db()
    assert (organisation.name, organisation.business_id) == ("Vantaan kaupunki", "1284613-4")
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"e_invoice_address": "0037128461"}, "Enter an e-invoice address (OVT)"),
        ({"e_invoice_address": "003712846134"}, "An e-invoice address needs its operator."),
        ({"payment_terms_days": "400"}, "less than or equal to 365"),
    ],
)
def test_a_bad_e_invoice_address_is_the_forms_error_and_changes_nothing(desk, data, error):
    unit = UnitFactory(name="Aikuissosiaalityö")
    response = desk.post(
        reverse("bookings_coordinator:unit_edit", args=[unit.pk]),
        {"name": "Muutettu", "invoice_language": "fi", **data},
    )
    assert error in response.content.decode()
    unit.refresh_from_db()
    assert (unit.name, unit.e_invoice_address) == ("Aikuissosiaalityö", "")


def test_a_deactivated_unit_leaves_the_pickers_and_cannot_request_but_keeps_its_history(
    desk, coordinator
):
    PriceRowFactory()
    booker = member()
    unit = booker.memberships.get().unit
    booking = request_booking(by=booker)
    response = desk.post(
        reverse("bookings_coordinator:unit_active", args=[unit.pk]), {"active": "0"}
    )
    assert response.status_code == 302
    unit.refresh_from_db()
    assert not unit.active
    assert unit not in Unit.objects.can_request()
    assert AuditEntry.objects.filter(action="deactivated").exists()
    # Its booking stays, and so does its member.
    assert unit.bookings.get() == booking
    assert unit.memberships.count() == 1
    with pytest.raises(BookingError):
        request_booking(by=booker)
    # Deactivating twice is refused with a message; activating again works.
    response = desk.post(
        reverse("bookings_coordinator:unit_active", args=[unit.pk]), {"active": "0"}, follow=True
    )
    assert "It is already deactivated." in response.content.decode()
    desk.post(reverse("bookings_coordinator:unit_active", args=[unit.pk]), {"active": "1"})
    unit.refresh_from_db()
    assert unit.active


def test_a_deactivated_organisations_units_cannot_be_picked(desk):
    unit = UnitFactory()
    desk.post(
        reverse("bookings_coordinator:organisation_active", args=[unit.organisation_id]),
        {"active": "0"},
    )
    assert not Organisation.objects.get(pk=unit.organisation_id).active
    assert not Unit.objects.can_request().filter(pk=unit.pk).exists()


def test_the_organisation_list_takes_the_same_queries_for_1_and_50(desk):
    def make(count):
        for _ in range(count):
            UnitFactory()

    one, fifty, page = _same_queries(desk, reverse("bookings_coordinator:organisations"), make)
    assert one == fifty
    assert page.count("/coordinator/bookings/organisations/") >= 50


def test_the_units_list_takes_the_same_queries_for_1_and_50(desk):
    def make(count):
        for _ in range(count):
            UnitFactory()

    one, fifty, page = _same_queries(desk, reverse("bookings_coordinator:units"), make)
    assert one == fifty
    assert page.count("/edit/") >= 50


# --- Price lists ---------------------------------------------------------------------------------


def _row_data(prefix: str, **changes) -> dict[str, str]:
    values = {
        "priced": "on",
        "client_price": "400.00",
        "client_unit": "gig",
        "minimum_hours": "0",
        "expert_fee": "220.00",
        "fee_unit": "gig",
        "preparation_hours": "0",
        "notice_days": "7",
        "client_cancellation_fee": "200.00",
        "expert_cancellation_fee": "100.00",
        "vat_rate": "25.50",
        "vat_exemption_text": "",
        "rebill_travel": "on",
        **changes,
    }
    return {f"{prefix}-{name}": value for name, value in values.items() if value is not None}


def test_a_new_price_list_is_made_with_its_first_version(desk):
    talk = WorkKind.objects.get(code="talk")
    today = timezone.localdate()
    response = desk.post(
        reverse("bookings_coordinator:price_list_create"),
        {
            "name": "Koulujen hinnasto",
            "organisation": "",
            "notes": "",
            "valid_from": today.isoformat(),
            **_row_data(f"k{talk.pk}"),
        },
    )
    price_list = PriceList.objects.get(name="Koulujen hinnasto")
    assert response.url == reverse("bookings_coordinator:price_list", args=[price_list.pk])
    row = price_list.rows.get()
    assert (row.work_kind, row.valid_from, row.client_price) == (talk, today, Decimal("400.00"))
    assert price_list.history.filter(kind=TermsChange.Kind.ROW_ADDED).count() == 1


def test_a_new_price_list_whose_version_is_refused_is_not_saved(desk):
    talk = WorkKind.objects.get(code="talk")
    response = desk.post(
        reverse("bookings_coordinator:price_list_create"),
        {
            "name": "Koulujen hinnasto",
            "valid_from": "2020-01-01",
            **_row_data(f"k{talk.pk}"),
        },
    )
    assert "A new version can start on" in response.content.decode()
    assert not PriceList.objects.filter(name="Koulujen hinnasto").exists()


def test_a_new_version_ends_the_used_row_and_never_changes_its_terms(desk, coordinator):
    row = PriceRowFactory()  # talk, from 2020
    booking = request_booking()
    terms = BookingTerms.objects.get(booking=booking)
    assert terms.source_row == row
    frozen = {name: getattr(row, name) for name in TERMS_FIELDS}
    talk = row.work_kind
    start = timezone.localdate() + timedelta(days=30)
    url = reverse("bookings_coordinator:price_version", args=[row.price_list_id])
    assert desk.get(url).status_code == 200
    response = desk.post(
        url,
        {"valid_from": start.isoformat(), "note": "Vuoden 2027 hinnat", **_row_data(f"k{talk.pk}")},
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.valid_until == start - timedelta(days=1)
    assert {name: getattr(row, name) for name in TERMS_FIELDS} == frozen
    new = PriceRow.objects.get(price_list=row.price_list, valid_from=start)
    assert new.client_price == Decimal("400.00")
    terms.refresh_from_db()
    assert (terms.source_row_id, terms.client_price) == (row.pk, Decimal("350.00"))
    booking.refresh_from_db()
    assert booking.terms_id == terms.pk
    page = desk.get(reverse("bookings_coordinator:price_list", args=[row.price_list_id]))
    text = page.content.decode()
    assert "Version from" in text and "took its terms from this version" in text


def test_a_version_cannot_start_before_the_latest_one_or_in_the_past(coordinator, english):
    row = PriceRowFactory(valid_from=timezone.localdate() + timedelta(days=10))
    values = {name: getattr(row, name) for name in TERMS_FIELDS}
    for day in (timezone.localdate() - timedelta(days=1), row.valid_from):
        with pytest.raises(BookingError, match="can start on"):
            price_list_version_add(
                price_list=row.price_list,
                valid_from=day,
                rows={row.work_kind: values},
                by=coordinator,
            )
    assert PriceRow.objects.count() == 1
    row.refresh_from_db()
    assert row.valid_until is None


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"client_price": "abc"}, "Enter a number."),
        ({"client_price": "NaN"}, "Enter a number."),
        ({"vat_rate": "0", "vat_exemption_text": ""}, "Without VAT the invoice must say why"),
        ({"vat_rate": "120"}, "less than or equal to 100"),
    ],
)
def test_bad_prices_are_the_forms_error_and_change_nothing(desk, changes, error):
    row = PriceRowFactory()
    talk = row.work_kind
    response = desk.post(
        reverse("bookings_coordinator:price_version", args=[row.price_list_id]),
        {
            "valid_from": (timezone.localdate() + timedelta(days=5)).isoformat(),
            **_row_data(f"k{talk.pk}", **changes),
        },
    )
    assert response.status_code == 200
    assert error in response.content.decode()
    assert PriceRow.objects.count() == 1
    row.refresh_from_db()
    assert row.valid_until is None


def test_an_unticked_kind_of_work_is_no_longer_priced_from_the_versions_date(desk):
    row = PriceRowFactory()
    panel = WorkKind.objects.get(code="customer-panel")
    PriceRowFactory(price_list=row.price_list, work_kind=panel)
    start = timezone.localdate() + timedelta(days=3)
    desk.post(
        reverse("bookings_coordinator:price_version", args=[row.price_list_id]),
        {"valid_from": start.isoformat(), **_row_data(f"k{row.work_kind_id}")},
    )
    ended = PriceRow.objects.get(work_kind=panel)
    assert ended.valid_until == start - timedelta(days=1)
    assert not PriceRow.objects.filter(work_kind=panel, valid_from=start).exists()


def test_the_organisation_of_a_price_list_in_use_stays(desk):
    row = PriceRowFactory()
    request_booking()
    other = OrganisationFactory()
    desk.post(
        reverse("bookings_coordinator:price_list", args=[row.price_list_id]),
        {"name": "Uusi nimi", "organisation": other.pk, "notes": ""},
    )
    price_list = PriceList.objects.get(pk=row.price_list_id)
    assert (price_list.name, price_list.organisation_id) == ("Uusi nimi", None)


def test_a_deactivated_price_list_gives_no_terms_and_is_in_its_history(desk):
    row = PriceRowFactory()
    desk.post(
        reverse("bookings_coordinator:price_list_active", args=[row.price_list_id]),
        {"active": "0"},
    )
    price_list = PriceList.objects.get(pk=row.price_list_id)
    assert not price_list.active
    assert price_list.history.filter(kind=TermsChange.Kind.LIST_CHANGED).exists()
    booking = request_booking()
    assert booking.terms is None


def test_the_price_list_list_takes_the_same_queries_for_1_and_50(desk):
    def make(count):
        for _ in range(count):
            PriceRowFactory(price_list=PriceListFactory(organisation=OrganisationFactory()))

    one, fifty, page = _same_queries(desk, reverse("bookings_coordinator:price_lists"), make)
    assert one == fifty
    assert page.count("/coordinator/bookings/price-lists/") >= 50


def test_the_price_list_page_takes_the_same_queries_for_1_and_many_versions(desk, coordinator):
    row = PriceRowFactory()
    url = reverse("bookings_coordinator:price_list", args=[row.price_list_id])
    values = {name: getattr(row, name) for name in TERMS_FIELDS}
    with CaptureQueriesContext(connection) as one:
        desk.get(url)
    for days in range(1, 10):
        price_list_version_add(
            price_list=row.price_list,
            valid_from=timezone.localdate() + timedelta(days=days),
            rows={row.work_kind: values},
            by=coordinator,
        )
    with CaptureQueriesContext(connection) as many:
        desk.get(url)
    assert len(one) == len(many)


# --- Funding sources -----------------------------------------------------------------------------


def test_a_funding_source_is_created_edited_and_deactivated(desk):
    response = desk.post(
        reverse("bookings_coordinator:funding_create"),
        {
            "name": "Kokemus mukaan",
            "code": "STEA-1",
            "budget": "20000.00",
            "valid_from": "2026-01-01",
        },
    )
    assert response.status_code == 302
    source = FundingSource.objects.get(code="STEA-1")
    desk.post(
        reverse("bookings_coordinator:funding_edit", args=[source.pk]),
        {
            "name": "Kokemus mukaan",
            "code": "STEA-1",
            "budget": "25000.00",
            "valid_from": "2026-01-01",
        },
    )
    source.refresh_from_db()
    assert source.budget == Decimal("25000.00")
    change = source.history.filter(kind=TermsChange.Kind.FUNDING_CHANGED).last()
    assert change.changes["budget"] == ["20000.00", "25000.00"]
    desk.post(reverse("bookings_coordinator:funding_active", args=[source.pk]), {"active": "0"})
    source.refresh_from_db()
    assert not source.active


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"budget": "-1"}, "greater than or equal to 0"),
        ({"valid_until": "2025-01-01"}, "The end cannot be before the start."),
        ({"valid_from": "9999-01-01"}, "Enter a date between"),
    ],
)
def test_a_bad_funding_source_is_the_forms_error_and_changes_nothing(desk, changes, error):
    source = FundingSourceFactory(name="Hanke", valid_from=date(2026, 1, 1))
    response = desk.post(
        reverse("bookings_coordinator:funding_edit", args=[source.pk]),
        {"name": "Muutettu", "budget": "100.00", "valid_from": "2026-01-01", **changes},
    )
    assert error in response.content.decode()
    source.refresh_from_db()
    assert (source.name, source.budget) == ("Hanke", Decimal("10000.00"))


def test_the_funding_list_takes_the_same_queries_for_1_and_50(desk):
    def make(count):
        for _ in range(count):
            FundingSourceFactory()

    one, fifty, page = _same_queries(desk, reverse("bookings_coordinator:funding_sources"), make)
    assert one == fifty
    assert page.count("/coordinator/bookings/funding/") >= 50


# --- Who may ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["organisations", "organisation_create", "price_lists", "price_list_create", "funding_sources"],
)
def test_units_experts_and_trainers_are_refused(client, name, expert):
    unit_member = member()
    for user in (unit_member, expert.user):
        client.force_login(user)
        assert client.get(reverse(f"bookings_coordinator:{name}")).status_code == 403
    client.logout()
    assert client.get(reverse(f"bookings_coordinator:{name}")).status_code == 302


def test_a_unit_member_cannot_deactivate_their_unit(client):
    booker = member()
    unit = booker.memberships.get().unit
    client.force_login(booker)
    response = client.post(
        reverse("bookings_coordinator:unit_active", args=[unit.pk]), {"active": "0"}
    )
    assert response.status_code == 403
    unit.refresh_from_db()
    assert unit.active


def test_the_coordinator_menu_links_to_the_organisations(desk):
    page = desk.get(reverse("coordinator_home"))
    assert reverse("bookings_coordinator:organisations") in page.content.decode()


def test_the_booking_change_picker_leaves_out_deactivated_units_but_keeps_the_bookings_own(desk):
    PriceRowFactory()
    booking = request_booking()
    gone = UnitFactory(name="Lakkautettu yksikkö", active=False)
    UnitFactory(name="Toimiva yksikkö")
    page = desk.get(reverse("bookings_coordinator:change", args=[booking.pk])).content.decode()
    assert "Toimiva yksikkö" in page and "Lakkautettu yksikkö" not in page
    Unit.objects.filter(pk=booking.unit_id).update(active=False)
    page = desk.get(reverse("bookings_coordinator:change", args=[booking.pk])).content.decode()
    assert booking.unit.name in page
    response = desk.post(
        reverse("bookings_coordinator:change", args=[booking.pk]),
        {
            "unit": gone.pk,
            "work_kind": booking.work_kind_id,
            "audience": booking.audience,
            "experts_wanted": "1",
            "reason": "Siirto",
        },
    )
    assert "Select a valid choice" in response.content.decode()
    booking.refresh_from_db()
    assert booking.unit_id != gone.pk


def test_a_member_of_a_deactivated_unit_is_told_so_instead_of_the_request_form(
    client, english_pages
):
    PriceRowFactory()
    booker = member()
    unit = booker.memberships.get().unit
    client.force_login(booker)
    assert client.get(reverse("bookings:request")).status_code == 200
    Unit.objects.filter(pk=unit.pk).update(active=False)
    response = client.get(reverse("bookings:request"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("bookings:unit_home")
    assert "Your unit is no longer in use" in response.content.decode()
