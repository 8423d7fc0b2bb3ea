"""The coordinator books on a unit's behalf (the same form, terms and check page as the unit's;
the unit is told; the history says who entered it) and changes a request's details before it
is confirmed (the history records the change, the price is counted under the frozen terms;
after confirmation the edit is refused with a clear message)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from bookings import services
from bookings.models import Booking, BookingChange, Membership
from expertbank.models import Message
from experts.models import ExperienceArea, Language, WorkKind
from tests.bookings.factories import (
    PriceRowFactory,
    at,
    bookable_expert,
    confirmed,
    member,
    offer,
    request_booking,
)
from tests.factories import MembershipFactory, UnitFactory

pytestmark = pytest.mark.django_db

NEW = "bookings_coordinator:new"


def _day(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def _form(**changes) -> dict:
    data = {
        "title": "Puheenvuoro henkilöstöpäivillä",
        "work_kind": WorkKind.objects.get(code="talk").pk,
        "areas": [ExperienceArea.objects.get(slug="substance-use").pk],
        "language": Language.objects.get(code="fi").pk,
        "kind": "one_off",
        "day": _day(21),
        "start_time": "13:00",
        "end_time": "14:30",
        "place": "Kielotie 13, Vantaa",
        "audience": "adults",
        "audience_size": "80",
        "experts_wanted": "1",
        "contact_name": "Maria Mäkinen",
        "contact_phone": "040 123 4567",
        "purpose": "Henkilöstö oppii asiakkaan näkökulman.",
        "share_topics": "Oma polku palveluissa.",
        "blocks-TOTAL_FORMS": "3",
        "blocks-INITIAL_FORMS": "0",
        "blocks-MIN_NUM_FORMS": "0",
        "blocks-MAX_NUM_FORMS": "7",
    }
    data.update(changes)
    return data


@pytest.fixture
def desk(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture
def unit(db):
    """A unit with two bookers (neither of them is the coordinator)."""
    unit = UnitFactory(name="Lastensuojelun avohuolto")
    for _ in range(2):
        MembershipFactory(unit=unit, role=Membership.Role.BOOKER, user__language="en")
    return unit


def test_the_coordinator_picks_any_unit_and_sees_the_price_before_sending(desk, unit):
    other = UnitFactory(name="Nuorisopalvelut")
    PriceRowFactory()
    page = desk.get(reverse(NEW)).content.decode()
    assert unit.name in page and other.name in page  # every unit, not the coordinator's own
    preview = desk.post(reverse(NEW), _form(unit=unit.pk))
    assert preview.status_code == 200
    text = preview.content.decode()
    assert "Send the request for the unit" in text
    assert unit.name in text
    assert preview.context["estimate"].net == Decimal("350.00")
    assert not Booking.objects.exists()  # nothing is sent from the check page


def test_the_request_is_entered_for_the_unit_which_is_told(desk, coordinator, unit, run_on_commit):
    PriceRowFactory()
    with run_on_commit():
        response = desk.post(reverse(NEW), {**_form(unit=unit.pk), "send": "1"})
    booking = Booking.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("bookings_coordinator:detail", args=[booking.pk])
    assert (booking.unit, booking.requested_by, booking.status) == (unit, None, "requested")
    assert booking.terms.client_price == Decimal("350.00")
    assert booking.purpose == "Henkilöstö oppii asiakkaan näkökulman."  # the brief came along
    first = booking.changes.order_by("pk").first()
    assert (first.to_status, first.by) == ("requested", coordinator)
    assert first.note == f"Entered by the coordinator {coordinator.full_name} on the unit's behalf."
    told = set(Message.objects.filter(kind="booking_received").values_list("recipient", flat=True))
    bookers = set(unit.memberships.values_list("user", flat=True))
    assert told == bookers
    body = Message.objects.filter(kind="booking_received").first().body
    assert "A coordinator entered this request for your unit" in body
    assert coordinator.pk not in told
    detail = desk.get(reverse("bookings_coordinator:detail", args=[booking.pk])).content.decode()
    assert "on the unit&#x27;s behalf" in detail or "on the unit's behalf" in detail
    # The unit sees the same line in its booking's history.
    booker = unit.memberships.first().user
    desk.force_login(booker)
    page = desk.get(reverse("bookings:detail", args=[booking.pk])).content.decode()
    assert coordinator.full_name in page


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": ""}, "This field is required."),
        ({"unit": "99999999999999999999"}, "Select a valid choice."),
        ({"unit": ""}, "This field is required."),
        ({"day": _day(-2)}, "Every time must be in the future."),
        ({"place": ""}, "Give the place, or the link of a remote meeting."),
    ],
)
def test_bad_input_is_a_clear_error_and_enters_nothing(desk, unit, changes, message):
    data = {**_form(unit=unit.pk), **changes, "send": "1"}
    response = desk.post(reverse(NEW), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Booking.objects.exists()


def test_a_deactivated_unit_cannot_be_picked(desk, unit):
    unit.active = False
    unit.save(update_fields=["active"])
    response = desk.post(reverse(NEW), {**_form(unit=unit.pk), "send": "1"})
    assert "Select a valid choice." in response.content.decode()
    assert not Booking.objects.exists()


def test_only_a_coordinator_enters_a_request_on_a_units_behalf(client, unit):
    booker = unit.memberships.first().user
    client.force_login(booker)
    assert client.get(reverse(NEW)).status_code == 403
    assert client.post(reverse(NEW), {**_form(unit=unit.pk), "send": "1"}).status_code == 403
    with translation.override("en"), pytest.raises(services.BookingError, match="Only a coord"):
        services.booking_request(
            unit=unit,
            by=booker,
            title="X",
            work_kind=WorkKind.objects.get(code="talk"),
            times=[(at(5), at(5, 12))],
            place="Tie 1",
            on_behalf=True,
        )
    assert not Booking.objects.exists()


# Changing the details before confirmation


def _edit(booking) -> str:
    return reverse("bookings_coordinator:edit", args=[booking.pk])


def test_the_edit_form_starts_from_the_booking(desk):
    booking = request_booking(title="Kevään vertaisilta", times=[(at(12, 17), at(12, 19))])
    page = desk.get(_edit(booking)).content.decode()
    assert "Kevään vertaisilta" in page
    assert "Kielotie 13, Vantaa" in page
    assert 'name="change_times"' in page


def test_a_change_is_checked_against_the_frozen_terms_then_recorded(desk, coordinator):
    PriceRowFactory()
    booking = request_booking(title="Kevään vertaisilta", times=[(at(12, 17), at(12, 19))])
    assert booking.terms.client_price == Decimal("350.00")
    # The price list changes afterwards: the booking keeps the terms it was requested under.
    PriceRowFactory(client_price=Decimal("999.00"), valid_from=timezone.localdate())
    data = _form(
        unit=booking.unit_id,
        title="Kevään vertaisilta (siirretty)",
        change_times="on",
        kind="series",
        dates=f"{_day(14)}\n{_day(21)}",
        start_time="17:00",
        end_time="19:00",
        contact_name="Pekka Puhelin",
        reason="Yksikkö soitti 3.12.",
    )
    preview = desk.post(_edit(booking), data)
    assert preview.status_code == 200, preview.content.decode()[:2000]
    assert preview.context["estimate"].net == Decimal("700.00")  # 2 × 350, not 2 × 999
    assert "Save the changes" in preview.content.decode()
    booking.refresh_from_db()
    assert booking.title == "Kevään vertaisilta"  # nothing changed by the check page
    response = desk.post(_edit(booking), {**data, "send": "1"})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.title == "Kevään vertaisilta (siirretty)"
    assert booking.kind == "series"
    assert booking.contact_name == "Pekka Puhelin"
    assert booking.occurrences.count() == 2
    assert timezone.localtime(booking.first_start).date().isoformat() == _day(14)
    assert booking.terms.client_price == Decimal("350.00")
    row = booking.changes.get(kind=BookingChange.Kind.DETAILS)
    assert (row.by, row.note) == (coordinator, "Yksikkö soitti 3.12.")
    assert row.changes["title"] == ["Kevään vertaisilta", "Kevään vertaisilta (siirretty)"]
    assert set(row.changes) >= {"title", "kind", "contact_name", "times"}
    assert row.changes["kind"] == ["one-off", "series"]
    detail = desk.get(reverse("bookings_coordinator:detail", args=[booking.pk])).content.decode()
    assert "Pekka Puhelin" in detail


def test_without_the_tick_the_times_stay(desk):
    booking = request_booking(times=[(at(12, 17), at(12, 19))])
    data = _form(unit=booking.unit_id, day=_day(30), title="Uusi nimi", send="1")
    assert desk.post(_edit(booking), data).status_code == 302
    booking.refresh_from_db()
    assert booking.title == "Uusi nimi"
    assert [(o.start, o.end) for o in booking.occurrences.all()] == [(at(12, 17), at(12, 19))]


def test_times_with_offers_out_are_moved_one_by_one_instead(desk, coordinator):
    booking = request_booking(times=[(at(12, 17), at(12, 19))])
    offer(booking, [bookable_expert()], by=coordinator)
    data = _form(unit=booking.unit_id, change_times="on", day=_day(30), send="1")
    response = desk.post(_edit(booking), data)
    assert "move each time with" in response.content.decode()
    booking.refresh_from_db()
    assert [(o.start, o.end) for o in booking.occurrences.all()] == [(at(12, 17), at(12, 19))]
    assert not booking.changes.filter(kind=BookingChange.Kind.DETAILS).exists()


def test_nothing_changed_is_said_and_recorded_nowhere(coordinator, english):
    booking = request_booking(times=[(at(12, 17), at(12, 19))])
    same = {"title": booking.title, "place": booking.place, "audience": booking.audience}
    with pytest.raises(services.BookingError, match="Nothing changed"):
        services.booking_edit(
            booking=booking, by=coordinator, values=same, times=[(at(12, 17), at(12, 19))]
        )
    assert not booking.changes.filter(kind=BookingChange.Kind.DETAILS).exists()


def test_after_confirmation_the_edit_is_refused_with_a_clear_message(desk, coordinator):
    booking = confirmed(coordinator=coordinator)
    response = desk.get(_edit(booking), follow=True)
    assert "Move a time or cancel the booking instead." in response.content.decode()
    response = desk.post(_edit(booking), {**_form(unit=booking.unit_id), "send": "1"})
    assert response.status_code == 302
    with translation.override("en"), pytest.raises(services.BookingError, match="only before"):
        services.booking_edit(booking=booking, by=coordinator, values={"title": "Muu"})
    booking.refresh_from_db()
    assert booking.title == "Puheenvuoro"
    detail = desk.get(reverse("bookings_coordinator:detail", args=[booking.pk])).content.decode()
    assert _edit(booking) not in detail


def test_only_a_coordinator_changes_the_details(client):
    booker = member()
    booking = request_booking(by=booker)
    client.force_login(booker)
    assert client.get(_edit(booking)).status_code == 403
    assert client.post(_edit(booking), _form(unit=booking.unit_id, send="1")).status_code == 403
    with translation.override("en"), pytest.raises(services.BookingError, match="Only a coord"):
        services.booking_edit(booking=booking, by=booker, values={"title": "Muu"})


def test_the_edit_form_lists_a_series_dates_and_a_fixed_terms_blocks(desk):
    series = request_booking(
        title="Sarja", times=[(at(10, 9), at(10, 11)), (at(17, 9), at(17, 11))], kind="series"
    )
    page = desk.get(_edit(series))
    assert page.status_code == 200
    dates = page.context["form"].initial["dates"].split()
    assert len(dates) == 2
    assert timezone.localtime(at(17, 9)).strftime("%d.%m.%Y") in dates
    fixed = request_booking(
        title="Jakso",
        times=[(at(30, 9), at(30, 12)), (at(32, 13), at(32, 15)), (at(37, 9), at(37, 12))],
        kind="fixed_term",
    )
    page = desk.get(_edit(fixed))
    assert page.status_code == 200
    blocks = [form.initial for form in page.context["blocks"] if form.initial]
    assert len(blocks) == 2  # the same weekday and hours count once
    # Saved without the tick, the times stay as they were.
    data = _form(unit=fixed.unit_id, title="Jakso (uusi nimi)", send="1")
    assert desk.post(_edit(fixed), data).status_code == 302
    assert fixed.occurrences.count() == 3


def test_a_units_own_request_is_not_said_to_be_entered_by_a_coordinator():
    booker = member()  # reads in English
    request_booking(by=booker)
    body = Message.objects.get(kind="booking_received", recipient=booker).body
    assert "Thank you for your request" in body
    assert "A coordinator entered" not in body
