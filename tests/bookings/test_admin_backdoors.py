"""The bookings admin has no back doors: a coordinator who posts any value to any field of any
change form (one field at a time, see tests/admin_checks.py) changes nothing a service owns.

A booking's status, unit, kind of work, audience, seats, billing and terms stay as they were, and
so do its times, offers and gigs with their money; the frozen terms never change; a price row that
a booking's terms came from keeps its terms (only its end date can be set) and is never deleted,
and so does a kilometre allowance that approved trips were priced at;
a unit stays in its organisation; reports, check-ins and feedback are read-only. What the admin
may change is recorded in the history."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib import admin
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone

from bookings import services
from bookings.models import (
    TERMS_FIELDS,
    Assignment,
    Booking,
    BookingChange,
    BookingTerms,
    CheckIn,
    Feedback,
    FundingSource,
    Gig,
    GigReport,
    MileageRate,
    Occurrence,
    Organisation,
    Panel,
    PanelApplication,
    PriceList,
    PriceRow,
    TermsChange,
    Unit,
)
from tests.admin_checks import (
    change_url,
    delete_via_admin,
    hostile_values,
    model_admin,
    read_change_form,
    registered_models,
    walk_change_form,
)
from tests.bookings.factories import FundingSourceFactory, PriceRowFactory, work_kind
from tests.bookings.reports_factories import ended_gig, reported_gig

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

WALKED = {
    Organisation,
    Unit,
    PriceList,
    FundingSource,
    TermsChange,
    Booking,
    GigReport,
    CheckIn,
    Feedback,
    MileageRate,
    # Customer panels: read-only, walked in test_panels.py.
    Panel,
    PanelApplication,
}
# What the services own on a booking.
OWNED = [
    "status",
    "unit",
    "requested_by",
    "work_kind",
    "kind",
    "audience",
    "experts_wanted",
    "funding_source",
    "terms",
    "first_start",
    "last_end",
    "cancelled_late",
    "cancellation_fee",
]


@pytest.fixture
def admin_client(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture
def world(terms, coordinator):
    """An approved gig (with its report) on a delivered booking, a check-in and feedback, the
    price row its terms came from, an unused row and a funding source."""
    gig = reported_gig(coordinator=coordinator)
    services.report_approve(gig=gig, by=coordinator)
    booking = Booking.objects.get(pk=gig.booking_id)
    services.booking_deliver(booking=booking, by=coordinator)
    CheckIn.objects.create(gig=gig, feeling=4)
    member = booking.unit.memberships.first().user
    Feedback.objects.create(booking=booking, given_by=member, rating=5, text="Hyvä")
    unused = PriceRowFactory(
        price_list=terms.price_list, work_kind=work_kind("training"), valid_from=date(2020, 1, 1)
    )
    return {
        "gig": gig,
        "booking": booking,
        "row": terms,
        "unused": unused,
        "source": FundingSourceFactory(),
    }


def one_try_in_read_only_rows(bound_field):
    """Every hostile value in the booking's own fields; one in the first row of each read-only
    inline (times, offers, gigs, terms, history: the admin ignores whatever is posted there, and
    every row of an inline is the same form)."""
    values = hostile_values(bound_field)
    prefix = bound_field.form.prefix
    if prefix is None:
        return values
    return values[:1] if prefix.endswith("-0") else []


def _state(booking: Booking):
    """Everything of a booking that only the services change."""
    booking = Booking.objects.get(pk=booking.pk)
    return (
        {name: getattr(booking, f"{name}_id", getattr(booking, name)) for name in OWNED},
        list(Occurrence.objects.filter(booking=booking).values_list("pk", "start", "end")),
        list(Assignment.objects.filter(booking=booking).values_list("pk", "status", "expert")),
        list(
            Gig.objects.filter(booking=booking).values_list(
                "pk", "status", "fee_amount", "billable_amount", "paid_on", "written_off"
            )
        ),
        list(BookingTerms.objects.values_list(*TERMS_FIELDS, "booking", "source_row")),
        list(BookingChange.objects.exclude(kind=BookingChange.Kind.DETAILS).values_list("pk")),
    )


def _after_the_gig(world):
    gig = world["gig"]
    return (
        list(GigReport.objects.filter(gig=gig).values()),
        list(CheckIn.objects.filter(gig=gig).values()),
        list(Feedback.objects.values()),
    )


def test_every_bookings_admin_page_is_walked():
    assert registered_models(admin.site, "bookings") == WALKED


def test_no_hostile_post_to_a_bookings_change_form_changes_what_the_services_own(
    admin_client, world
):
    booking = world["booking"]
    before = _state(booking)
    details = BookingChange.objects.filter(kind=BookingChange.Kind.DETAILS).count()
    saved = []

    def check(probe, response):
        assert _state(booking) == before, probe
        if response.status_code == 302:
            saved.append(probe)

    probes = walk_change_form(admin_client, model_admin(admin.site, Booking), booking, check=check)
    assert {p.slot.field for p in probes} >= {"title", "place", "notes", "areas"}
    # What the admin may change is in the history, one row per save that changed something.
    assert BookingChange.objects.filter(kind=BookingChange.Kind.DETAILS).count() > details
    assert delete_via_admin(admin_client, model_admin(admin.site, Booking), booking).status_code
    assert Booking.objects.filter(pk=booking.pk).exists()


def test_a_price_row_in_use_keeps_its_terms_and_is_never_deleted(admin_client, world):
    row = world["row"]
    frozen = model_to_dict(row, fields=[*TERMS_FIELDS, "work_kind", "valid_from"])
    booking_state = _state(world["booking"])

    def check(probe, response):
        current = PriceRow.objects.filter(pk=row.pk).first()
        assert current is not None, probe
        assert model_to_dict(current, fields=[*TERMS_FIELDS, "work_kind", "valid_from"]) == (
            frozen
        ), probe
        assert _state(world["booking"]) == booking_state, probe

    price_list_admin = model_admin(admin.site, PriceList)
    walk_change_form(admin_client, price_list_admin, row.price_list, check=check)
    # The row not in use could be edited (and deleted); the one in use could only be ended.
    assert TermsChange.objects.filter(price_list=row.price_list).exists()
    assert delete_via_admin(admin_client, price_list_admin, row.price_list).status_code
    assert PriceRow.objects.filter(pk=row.pk).exists()
    assert not PriceRow.objects.filter(pk=world["unused"].pk).exists()  # not in use: deletable


def test_a_row_in_use_can_be_ended_and_the_end_is_in_the_history(admin_client, world):
    row = world["row"]
    url = change_url(model_admin(admin.site, PriceList), row.price_list)
    form = read_change_form(admin_client, url)
    index = next(
        slot.row
        for slot, field in form.fields.items()
        if slot.form == "rows" and slot.field == "id" and field.value() == row.pk
    )
    data = {**form.data, f"rows-{index}-valid_until": "2030-12-31"}
    data[f"rows-{index}-client_price"] = "1.00"  # a disabled field: ignored
    assert admin_client.post(url, data).status_code == 302
    row.refresh_from_db()
    assert (row.valid_until, row.client_price) == (date(2030, 12, 31), Decimal("350.00"))
    change = TermsChange.objects.get(kind=TermsChange.Kind.ROW_CHANGED)
    assert change.changes == {"valid_until": ["", "2030-12-31"]}


def test_units_stay_in_their_organisation(admin_client, world):
    unit = world["booking"].unit
    organisation = unit.organisation_id

    def check(probe, response):
        assert Unit.objects.get(pk=unit.pk).organisation_id == organisation, probe

    walk_change_form(admin_client, model_admin(admin.site, Unit), unit, check=check)


def test_organisations_and_funding_sources_keep_the_bookings_as_they_are(admin_client, world):
    booking = world["booking"]
    before = _state(booking)

    def check(probe, response):
        assert _state(booking) == before, probe
        assert Organisation.objects.filter(pk=booking.unit.organisation_id).exists(), probe

    walk_change_form(
        admin_client,
        model_admin(admin.site, Organisation),
        booking.unit.organisation,
        check=check,
    )
    walk_change_form(
        admin_client, model_admin(admin.site, FundingSource), world["source"], check=check
    )
    assert TermsChange.objects.filter(funding_source=world["source"]).exists()


@pytest.mark.parametrize("model", [GigReport, CheckIn, Feedback, TermsChange])
def test_the_work_after_the_gig_and_the_terms_history_are_read_only(admin_client, world, model):
    services.terms.terms_change_record(
        by=None, kind=TermsChange.Kind.LIST_CHANGED, price_list=world["row"].price_list
    )
    before = _after_the_gig(world), list(TermsChange.objects.values())
    obj = model.objects.first()

    def check(probe, response):
        assert (_after_the_gig(world), list(TermsChange.objects.values())) == before, probe

    walk_change_form(admin_client, model_admin(admin.site, model), obj, check=check)
    assert delete_via_admin(admin_client, model_admin(admin.site, model), obj).status_code
    assert model.objects.filter(pk=obj.pk).exists()


def test_a_kilometre_allowance_approved_trips_were_priced_at_keeps_its_day_and_euros(
    admin_client, terms, coordinator
):
    gig = ended_gig()
    services.report_submit(
        gig=gig,
        by=gig.expert.user,
        hours=Decimal("2"),
        preparation_hours=Decimal("0"),
        km=40,
        km_from="Tikkurila",
    )
    services.report_approve(gig=gig, by=coordinator)
    trip = timezone.localdate(gig.start)
    used = MileageRate.objects.filter(valid_from__lte=trip).order_by("-valid_from").first()
    frozen = model_to_dict(used, fields=["valid_from", "per_km"])
    rate_admin = model_admin(admin.site, MileageRate)

    def check(probe, response):
        current = MileageRate.objects.get(pk=used.pk)
        assert model_to_dict(current, fields=["valid_from", "per_km"]) == frozen, probe

    walk_change_form(admin_client, rate_admin, used, check=check)
    assert delete_via_admin(admin_client, rate_admin, used).status_code
    assert MileageRate.objects.filter(pk=used.pk).exists()

    # A new rate cannot reach back to a trip already approved; from the next day it can.
    add = reverse("admin:bookings_mileagerate_add")
    refused = admin_client.post(add, {"valid_from": trip.isoformat(), "per_km": "0.10"})
    assert refused.status_code == 200
    assert "already approved at the allowance then in force" in refused.content.decode()
    assert not MileageRate.objects.filter(valid_from=trip).exists()
    next_day = trip + timedelta(days=1)
    if not MileageRate.objects.filter(valid_from=next_day).exists():
        added = admin_client.post(add, {"valid_from": next_day.isoformat(), "per_km": "0.60"})
        assert added.status_code == 302
    # A rate no approved trip was priced at can still be corrected.
    later = MileageRate.objects.get(valid_from=next_day)
    url = change_url(rate_admin, later)
    data = {**read_change_form(admin_client, url).data, "per_km": "0.59"}
    assert admin_client.post(url, data).status_code == 302
    later.refresh_from_db()
    assert later.per_km == Decimal("0.59")
