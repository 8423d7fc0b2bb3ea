"""The pages experts and units open daily take a constant number of queries, at most 25, with
one row or fifty (issue 19): the expert's start page, gigs, payments and iCal feed; the unit's
bookings and invoices."""

from __future__ import annotations

import pytest

from bookings.models import Booking, Gig
from bookings.services.calendar import calendar_token_get
from tests.bookings.factories import at, member, request_booking
from tests.bookings.test_matching import days_ago, gig_at
from tests.factories import ExpertFactory, UnitFactory
from tests.invoicing.test_pages import bare_invoice
from tests.test_page_queries import assert_constant, queries_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _gigs(expert, count: int, *, start: int = 0) -> None:
    """``count`` gigs to come, ``count`` approved and waiting for their fee statement and
    ``count`` paid: a row of each list the expert's pages show."""
    for n in range(start, start + count):  # a day of its own each (no overlaps on PostgreSQL)
        gig_at(expert, at(2 + n, 8 + n % 10))
        gig_at(expert, days_ago(5 + n, 8 + n % 10), status=Gig.Status.APPROVED)
        gig_at(expert, days_ago(60 + n, 8 + n % 10), status=Gig.Status.PAID)


@pytest.fixture
def expert(client):
    expert = ExpertFactory(user__language="en")
    client.force_login(expert.user)
    return expert


@pytest.mark.parametrize("url", ["/expert/", "/gigs/", "/payments/"])
def test_the_experts_pages_take_constant_queries(client, expert, url):
    _gigs(expert, 1)
    client.get(url)  # the first visit makes the calendar link's token once
    one = queries_of(client, url)
    _gigs(expert, 49, start=1)
    assert Gig.objects.filter(expert=expert).count() == 150
    fifty = queries_of(client, url)
    assert_constant(one, fifty)


def test_the_calendar_feed_takes_constant_queries(client, expert):
    token = calendar_token_get(expert=expert).token
    url = f"/gigs/calendar/{token}.ics"
    _gigs(expert, 1)
    client.logout()
    one = queries_of(client, url)
    _gigs(expert, 49, start=1)
    response = client.get(url)
    assert response.content.decode().count("BEGIN:VEVENT") >= 50
    fifty = queries_of(client, url)
    assert_constant(one, fifty)


@pytest.fixture
def unit_member(client):
    unit = UnitFactory()
    user = member(unit=unit)
    user.language = "en"
    user.save(update_fields=["language"])
    client.force_login(user)
    return unit, user


def test_the_units_bookings_take_constant_queries(client, unit_member):
    unit, user = unit_member
    request_booking(by=user)
    one = queries_of(client, "/unit/")
    for _n in range(49):
        request_booking(by=user)
    assert Booking.objects.filter(unit=unit).count() == 50
    fifty = queries_of(client, "/unit/")
    assert_constant(one, fifty)


def test_the_units_invoices_take_constant_queries(client, unit_member):
    unit, _user = unit_member
    bare_invoice(unit)
    one = queries_of(client, "/unit/invoices/")
    for _n in range(49):
        bare_invoice(unit)
    fifty = queries_of(client, "/unit/invoices/")
    assert_constant(one, fifty)
