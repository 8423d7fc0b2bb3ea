"""Earnings for the cap, counted by payment date: paid gigs on their payment day, gigs still to be
paid on their own date (or today, if that has passed), each at its fee amount."""

from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.utils import timezone

from bookings.models import Gig
from bookings.selectors.earnings import (
    Earnings,
    Period,
    booking_cap_checks,
    earnings_bulk,
    expert_earnings,
    month_to_date,
    year_to_date,
)
from tests.bookings.factories import at, request_booking
from tests.bookings.test_matching import fitting_expert, gig_at

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)
S = Gig.Status


def moment(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


@pytest.fixture
def expert():
    return fitting_expert()


def test_a_gig_paid_last_year_does_not_count_this_year(expert):
    gig_at(expert, moment(date(2025, 12, 10)), status=S.PAID, paid_on=date(2025, 12, 30))
    assert year_to_date(expert, today=TODAY).total == Decimal("0.00")
    (last_year,) = expert_earnings(expert, [Period.year_of(date(2025, 1, 1))], today=TODAY)
    assert last_year.paid == Decimal("100.00")


def test_a_gig_done_last_year_and_paid_this_year_counts_this_year(expert):
    gig_at(expert, moment(date(2025, 12, 10)), status=S.PAID, paid_on=date(2026, 1, 5))
    assert year_to_date(expert, today=TODAY) == Earnings(paid=Decimal("100.00"))


def test_approved_unpaid_gigs_count_as_coming(expert):
    gig_at(expert, moment(date(2026, 5, 4)), status=S.APPROVED, fee="250.00")
    earnings = year_to_date(expert, today=TODAY)
    assert (earnings.paid, earnings.approved, earnings.total) == (0, Decimal("250.00"), 250)


def test_an_unpaid_gig_from_last_year_counts_this_year_as_it_can_only_be_paid_now(expert):
    gig_at(expert, moment(date(2025, 12, 10)), status=S.APPROVED)
    assert year_to_date(expert, today=TODAY).approved == Decimal("100.00")
    # …and this month, for the same reason
    assert month_to_date(expert, today=TODAY).approved == Decimal("100.00")


def test_planned_and_reported_gigs_count_at_their_fee(expert):
    gig_at(expert, moment(date(2026, 9, 1)), status=S.PLANNED, fee="200.00")
    gig_at(expert, moment(date(2026, 6, 1)), status=S.REPORTED, fee="50.00")
    assert year_to_date(expert, today=TODAY).planned == Decimal("250.00")


def test_a_planned_gig_next_year_counts_next_year(expert):
    gig_at(expert, moment(date(2027, 1, 10)), status=S.PLANNED)
    assert year_to_date(expert, today=TODAY).total == 0
    (next_year,) = expert_earnings(expert, [Period.year_of(date(2027, 1, 1))], today=TODAY)
    assert next_year.planned == Decimal("100.00")


def test_cancelled_and_moved_gigs_count_nothing_but_a_late_cancellation_fee_does(expert):
    gig_at(expert, moment(date(2026, 7, 1)), status=S.CANCELLED, fee="0.00")
    gig_at(expert, moment(date(2026, 7, 2)), status=S.RESCHEDULED, fee="300.00")
    gig_at(expert, moment(date(2026, 7, 3)), status=S.CANCELLED, fee="80.00", late_cancelled=True)
    assert year_to_date(expert, today=TODAY) == Earnings(approved=Decimal("80.00"))


def test_this_month_counts_only_this_month(expert):
    gig_at(expert, moment(date(2026, 6, 2)), status=S.PAID, paid_on=date(2026, 6, 10))
    gig_at(expert, moment(date(2026, 6, 25)), status=S.PLANNED, fee="40.00")
    gig_at(expert, moment(date(2026, 7, 2)), status=S.PLANNED)
    gig_at(expert, moment(date(2026, 5, 2)), status=S.PAID, paid_on=date(2026, 5, 31))
    assert month_to_date(expert, today=TODAY) == Earnings(
        paid=Decimal("100.00"), planned=Decimal("40.00")
    )
    assert year_to_date(expert, today=TODAY).total == Decimal("340.00")


def test_a_gig_counts_on_its_local_date(expert):
    # 1 July 00.30 in Helsinki is still 30 June in UTC: it counts in July.
    start = timezone.make_aware(datetime(2026, 7, 1, 0, 30))
    gig_at(expert, start, status=S.PLANNED)
    assert month_to_date(expert, today=TODAY).total == 0
    (july,) = expert_earnings(expert, [Period.month_of(date(2026, 7, 1))], today=TODAY)
    assert july.total == Decimal("100.00")


def test_earnings_of_many_experts_take_one_query(django_assert_num_queries):
    experts = [fitting_expert() for _ in range(4)]
    for number, expert in enumerate(experts):
        gig_at(expert, moment(date(2026, 6, 1 + number)), status=S.PAID, paid_on=TODAY)
        gig_at(expert, moment(date(2026, 8, 1 + number)), status=S.PLANNED, fee="10.00")
    periods = [Period.year_of(TODAY), Period.month_of(TODAY)]
    with django_assert_num_queries(1):
        bulk = earnings_bulk(experts=[e.pk for e in experts], periods=periods, today=TODAY)
    year, month = bulk[experts[0].pk]
    assert year == Earnings(paid=Decimal("100.00"), planned=Decimal("10.00"))
    assert month == Earnings(paid=Decimal("100.00"))


def test_a_booking_that_would_push_the_expert_over_the_monthly_cap_says_by_how_much(terms):
    expert = fitting_expert(earnings_cap_monthly=Decimal("300.00"))
    day = at(20).date()
    gig_at(expert, moment(day, 8), status=S.PLANNED, fee="150.00")
    booking = request_booking(times=[(at(20, 14), at(20, 16))])
    checks = booking_cap_checks(booking=booking, expert=expert)
    (monthly,) = checks
    assert monthly.kind == "monthly" and monthly.exceeded
    assert (monthly.earned, monthly.adding, monthly.over) == (150, Decimal("200.00"), 50)


def test_a_booking_under_the_yearly_cap_leaves_headroom(terms):
    expert = fitting_expert(earnings_cap_yearly=Decimal("10000.00"))
    booking = request_booking(times=[(at(20, 14), at(20, 16))])
    (yearly,) = booking_cap_checks(booking=booking, expert=expert)
    assert not yearly.exceeded
    assert yearly.headroom == Decimal("9800.00")
