"""The coordinator's booking pages and work-queue panels."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bookings.models import Assignment, Booking, Gig, Membership
from expertbank.models import Invitation, Message
from tests.bookings.factories import (
    FundingSourceFactory,
    at,
    bookable_expert,
    member,
    offer,
    request_booking,
    staffed,
)
from tests.factories import UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(client, coordinator):
    client.force_login(coordinator)
    return client


def _deadline() -> dict:
    moment = timezone.localtime(timezone.now() + timedelta(days=2))
    return {"answer_by_date": moment.date().isoformat(), "answer_by_time": "12:00"}


def test_offers_are_sent_to_the_chosen_candidates(desk, anna):
    booking = request_booking()
    page = desk.get(reverse("bookings_coordinator:candidates", args=[booking.pk]))
    assert anna.user.full_name in page.content.decode()
    response = desk.post(
        reverse("bookings_coordinator:candidates", args=[booking.pk]),
        {"experts": [anna.pk], **_deadline(), "note": "Sopisiko?"},
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert (assignment.expert, assignment.offer_note) == (anna, "Sopisiko?")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.STAFFING


def test_an_offer_without_experts_or_with_a_bad_deadline_is_a_form_error(desk, anna):
    booking = request_booking()
    url = reverse("bookings_coordinator:candidates", args=[booking.pk])
    response = desk.post(url, {**_deadline()})
    assert "Choose at least one expert." in response.content.decode()
    past = {"answer_by_date": "2020-01-01", "answer_by_time": "12:00"}
    response = desk.post(url, {"experts": [anna.pk], **past})
    assert "The answer deadline must be in the future." in response.content.decode()
    assert not Assignment.objects.exists()


def test_the_confirm_button_confirms_once_every_seat_is_filled(
    desk, coordinator, anna, run_on_commit
):
    booking = request_booking()
    staffed(booking, [anna], by=coordinator)
    detail = desk.get(reverse("bookings_coordinator:detail", args=[booking.pk])).content.decode()
    assert "Confirm the booking" in detail
    with run_on_commit():
        desk.post(reverse("bookings_coordinator:confirm", args=[booking.pk]))
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED
    again = desk.post(reverse("bookings_coordinator:confirm", args=[booking.pk]), follow=True)
    assert "This booking is already confirmed." in again.content.decode()


def test_a_rejection_needs_a_reason(desk):
    booking = request_booking()
    url = reverse("bookings_coordinator:reject", args=[booking.pk])
    assert "This field is required." in desk.post(url, {"reason": ""}).content.decode()
    desk.post(url, {"reason": "Ei resursseja"})
    booking.refresh_from_db()
    assert booking.status == Booking.Status.REJECTED


def test_a_time_is_moved_from_its_page(desk, coordinator, anna):
    booking = request_booking(times=[(at(20, 10), at(20, 12))])
    staffed(booking, [anna], by=coordinator)
    occurrence = booking.occurrences.get()
    day = at(23).date().isoformat()
    response = desk.post(
        reverse("bookings_coordinator:reschedule", args=[occurrence.pk]),
        {"day": day, "start_time": "13:00", "end_time": "15:00", "place": "", "note": "Tila"},
    )
    assert response.status_code == 302
    assert Gig.objects.get(expert=anna, status=Gig.Status.PLANNED).start == at(23, 13)
    bad = desk.post(
        reverse("bookings_coordinator:reschedule", args=[occurrence.pk]),
        {"day": day, "start_time": "15:00", "end_time": "13:00"},
    )
    assert "The end must be after the start." in bad.content.decode()


def test_an_expert_is_taken_off_and_replaced(desk, coordinator, anna):
    booking = request_booking()
    (assignment,) = staffed(booking, [anna], by=coordinator)
    desk.post(reverse("bookings_coordinator:withdraw", args=[assignment.pk]), {"reason": "Sairas"})
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.WITHDRAWN
    substitute = bookable_expert()
    url = reverse("bookings_coordinator:candidates", args=[booking.pk])
    page = desk.get(f"{url}?replace={assignment.pk}").content.decode()
    assert substitute.user.full_name in page
    desk.post(url, {"replace": assignment.pk, "expert": substitute.pk, **_deadline()})
    replacement = Assignment.objects.get(expert=substitute)
    assert replacement.replacement_for == assignment


def test_a_cancellation_by_the_coordinator_shows_its_fees(desk, coordinator, anna, terms):
    booking = request_booking(times=[(at(3, 10), at(3, 12))])
    staffed(booking, [anna], by=coordinator)
    url = reverse("bookings_coordinator:cancel", args=[booking.pk])
    assert "This is a late cancellation" in desk.get(url).content.decode()
    desk.post(url, {"reason": "Tila paloi", "charge_client": ""})
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert booking.cancellation_fee is None


def test_a_booking_is_charged_to_a_funding_source(desk):
    booking = request_booking()
    source = FundingSourceFactory()
    desk.post(
        reverse("bookings_coordinator:funding", args=[booking.pk]), {"funding_source": source.pk}
    )
    booking.refresh_from_db()
    assert booking.funding_source == source
    desk.post(reverse("bookings_coordinator:funding", args=[booking.pk]), {"funding_source": ""})
    booking.refresh_from_db()
    assert booking.funding_source is None


def test_a_coordinator_invites_a_new_member_to_a_unit(desk, run_on_commit):
    unit = UnitFactory()
    with run_on_commit():
        response = desk.post(
            reverse("bookings_coordinator:invite", args=[unit.pk]),
            {
                "email": "uusi@example.com",
                "full_name": "Uusi Tilaaja",
                "language": "fi",
                "role": "booker",
            },
        )
    assert response.status_code == 302
    membership = Membership.objects.get(unit=unit)
    assert membership.user.email == "uusi@example.com"
    assert Invitation.objects.filter(user=membership.user).exists()


def test_someone_who_already_logs_in_is_added_and_told(desk):
    unit = UnitFactory()
    person = UserFactory()
    desk.post(
        reverse("bookings_coordinator:invite", args=[unit.pk]),
        {"email": person.email, "full_name": "X", "language": "fi", "role": "approver"},
    )
    assert Membership.objects.get(user=person).role == "approver"
    assert not Invitation.objects.filter(user=person).exists()
    assert Message.objects.filter(kind="booking_member_added", recipient=person).exists()
    again = desk.post(
        reverse("bookings_coordinator:invite", args=[unit.pk]),
        {"email": person.email, "full_name": "X", "language": "fi", "role": "booker"},
    )
    assert "is already a member" in again.content.decode()


def test_the_work_queue_shows_the_booking_panels(desk, coordinator, anna):
    request_booking(title="Uusi pyyntö")
    waiting = request_booking(title="Puuttuu asiantuntija", experts=2)
    offer(waiting, [anna], by=coordinator)
    page = desk.get(reverse("coordinator_home")).content.decode()
    for words in (
        "New booking requests",
        "Bookings short of experts",
        "Offers waiting for an answer",
    ):
        assert words in page
    assert "Uusi pyyntö" in page
    assert "Puuttuu asiantuntija" in page


def test_the_work_queue_panels_take_the_same_queries_for_1_and_50(desk, coordinator):
    experts = [bookable_expert() for _ in range(2)]

    def make(count, offset):
        for index in range(count):
            booking = request_booking(
                times=[(at(10 + offset + index, 10), at(10 + offset + index, 12))], experts=3
            )
            offer(booking, experts, by=coordinator)

    make(1, 0)
    with CaptureQueriesContext(connection) as one:
        desk.get(reverse("coordinator_home"))
    make(49, 1)
    with CaptureQueriesContext(connection) as fifty:
        desk.get(reverse("coordinator_home"))
    assert len(fifty) == len(one)


def test_the_list_filters_and_takes_the_same_queries_for_1_and_50(desk, coordinator):
    def make(count, offset):
        for index in range(count):
            day = 10 + offset + index
            request_booking(by=member(), times=[(at(day, 10), at(day, 12))])

    make(1, 0)
    url = reverse("bookings_coordinator:list")
    with CaptureQueriesContext(connection) as one:
        desk.get(url)
    make(49, 1)
    with CaptureQueriesContext(connection) as fifty:
        page = desk.get(url)
    assert len(fifty) == len(one)
    assert page.content.decode().count("/coordinator/bookings/") >= 50
    assert desk.get(url + "?status=requested&view=short").status_code == 200
    assert desk.get(url + "?status=nonsense").status_code == 200
    assert desk.get(url + "?starts_from=2020-01-01&order=-first_start&q=Puheen").status_code == 200


def test_the_candidates_page_takes_the_same_queries_for_1_and_50(desk):
    booking = request_booking()
    url = reverse("bookings_coordinator:candidates", args=[booking.pk])
    bookable_expert()
    with CaptureQueriesContext(connection) as one:
        desk.get(url)
    for _ in range(49):
        bookable_expert()
    with CaptureQueriesContext(connection) as fifty:
        desk.get(url)
    assert len(fifty) == len(one)


def test_the_detail_page_takes_the_same_queries_for_1_and_many_experts(desk, coordinator):
    def booking_with(count):
        booking = request_booking(experts=count)
        staffed(booking, [bookable_expert() for _ in range(count)], by=coordinator)
        return booking

    small, big = booking_with(1), booking_with(12)
    with CaptureQueriesContext(connection) as one:
        desk.get(reverse("bookings_coordinator:detail", args=[small.pk]))
    with CaptureQueriesContext(connection) as many:
        desk.get(reverse("bookings_coordinator:detail", args=[big.pk]))
    assert len(many) == len(one)


def test_the_units_page_takes_the_same_queries_for_1_and_50(desk):
    UnitFactory()
    url = reverse("bookings_coordinator:units")
    with CaptureQueriesContext(connection) as one:
        desk.get(url)
    for _ in range(49):
        UnitFactory()
    with CaptureQueriesContext(connection) as fifty:
        desk.get(url)
    assert len(fifty) == len(one)


def test_the_admin_pages_show_the_bookings_terms_and_units(desk, coordinator, anna, terms):
    booking = request_booking(title="Puheenvuoro hallintoon")
    staffed(booking, [anna], by=coordinator)
    source = FundingSourceFactory(name="Kokemus mukaan -hanke")
    unit = booking.unit
    for url, shown in (
        (reverse("admin:bookings_booking_changelist"), booking.title),
        (reverse("admin:bookings_booking_change", args=[booking.pk]), anna.name),
        (
            reverse("admin:bookings_booking_changelist")
            + "?status__exact=staffing&kind__exact=one_off",
            booking.title,
        ),
        (reverse("admin:bookings_pricelist_change", args=[terms.price_list_id]), "350.00"),
        (reverse("admin:bookings_fundingsource_changelist"), source.name),
        (reverse("admin:bookings_unit_changelist"), unit.name),
        (reverse("admin:bookings_organisation_changelist"), unit.organisation.name),
    ):
        response = desk.get(url)
        assert response.status_code == 200, url
        assert shown in response.content.decode(), url
