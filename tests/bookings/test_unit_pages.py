"""The unit portal: request an expert, see the bookings, cancel."""

import itertools
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bookings.models import Booking, Membership
from experts.models import ExperienceArea, Language, WorkKind
from tests.bookings.factories import at, bookable_expert, member, request_booking, staffed

pytestmark = pytest.mark.django_db


def _form(**changes) -> dict:
    day = (timezone.localdate() + timedelta(days=21)).isoformat()
    data = {
        "title": "Puheenvuoro henkilöstöpäivillä",
        "work_kind": WorkKind.objects.get(code="talk").pk,
        "areas": [ExperienceArea.objects.get(slug="substance-use").pk],
        "language": Language.objects.get(code="fi").pk,
        "kind": "one_off",
        "day": day,
        "start_time": "13:00",
        "end_time": "14:30",
        "place": "Kielotie 13, Vantaa",
        "audience": "adults",
        "audience_size": "80",
        "experts_wanted": "1",
        "contact_name": "Maria",
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
def logged_in(client, booker):
    client.force_login(booker)
    data = _form(unit=booker.memberships.get().unit_id)
    return client, booker, data


def test_the_start_page_offers_the_request_as_the_main_action(logged_in):
    client, _booker, _data = logged_in
    page = client.get(reverse("bookings:unit_home")).content.decode()
    assert reverse("bookings:request") in page
    assert "Request an expert" in page


def test_the_request_form_shows_prices_and_cancellation_terms(logged_in, terms):
    client, _booker, _data = logged_in
    page = client.get(reverse("bookings:request")).content.decode()
    assert "350,00" in page or "350.00" in page
    assert "Free until 7 days before the first time." in page


def test_a_request_is_checked_first_and_sent_only_on_confirmation(logged_in, terms):
    client, booker, data = logged_in
    preview = client.post(reverse("bookings:request"), data)
    assert preview.status_code == 200
    assert not Booking.objects.exists()
    content = preview.content.decode()
    assert "Check your request" in content
    assert "439.25" in content  # 350 € + VAT 25.5 %
    sent = client.post(reverse("bookings:request"), {**data, "send": "1"})
    booking = Booking.objects.get()
    assert sent.status_code == 302
    assert sent.url == reverse("bookings:detail", args=[booking.pk])
    assert booking.requested_by == booker
    assert booking.first_start == at(21, 13)
    assert list(booking.areas.values_list("slug", flat=True)) == ["substance-use"]


def test_a_series_from_a_weekly_count(logged_in):
    client, _booker, data = logged_in
    client.post(reverse("bookings:request"), {**data, "kind": "series", "weeks": "4", "send": "1"})
    booking = Booking.objects.get()
    starts = [o.start for o in booking.occurrences.all()]
    assert len(starts) == 4
    assert all(b - a == timedelta(weeks=1) for a, b in itertools.pairwise(starts))


def test_a_series_from_a_list_of_dates(logged_in):
    client, _booker, data = logged_in
    first = timezone.localdate() + timedelta(days=10)
    second, third = first + timedelta(days=3), first + timedelta(days=9)
    dates = f"{first:%d.%m.%Y}\n{second:%d.%m.%Y}, {third:%d.%m.%Y}"
    client.post(
        reverse("bookings:request"), {**data, "kind": "series", "dates": dates, "send": "1"}
    )
    assert Booking.objects.get().occurrences.count() == 3


def test_a_fixed_term_engagement_has_a_time_for_every_working_block(logged_in):
    client, _booker, data = logged_in
    start = timezone.localdate() + timedelta(days=7)
    start -= timedelta(days=start.weekday())  # a Monday
    blocks = {
        "blocks-0-weekday": "1",
        "blocks-0-start": "09:00",
        "blocks-0-end": "14:00",
        "blocks-1-weekday": "3",
        "blocks-1-start": "12:00",
        "blocks-1-end": "16:00",
    }
    client.post(
        reverse("bookings:request"),
        {
            **data,
            **blocks,
            "kind": "fixed_term",
            "period_start": start.isoformat(),
            "period_end": (start + timedelta(weeks=3, days=-1)).isoformat(),
            "send": "1",
        },
    )
    booking = Booking.objects.get()
    assert booking.kind == Booking.Kind.FIXED_TERM
    occurrences = list(booking.occurrences.all())
    assert len(occurrences) == 6
    assert {timezone.localtime(o.start).weekday() for o in occurrences} == {1, 3}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"end_time": "12:00"}, "The end must be after the start."),
        ({"day": "2020-01-01"}, "Every time must be in the future."),
        ({"place": ""}, "Give the place, or the link of a remote meeting."),
        ({"kind": "series", "dates": "32.13.2026"}, "is not a date"),
        ({"kind": "fixed_term"}, "This is needed for this kind of booking."),
        ({"experts_wanted": "0"}, "greater than or equal to 1"),
        ({"remote_link": "not a link"}, "Enter a valid URL."),
    ],
)
def test_bad_input_gives_a_clear_error_and_saves_nothing(logged_in, changes, message):
    client, booker, data = logged_in
    booker.language = "en"
    booker.save()
    response = client.post(reverse("bookings:request"), {**data, **changes, "send": "1"})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Booking.objects.exists()


