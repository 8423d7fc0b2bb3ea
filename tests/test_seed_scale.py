"""``manage.py seed_scale`` at a tiny scale: it writes every kind of row the benchmark reads,
the open bookings to come beside the delivered past, the message log (COPY on PostgreSQL), and
it refuses a database holding real users, changing nothing (issue 19)."""

from __future__ import annotations

import random
from datetime import timedelta
from io import StringIO
from itertools import pairwise

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from benchmarks.scale import give_profiles
from bookings.models import Booking, Gig
from expertbank.models import Message, User
from experts.models import ConsentRecord, Expert
from invoicing.models import (
    FeeLine,
    IncomesRegisterReport,
    IncomingPayment,
    Invoice,
    PaymentFile,
)
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TINY = ["--scale", "0.0001", "--months", "2", "--messages", "60", "--experts", "25"]


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_scale", *TINY, *args, stdout=out)
    return out.getvalue()


def test_a_tiny_scale_fills_every_table_the_benchmark_reads():
    output = seed("--settle-months", "0")
    statuses = set(Booking.objects.values_list("status", flat=True))
    assert {Booking.Status.DELIVERED, Booking.Status.CONFIRMED} <= statuses
    assert Booking.objects.count() >= 20
    assert Gig.objects.filter(status=Gig.Status.APPROVED).exists()  # last month, to invoice
    assert Gig.objects.filter(status=Gig.Status.PLANNED).exists()  # to come
    assert Message.objects.filter(key__startswith="scale:").count() == 60
    assert User.objects.filter(email="coordinator@bench.invalid", is_superuser=True).exists()
    assert "bookings:" in output and "messages:" in output
    # Every expert has a profile the matching can rank, every booking an experience area.
    experts = Expert.objects.filter(user__email__endswith="@bench.invalid")
    for profile in ("areas", "languages", "work_kinds", "slots", "disclosures"):
        assert not experts.filter(**{f"{profile}__isnull": True}).exists(), profile
    assert not Booking.objects.filter(areas__isnull=True).exists()
    assert give_profiles(random.Random(1), log=lambda _line: None) == 0  # given once
    again = seed()
    assert "already there" in again
    assert Message.objects.count() == 60  # nothing written twice


@pytest.mark.postgres
def test_on_postgresql_it_copies_the_message_log_and_settles_past_months():
    seed("--settle-months", "1")
    assert Message.objects.filter(key__startswith="scale:", subject="").exists()  # SMS rows
    assert Message.objects.filter(sent_at__isnull=True).exists()  # failed or skipped
    assert Invoice.objects.exists() and FeeLine.objects.exists()


@pytest.mark.postgres
def test_the_units_have_paid_their_invoices_through_the_payment_service():
    """The settled months' invoices are paid by imported bank notifications, each payment
    matched to its invoice and none from the future; most experts have consented."""
    seed("--settle-months", "1", "--experts", "200")
    today = timezone.localdate()
    due = Invoice.objects.filter(kind=Invoice.Kind.INVOICE, due_date__lt=today)
    payments = IncomingPayment.objects.all()
    assert not payments.filter(invoice__isnull=True).exists()  # every reference matched
    assert not payments.filter(booking_date__gte=today).exists()
    assert set(payments.values_list("invoice__status", flat=True)) <= {
        Invoice.Status.PAID,
        Invoice.Status.PARTLY_PAID,
    }
    if due.exists():
        assert payments.exists() and PaymentFile.objects.exists()
        assert due.filter(status=Invoice.Status.PAID).count() >= due.count() // 2
    assert not Invoice.objects.filter(due_date__gte=today, payments__isnull=False).exists()
    # The settled batches' Incomes Register reports were sent by their deadline.
    assert IncomesRegisterReport.objects.exists()
    assert not IncomesRegisterReport.objects.filter(
        status=IncomesRegisterReport.Status.DUE
    ).exists()
    consented = ConsentRecord.objects.filter(withdrawn_at__isnull=True).count()
    assert consented >= Expert.objects.count() * 0.9


