"""The candidates page at national scale (issue 19): at most 25 queries whatever the pool, for
the heaviest bookings too (minors, a series, pairs proposed), and the experts left out read
only when their fold is opened (or on a page of their own without JavaScript)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from bookings.models import Booking
from bookings.views import matching as views
from experts.models import BookerKind, ExpertDocument
from tests.bookings.factories import at, member, request_booking
from tests.bookings.test_matching import areas, count_queries, fitting_expert, gig_at
from tests.bookings.test_pairs import experienced, new_expert
from tests.factories import TrainerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

QUERY_TARGET = 25  # issue 19: every daily page


@pytest.fixture
def desk(client, coordinator):
    client.force_login(coordinator)
    return client


def candidates(booking: Booking) -> str:
    return reverse("bookings_coordinator:candidates", args=[booking.pk])


def left_out(booking: Booking) -> str:
    return reverse("bookings_coordinator:candidates_excluded", args=[booking.pk])


def checked(expert):
    """``expert`` with a criminal-record extract (a booking for minors may have them)."""
    ExpertDocument.objects.create(
        expert=expert, kind=ExpertDocument.Kind.CRIMINAL_RECORD, dated=date(2020, 1, 1)
    )
    return expert


def a_busy_pool(size: int) -> None:
    """``size`` more experts of every kind the rules read: capped, limited, resting, busy, on
    a day off, in pairs and experienced, and some left out."""
    for number in range(size):
        expert = checked(
            fitting_expert(
                earnings_cap_monthly="900.00" if number % 2 else None,
                max_gigs_per_month=4 if number % 3 else None,
                rest_days_after_heavy=number % 3,
            )
        )
        gig_at(expert, at(-3 - number % 20, 10), status="approved")
        if number % 5 == 0:
            gig_at(expert, at(20, 11))  # busy
    for _ in range(max(1, size // 5)):
        checked(new_expert())
        checked(experienced())
        fitting_expert(show_to=())  # left out


@pytest.mark.parametrize("audience", [Booking.Audience.ADULTS, Booking.Audience.MINORS])
def test_the_page_takes_at_most_25_queries_and_the_same_for_1_and_many(desk, booker, audience):
    booking = request_booking(
        by=booker,
        times=[(at(20, 10), at(20, 12)), (at(27, 10), at(27, 12))],
        areas=areas("substance-use"),
        audience=audience,
    )
    checked(new_expert())
    checked(experienced())
    one, _page = count_queries(desk.get, candidates(booking))
    a_busy_pool(40)
    many, page = count_queries(desk.get, candidates(booking))
    assert page.status_code == 200
    assert 'name="pair"' in page.content.decode()  # the pairs' queries are counted too
    assert many == one
    assert many <= QUERY_TARGET


def test_a_few_experts_left_out_are_listed_on_the_page_itself(desk, booking_for_city):
    hidden = fitting_expert(show_to=(BookerKind.SCHOOL,))
    page = desk.get(candidates(booking_for_city)).content.decode()
    assert hidden.name in page and "does not show Substance use" in page
    assert left_out(booking_for_city) not in page


@pytest.fixture
def booking_for_city(booker):
    return request_booking(by=booker, areas=areas("substance-use"))


@pytest.fixture
def many_left_out(monkeypatch, booking_for_city):
    """More experts left out than the page lists itself."""
    monkeypatch.setattr(views, "EXCLUDED_INLINE", 1)
    busy = fitting_expert()
    gig_at(busy, at(20, 11))
    hidden = fitting_expert(show_to=(BookerKind.SCHOOL,))
    return busy, hidden


def test_many_experts_left_out_are_read_when_the_fold_is_opened(
    desk, booking_for_city, many_left_out
):
    busy, hidden = many_left_out
    page = desk.get(candidates(booking_for_city)).content.decode()
    assert "2 experts left out" in page  # the count and the reasons' tally stay
    assert busy.name not in page and hidden.name not in page
    address = left_out(booking_for_city)
    # htmx reads the rows as the fold opens; without JavaScript the same list is a link away
    assert f'hx-get="{address}" hx-trigger="toggle from:#excluded once"' in page
    assert f'<a href="{address}">' in page


def test_the_fold_gets_the_rows_alone(desk, booking_for_city, many_left_out):
    busy, hidden = many_left_out
    response = desk.get(left_out(booking_for_city), HTTP_HX_REQUEST="true")
    rows = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in rows and "<table" in rows
    assert busy.name in rows and "busy at" in rows
    assert hidden.name in rows and "does not show Substance use" in rows
    assert "HX-Request" in response["Vary"]


def test_without_javascript_the_list_is_a_page_of_its_own(desk, booking_for_city, many_left_out):
    busy, _hidden = many_left_out
    response = desk.get(left_out(booking_for_city))
    page = response.content.decode()
    assert "<html" in page and "Who is left out and why" in page
    assert busy.name in page and "busy at" in page
    assert f'href="{candidates(booking_for_city)}"' in page  # and back


def test_the_list_left_out_takes_the_same_queries_for_1_and_many(desk, booker):
    booking = request_booking(by=booker, areas=areas("substance-use"), audience="minors")
    checked(new_expert())
    fitting_expert(show_to=())

    def fold():
        return desk.get(left_out(booking), HTTP_HX_REQUEST="true")

    one, _rows = count_queries(fold)
    a_busy_pool(20)
    many, rows = count_queries(fold)
    assert many == one <= QUERY_TARGET
    assert rows.content.decode().count("<tr>") > 5


@pytest.mark.parametrize("role", ["member", "expert", "trainer"])
def test_only_coordinators_see_who_is_left_out(client, booking_for_city, role):
    expert = fitting_expert(show_to=())
    users = {"member": member(), "expert": expert.user, "trainer": TrainerFactory()}
    client.force_login(users[role])
    assert client.get(left_out(booking_for_city)).status_code == 403
    assert client.get(left_out(booking_for_city), HTTP_HX_REQUEST="true").status_code == 403


def test_the_booking_unit_itself_cannot_see_who_is_left_out(client, booker, booking_for_city):
    client.force_login(booker)
    assert client.get(left_out(booking_for_city)).status_code == 403


def test_an_anonymous_visitor_is_sent_to_log_in_not_shown_the_list(client, booking_for_city):
    response = client.get(left_out(booking_for_city))
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))


def test_a_missing_booking_left_out_is_404(desk):
    missing = reverse("bookings_coordinator:candidates_excluded", args=[999999])
    assert desk.get(missing).status_code == 404