def test_the_request_cannot_be_made_for_someone_elses_unit(logged_in):
    client, _booker, data = logged_in
    stranger_unit = member().memberships.get().unit
    response = client.post(
        reverse("bookings:request"), {**data, "unit": stranger_unit.pk, "send": "1"}
    )
    assert response.status_code == 200
    assert not Booking.objects.exists()


def test_the_detail_names_confirmed_experts_as_they_chose_and_shows_no_other_personal_data(
    client, booker, coordinator
):
    anna = bookable_expert(public_alias="Anna K.")
    mikko = bookable_expert(shown_as="name")
    booking = request_booking(by=booker, experts=2)
    staffed(booking, [anna, mikko], by=coordinator)
    client.force_login(booker)
    page = client.get(reverse("bookings:detail", args=[booking.pk])).content.decode()
    assert "Anna K." in page
    assert anna.user.full_name not in page
    assert mikko.user.full_name in page
    for private in (anna.user.email, mikko.user.email, anna.municipality + " ", "offered"):
        assert private not in page


def test_the_list_says_the_next_step_in_words(client, booker, coordinator):
    anna = bookable_expert(public_alias="Anna K.")
    waiting = request_booking(by=booker, title="Odottaa", experts=2)
    staffed(waiting, [anna], by=coordinator)
    client.force_login(booker)
    page = client.get(reverse("bookings:unit_home")).content.decode()
    assert "Waiting for experts: 1 of 2 found" in page


def test_the_cancel_page_shows_the_late_fee_before_confirming(client, booker, coordinator, terms):
    booking = request_booking(by=booker, times=[(at(3, 10), at(3, 12))])
    staffed(booking, [bookable_expert()], by=coordinator)
    client.force_login(booker)
    page = client.get(reverse("bookings:cancel", args=[booking.pk])).content.decode()
    assert "This is a late cancellation." in page
    assert "175.00" in page
    booking.refresh_from_db()
    assert booking.status == Booking.Status.STAFFING
    response = client.post(reverse("bookings:cancel", args=[booking.pk]), {"reason": "Sairaus"})
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CANCELLED
    assert booking.cancellation_fee == 175


def test_the_cancel_page_in_good_time_says_it_is_free(client, booker):
    booking = request_booking(by=booker, times=[(at(30, 10), at(30, 12))])
    client.force_login(booker)
    page = client.get(reverse("bookings:cancel", args=[booking.pk])).content.decode()
    assert "Cancelling is free until" in page


def _bookings(booker, coordinator, expert, count, offset=0):
    for index in range(count):
        day = 10 + offset + index
        booking = request_booking(by=booker, times=[(at(day, 10), at(day, 12))])
        staffed(booking, [expert], by=coordinator)


def test_the_bookings_list_takes_the_same_queries_for_1_and_50(client, booker, coordinator):
    expert = bookable_expert(public_alias="A")
    _bookings(booker, coordinator, expert, 1)
    client.force_login(booker)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("bookings:unit_home"))
    _bookings(booker, coordinator, expert, 49, offset=1)
    with CaptureQueriesContext(connection) as fifty:
        response = client.get(reverse("bookings:unit_home"))
    assert response.content.decode().count(reverse("bookings:detail", args=[1])[:-2]) >= 50
    assert len(fifty) == len(one)


def test_a_member_of_two_units_chooses_the_unit(client, booker):
    other = Membership.objects.create(
        user=booker, unit=member().memberships.get().unit, role=Membership.Role.APPROVER
    )
    client.force_login(booker)
    page = client.get(reverse("bookings:request")).content.decode()
    assert other.unit.name in page