def test_it_refuses_a_database_with_real_users_and_changes_nothing():
    UserFactory(email="maija.meikalainen@vantaa.fi")
    with pytest.raises(CommandError, match="real data"):
        seed("--settle-months", "0")
    assert not Booking.objects.exists()
    assert not User.objects.filter(email__endswith="@bench.invalid").exists()


@pytest.mark.parametrize("bad", [["--scale", "0"], ["--scale", "lots"], ["--months", "0"]])
def test_bad_options_are_refused_clearly(bad):
    with pytest.raises(CommandError):
        call_command("seed_scale", *bad, stdout=StringIO())
    assert not Booking.objects.exists()


@pytest.mark.postgres
def test_copy_writes_the_same_rows_as_bulk_create():
    """The scale seed writes its bookings with COPY on PostgreSQL (benchmarks/bulkcopy.py): the
    same month built twice from one random seed, once through bulk_create and once through
    COPY, reads back the same, row for row and link for link."""
    import random
    import sys
    from pathlib import Path

    root = str(Path(__file__).resolve().parents[1])
    if root not in sys.path:
        sys.path.insert(0, root)
    from django.db import transaction
    from django.utils import timezone

    from benchmarks import money
    from bookings.models import Booking, BookingTerms
    from bookings.selectors.earnings import Period

    world = money.create_world(0, years=[2026], rng=random.Random(1), log=lambda _: None)
    period = Period.month_of(timezone.localdate().replace(day=1) - timedelta(days=1))

    def build():
        caught = []
        saved, money.save_bookings = money.save_bookings, caught.extend
        try:
            money.create_month(world, period, 40, rng=random.Random(7))
        finally:
            money.save_bookings = saved
        return caught

    tables = [("booking", Booking), ("terms", BookingTerms)]
    tables += [(name, model) for name, model in money._children()]

    def objects(all_rows, name):
        if name in ("booking", "terms"):
            return [getattr(rows, name) for rows in all_rows]
        return [item for rows in all_rows for item in getattr(rows, name)]

    def written(with_copy):
        """The rows as stored, every id and link as (table, place among the built rows); the
        gigs' overlap constraint allows one copy at a time: each is rolled back after."""
        all_rows = build()
        point = transaction.savepoint()
        money.save_bookings(all_rows, with_copy=with_copy)
        place = {}
        for name, model in tables:
            for n, obj in enumerate(objects(all_rows, name)):
                place[(model, obj.pk)] = (name, n)
        rows = []
        for name, model in tables:
            links = {f.attname: f.related_model for f in model._meta.concrete_fields}
            stored = model.objects.in_bulk([obj.pk for obj in objects(all_rows, name)])
            for obj in objects(all_rows, name):
                values = {
                    key: place.get((links[key] or model, value), value)
                    if key == "id" or links[key]
                    else value
                    for key, value in vars(stored[obj.pk]).items()
                    if not key.startswith("_") and key != "updated_at"
                }
                rows.append((name, values))
        transaction.savepoint_rollback(point)
        return rows

    by_bulk, by_copy = written(False), written(True)
    assert len(by_bulk) > 200
    for bulk, copied in zip(by_bulk, by_copy, strict=True):
        assert bulk == copied


def test_the_statistics_are_refreshed_as_the_history_grows_by_a_fifth():
    """The settled months are analysed as autovacuum would (the test machine's PostgreSQL runs
    without it): often while the tables are young, then each time they grow by about a fifth."""
    from benchmarks.money import growing

    marks = [n for n in range(1, 60) if growing(n)]
    assert marks[:8] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert marks[8:] == [10, 12, 14, 17, 20, 24, 29, 35, 42, 50]
    assert all(later / earlier <= 1.25 for earlier, later in pairwise(marks[7:]))
