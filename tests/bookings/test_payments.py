"""One meaning of "paid": ``Gig.paid_on``, set only by ``gigs_mark_paid``; a write-off settles a
gig that will never be paid; a booking closes when every gig that carries money is settled."""

import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.utils import timezone

from bookings import services
from bookings.models import Booking, BookingChange, Gig
from bookings.selectors.earnings import Period, expert_earnings
from tests.bookings.factories import at, bookable_expert, confirmed
from tests.bookings.reports_factories import ended_gig, move_into_past, reported_gig

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def approved(terms, coordinator):
    gig = reported_gig(coordinator=coordinator)
    return services.report_approve(gig=gig, by=coordinator)


def test_marking_an_approved_gig_paid_sets_the_date_the_status_and_the_history(
    approved, coordinator
):
    day = timezone.localdate() - timedelta(days=1)
    services.gigs_mark_paid(gigs=[approved], paid_on=day, by=coordinator)
    approved.refresh_from_db()
    assert (approved.status, approved.paid_on) == (Gig.Status.PAID, day)
    change = approved.changes.get(to_status=Gig.Status.PAID)
    assert (change.from_status, change.by) == (Gig.Status.APPROVED, coordinator)
    assert "200" in change.note


def test_earnings_count_a_paid_gig_on_the_day_it_was_paid(approved, coordinator):
    today = timezone.localdate()
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=15)
    services.gigs_mark_paid(gigs=[approved], paid_on=last_month, by=coordinator)
    then, now = expert_earnings(
        approved.expert, [Period.month_of(last_month), Period.month_of(today)], today=today
    )
    assert (then.paid, now.paid, now.total) == (Decimal("200.00"), 0, 0)


@pytest.mark.parametrize("state", ["planned", "reported", "paid", "written_off"])
def test_only_an_approved_unpaid_gig_can_be_marked_paid(terms, coordinator, state):
    gig = ended_gig(coordinator=coordinator)
    if state != "planned":
        gig = reported_gig(coordinator=coordinator, day=25)
    if state in ("paid", "written_off"):
        services.report_approve(gig=gig, by=coordinator)
    if state == "paid":
        services.gigs_mark_paid(gigs=[gig], paid_on=timezone.localdate(), by=coordinator)
    if state == "written_off":
        services.gig_write_off(gig=gig, by=coordinator, reason="Luopui palkkiosta")
    before = Gig.objects.values_list("pk", "status", "paid_on").get(pk=gig.pk)
    with pytest.raises(services.BookingError, match="cannot be marked paid"):
        services.gigs_mark_paid(gigs=[gig], paid_on=timezone.localdate(), by=coordinator)
    assert Gig.objects.values_list("pk", "status", "paid_on").get(pk=gig.pk) == before


def test_marking_several_is_all_or_nothing(approved, terms, coordinator):
    planned = ended_gig(coordinator=coordinator, day=25)
    with pytest.raises(services.BookingError, match="cannot be marked paid"):
        services.gigs_mark_paid(
            gigs=[approved, planned], paid_on=timezone.localdate(), by=coordinator
        )
    approved.refresh_from_db()
    assert (approved.status, approved.paid_on) == (Gig.Status.APPROVED, None)


def test_a_payment_date_in_the_future_is_refused(approved, coordinator):
    with pytest.raises(services.BookingError, match="future"):
        services.gigs_mark_paid(
            gigs=[approved], paid_on=timezone.localdate() + timedelta(days=1), by=coordinator
        )
    approved.refresh_from_db()
    assert approved.paid_on is None


def test_a_late_cancelled_gig_with_a_fee_is_paid_and_stays_cancelled(terms, coordinator):
    booking = confirmed(coordinator=coordinator, times=[(at(3, 10), at(3, 12))])
    services.booking_cancel(booking=booking, by=coordinator, reason="Peruttu")
    gig = Gig.objects.get(booking=booking)
    services.cancellation_settle(gig=gig, by=coordinator)
    services.gigs_mark_paid(gigs=[gig], paid_on=timezone.localdate(), by=coordinator)
    gig.refresh_from_db()
    assert (gig.status, gig.paid_on, gig.fee_amount) == (
        Gig.Status.CANCELLED,
        timezone.localdate(),
        Decimal("100.00"),
    )
    assert gig.changes.filter(kind=BookingChange.Kind.PAID).exists()


def test_the_database_refuses_a_paid_status_without_its_date(approved):
    with pytest.raises(IntegrityError), transaction.atomic():
        Gig.objects.filter(pk=approved.pk).update(status=Gig.Status.PAID)


