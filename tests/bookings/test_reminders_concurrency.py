"""Two reminder sweeps at the same moment, each on its own database connection, send each
reminder exactly once: the rows are claimed with SKIP LOCKED and, whatever the claims do, the
unique message key refuses a second row (issue 15)."""

from __future__ import annotations

import threading
from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection

from bookings.models import Gig
from bookings.services.reminders import gig_reminders_send, unit_reminders_send
from expertbank.models import Message
from tests.bookings.factories import at, confirmed

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

GIGS = 4
SWEEPS = 2


def _due_gigs(terms) -> list[Gig]:
    for hour in range(GIGS):
        confirmed(times=[(at(20, 8 + 2 * hour), at(20, 9 + 2 * hour))])
    return list(Gig.objects.order_by("start"))


def _race(sweep, now) -> list[str]:
    start = threading.Barrier(SWEEPS)
    results: list[str] = [""] * SWEEPS

    def run(index: int) -> None:
        try:
            start.wait()
            result = sweep(now=now)
            results[index] = f"sent {result.sent}"
        except Exception as exc:  # a crash would be a lost or doubled reminder
            results[index] = f"CRASH {exc!r}"
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(SWEEPS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def test_two_sweeps_at_once_send_each_reminder_once(terms):
    gigs = _due_gigs(terms)
    now = gigs[-1].start - timedelta(hours=47)  # every 48-hour reminder due
    for _round in range(3):
        results = _race(gig_reminders_send, now)
        assert not [r for r in results if r.startswith("CRASH")], results
        results = _race(unit_reminders_send, now)
        assert not [r for r in results if r.startswith("CRASH")], results
    assert Message.objects.filter(kind="gig_reminder_48h").count() == GIGS
    assert Message.objects.filter(kind="unit_reminder_48h").count() == GIGS
    assert set(
        Message.objects.filter(kind="gig_reminder_48h").values_list("recipient", flat=True)
    ) == {gig.expert.user_id for gig in gigs}


def test_the_unique_key_alone_keeps_them_single(terms):
    """With the anti-join switched off both sweeps take every row they can lock, again and
    again: the message key's unique constraint still lets one row per reminder through."""
    gigs = _due_gigs(terms)
    now = gigs[-1].start - timedelta(hours=47)

    def everything(queryset, key, **options):
        return queryset.annotate(reminder_key=key)

    with mock.patch("expertbank.reminders.unsent", everything):
        for _round in range(3):
            results = _race(gig_reminders_send, now)
            assert not [r for r in results if r.startswith("CRASH")], results
    assert Message.objects.filter(kind="gig_reminder_48h").count() == GIGS
    assert Message.objects.filter(kind="gig_reminder_2h").count() == 0
