"""What a booking's price and staffing depend on — its unit, kind of work, audience, seats and
billing — change only through the services, with their checks, each change in the history."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from bookings import services
from bookings.models import Booking, BookingChange
from experts.models import AreaDisclosure, ExperienceArea, ExpertDocument
from tests.bookings.factories import (
    FundingSourceFactory,
    PriceListFactory,
    PriceRowFactory,
    at,
    bookable_expert,
    member,
    offer,
    request_booking,
    staffed,
    work_kind,
)
from tests.factories import OrganisationFactory, UnitFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _extract(expert, *, valid_until):
    return ExpertDocument.objects.create(
        expert=expert,
        kind=ExpertDocument.Kind.CRIMINAL_RECORD,
        dated=date(2020, 1, 1),
        valid_until=valid_until,
    )


def test_an_audience_under_18_needs_the_extracts_of_the_experts_on_the_booking(
    terms, booker, coordinator
):
    booking = request_booking(by=booker)
    covered, missing = bookable_expert(), bookable_expert()
    _extract(covered, valid_until=at(60).date())
    staffed(booking, [covered], by=coordinator)
    offer(booking, [missing], by=coordinator)
    with pytest.raises(services.BookingError, match=missing.name) as refused:
        services.booking_change(
            booking=booking, by=coordinator, reason="Koululaisille", audience="minors"
        )
    assert covered.name not in str(refused.value)
    booking.refresh_from_db()
    assert booking.audience == Booking.Audience.ADULTS
    assert not booking.changes.filter(kind=BookingChange.Kind.DETAILS).exists()
    _extract(missing, valid_until=None)
    services.booking_change(
        booking=booking, by=coordinator, reason="Koululaisille", audience="minors"
    )
    booking.refresh_from_db()
    assert booking.audience == Booking.Audience.MINORS
    change = booking.changes.get(kind=BookingChange.Kind.DETAILS)
    assert change.changes == {"audience": ["adults", "children or young people under 18"]}
    assert change.note == "Koululaisille"


def test_an_extract_that_ends_before_the_gig_is_not_enough(terms, booker, coordinator):
    booking = request_booking(by=booker)
    expert = bookable_expert()
    _extract(expert, valid_until=at(10).date())  # the gig is in 20 days
    staffed(booking, [expert], by=coordinator)
    with pytest.raises(services.BookingError, match="criminal-record extract"):
        services.booking_change(booking=booking, by=coordinator, reason="x", audience="minors")


def test_seats_can_not_go_below_the_experts_who_accepted(terms, booker, coordinator):
    booking = request_booking(by=booker, experts=2)
    staffed(booking, [bookable_expert(), bookable_expert()], by=coordinator)
    with pytest.raises(services.BookingError, match="already accepted"):
        services.booking_change(booking=booking, by=coordinator, reason="x", experts_wanted=1)
    services.booking_change(
        booking=booking, by=coordinator, reason="Isompi ryhmä", experts_wanted=3
    )
    booking.refresh_from_db()
    assert booking.experts_wanted == 3


def test_another_organisation_takes_its_own_terms_and_needs_disclosure(terms, booker, coordinator):
    booking = request_booking(by=booker)
    other = UnitFactory(organisation=OrganisationFactory(kind="school"))
    own = PriceRowFactory(
        price_list=PriceListFactory(organisation=other.organisation), client_price=Decimal("99")
    )
    services.booking_change(booking=booking, by=coordinator, reason="Väärä yksikkö", unit=other)
    booking.refresh_from_db()
    assert booking.unit == other
    assert booking.terms.source_row == own
    kinds = list(booking.changes.exclude(kind="status").values_list("kind", flat=True))
    assert kinds == [BookingChange.Kind.DETAILS, BookingChange.Kind.TERMS]


def test_an_expert_who_hides_the_area_from_the_new_kind_of_booker_blocks_the_move(
    terms, booker, coordinator
):
    booking = request_booking(by=booker)
    booking.areas.set(ExperienceArea.objects.filter(slug="substance-use"))
    expert = bookable_expert(areas=["substance-use"], disclose=False)
    AreaDisclosure.objects.create(
        expert=expert, area=expert.areas.get(), booker_kind=booking.unit.organisation.kind
    )
    staffed(booking, [expert], by=coordinator)
    school = UnitFactory(organisation=OrganisationFactory(kind="school"))
    with pytest.raises(services.BookingError, match=expert.name):
        services.booking_change(booking=booking, by=coordinator, reason="x", unit=school)


def test_a_new_kind_of_work_takes_the_terms_of_its_row(terms, booker, coordinator):
    training = PriceRowFactory(
        price_list=terms.price_list, work_kind=work_kind("training"), client_price=600
    )
    booking = request_booking(by=booker)
    services.booking_change(
        booking=booking, by=coordinator, reason="Koulutus", work_kind=work_kind("training")
    )
    booking.refresh_from_db()
    assert booking.terms.source_row == training


def test_nothing_changed_and_a_missing_reason_are_refused(terms, booker, coordinator):
    booking = request_booking(by=booker)
    with pytest.raises(services.BookingError, match="Say why"):
        services.booking_change(booking=booking, by=coordinator, reason="", experts_wanted=2)
    with pytest.raises(services.BookingError, match="Nothing changed"):
        services.booking_change(booking=booking, by=coordinator, reason="x", experts_wanted=1)


def test_a_delivered_booking_can_no_longer_change(terms, booker, coordinator):
    booking = request_booking(by=booker)
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.DELIVERED)
    with pytest.raises(services.BookingError, match="can no longer be changed"):
        services.booking_change(booking=booking, by=coordinator, reason="x", experts_wanted=2)


def test_billing_changes_are_in_the_booking_history(terms, booker, coordinator):
    booking = request_booking(by=booker)
    source = FundingSourceFactory(name="Hanke")
    services.booking_fund(booking=booking, funding_source=source, by=coordinator)
    with pytest.raises(services.BookingError, match="Nothing changed"):
        services.booking_fund(booking=booking, funding_source=source, by=coordinator)
    change = booking.changes.get(kind=BookingChange.Kind.FUNDING)
    assert change.changes == {"funding_source": ["", "Hanke"]}


def test_the_change_page_applies_a_change_and_shows_a_refusal(client, terms, coordinator):
    booker = member()
    booking = request_booking(by=booker, experts=2)
    staffed(booking, [bookable_expert(), bookable_expert()], by=coordinator)
    client.force_login(coordinator)
    url = f"/coordinator/bookings/{booking.pk}/change/"
    data = {
        "unit": booking.unit_id,
        "work_kind": booking.work_kind_id,
        "audience": "adults",
        "experts_wanted": 1,
        "reason": "Pienempi ryhmä",
    }
    page = client.post(url, data).content.decode()
    assert "2 experts have already accepted" in page
    data["experts_wanted"] = 4
    assert client.post(url, data).status_code == 302
    detail = client.get(f"/coordinator/bookings/{booking.pk}/").content.decode()
    assert "Details changed" in detail and "Pienempi ryhmä" in detail
    client.force_login(booker)
    assert client.get(url).status_code in (403, 404)


def test_the_booking_page_shows_the_whole_history_in_one_list(client, terms, coordinator):
    expert = bookable_expert()
    booking = request_booking(times=[(at(20, 10), at(20, 12))])
    staffed(booking, [expert], by=coordinator)
    services.booking_fund(booking=booking, funding_source=FundingSourceFactory(), by=coordinator)
    services.occurrence_reschedule(
        occurrence=booking.occurrences.get(),
        start=at(21, 10),
        end=at(21, 12) + timedelta(minutes=30),
        by=coordinator,
    )
    client.force_login(coordinator)
    page = client.get(f"/coordinator/bookings/{booking.pk}/").content.decode()
    history = page[page.index("Booking history") :].lower()
    for text in ("requested", "offered", "accepted", "planned", "billing changed", "time moved"):
        assert text in history, text
    assert f"gig of {expert.name}".lower() in history