def test_the_database_refuses_a_payment_date_on_a_gig_not_paid(approved):
    with pytest.raises(IntegrityError), transaction.atomic():
        Gig.objects.filter(pk=approved.pk).update(paid_on=date(2026, 1, 1))


def test_writing_off_needs_a_reason_and_settles_the_gig(approved, coordinator):
    with pytest.raises(services.BookingError, match="Say why"):
        services.gig_write_off(gig=approved, by=coordinator, reason=" ")
    services.gig_write_off(gig=approved, by=coordinator, reason="Luopui palkkiosta")
    approved.refresh_from_db()
    assert approved.written_off and approved.paid_on is None
    assert approved.changes.get(kind=BookingChange.Kind.WRITTEN_OFF).note == "Luopui palkkiosta"
    year = expert_earnings(approved.expert, [Period.year_of(timezone.localdate())])[0]
    assert year.total == 0  # a gig that will never be paid counts nothing


def test_paying_or_writing_off_the_last_gig_closes_a_delivered_booking(terms, coordinator):
    anna, ben = bookable_expert(), bookable_expert()
    booking = confirmed(experts=[anna, ben], coordinator=coordinator)
    move_into_past(booking, ended_ago=timedelta(hours=1))
    services.booking_deliver(booking=booking, by=coordinator)
    gigs = []
    for expert in (anna, ben):
        gig = Gig.objects.get(booking=booking, expert=expert)
        services.report_submit(gig=gig, by=expert.user, hours=Decimal("2"))
        gigs.append(services.report_approve(gig=gig, by=coordinator))
    services.gigs_mark_paid(gigs=[gigs[0]], paid_on=timezone.localdate(), by=coordinator)
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.DELIVERED
    assert not services.booking_can_close(Booking.objects.get(pk=booking.pk))
    services.gig_write_off(gig=gigs[1], by=coordinator, reason="Ei laskuteta")
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CLOSED
    assert services.gig_can_write_off(Gig.objects.get(pk=gigs[1].pk)) is False


def _delivered_and_approved(coordinator, day: int) -> Gig:
    gig = reported_gig(coordinator=coordinator, day=day)
    services.booking_deliver(booking=gig.booking, by=coordinator)
    return services.report_approve(gig=gig, by=coordinator)


def test_marking_many_gigs_paid_takes_the_same_queries_as_one_and_closes_every_booking(
    terms, coordinator
):
    """A payment batch confirms thousands of gigs in one request: their updates, history rows
    and the closing of their bookings are a few statements, not a few a gig."""
    from django.test.utils import CaptureQueriesContext

    one = [_delivered_and_approved(coordinator, 3)]
    many = [_delivered_and_approved(coordinator, day) for day in (5, 6, 7, 8, 9)]
    counts = []
    for gigs in (one, many):
        with CaptureQueriesContext(connection) as queries:
            services.gigs_mark_paid(gigs=gigs, paid_on=timezone.localdate(), by=coordinator)
        counts.append(len(queries))
    assert counts[0] == counts[1]
    for gig in one + many:
        gig.refresh_from_db()
        assert (gig.status, gig.paid_on) == (Gig.Status.PAID, timezone.localdate())
        assert gig.changes.get(to_status=Gig.Status.PAID).from_status == Gig.Status.APPROVED
        booking = Booking.objects.get(pk=gig.booking_id)
        assert booking.status == Booking.Status.CLOSED
        closed = booking.changes.get(gig=None, assignment=None, to_status=Booking.Status.CLOSED)
        assert (closed.from_status, closed.by) == (Booking.Status.DELIVERED, coordinator)


def test_the_write_off_page_settles_a_gig_and_other_roles_cannot_reach_it(
    client, approved, coordinator
):
    url = f"/coordinator/bookings/reports/{approved.pk}/write-off/"
    client.force_login(approved.expert.user)
    assert client.post(url, {"reason": "x"}).status_code in (403, 404)
    client.force_login(coordinator)
    page = client.get(f"/coordinator/bookings/reports/{approved.pk}/").content.decode()
    assert "Write off (will not be paid)" in page
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "Luopui palkkiosta"}).status_code == 302
    approved.refresh_from_db()
    assert approved.written_off


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_payment_runs_at_the_same_moment_pay_a_gig_once(terms, coordinator):
    gig = reported_gig(coordinator=coordinator)
    services.report_approve(gig=gig, by=coordinator)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def pay():
        close_old_connections()
        try:
            barrier.wait()
            services.gigs_mark_paid(gigs=[gig], paid_on=timezone.localdate(), by=coordinator)
            outcomes.append("paid")
        except services.BookingError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=pay) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["paid", "refused"]
    assert BookingChange.objects.filter(gig=gig, to_status=Gig.Status.PAID).count() == 1
