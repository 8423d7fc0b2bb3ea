"""Under concurrency the database decides: an expert never ends up with two clashing gigs.

Each accept runs in its own thread with its own database connection, all released at once.
"""

import threading
from unittest import mock

import pytest
from django.db import connection

from bookings import services
from bookings.models import Gig
from tests.bookings.factories import at, bookable_expert, offer, request_booking
from tests.factories import CoordinatorFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

RACERS = 12


def _overlapping_offers(expert):
    coordinator = CoordinatorFactory()
    offers = []
    for minute in range(RACERS):  # twelve bookings, each starting a minute after the last
        booking = request_booking(times=[(at(20, 10, minute), at(20, 12, minute))])
        offers += offer(booking, [expert], by=coordinator)
    return offers


def _race(offers, expert) -> list[str]:
    start = threading.Barrier(len(offers))
    results: list[str] = [""] * len(offers)

    def accept(index: int) -> None:
        try:
            start.wait()
            services.assignment_accept(assignment=offers[index], by=expert.user)
            results[index] = "accepted"
        except services.BookingError as exc:
            results[index] = str(exc)
        except Exception as exc:  # anything else would be a 500 in a view
            results[index] = f"CRASH {exc!r}"
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(i,)) for i in range(len(offers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _assert_one_winner(results, expert) -> None:
    assert results.count("accepted") == 1, results
    losers = [r for r in results if r != "accepted"]
    assert all("already have a gig" in loser for loser in losers), losers
    assert Gig.objects.filter(expert=expert, status=Gig.Status.PLANNED).count() == 1


def test_concurrent_accepts_of_overlapping_offers_leave_exactly_one_gig(settings):
    settings.LANGUAGE_CODE = "en"
    expert = bookable_expert()
    results = _race(_overlapping_offers(expert), expert)
    _assert_one_winner(results, expert)


def test_the_exclusion_constraint_alone_keeps_the_gigs_apart(settings):
    """With the service's own check switched off, the database still lets only one through."""
    settings.LANGUAGE_CODE = "en"
    expert = bookable_expert()
    offers = _overlapping_offers(expert)
    with mock.patch("bookings.services.staffing.ensure_free"):
        results = _race(offers, expert)
    _assert_one_winner(results, expert)
