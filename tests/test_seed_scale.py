"""``manage.py seed_scale`` at a tiny scale: it writes every kind of row the benchmark reads,
the open bookings to come beside the delivered past, the message log (COPY on PostgreSQL), and
it refuses a database holding real users, changing nothing (issue 19)."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from bookings.models import Booking, Gig
from expertbank.models import Message, User
from invoicing.models import FeeLine, Invoice
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
    again = seed()
    assert "already there" in again
    assert Message.objects.count() == 60  # nothing written twice


@pytest.mark.postgres
def test_on_postgresql_it_copies_the_message_log_and_settles_past_months():
    seed("--settle-months", "1")
    assert Message.objects.filter(key__startswith="scale:", subject="").exists()  # SMS rows
    assert Message.objects.filter(sent_at__isnull=True).exists()  # failed or skipped
    assert Invoice.objects.exists() and FeeLine.objects.exists()


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
