"""An expert accepts an offer at the moment their consent is withdrawn: whichever the database
lets in first, the end is consistent — accepted and then taken off again by the withdrawal, or
refused — and never an accepted seat without consent.

Each side runs in its own thread with its own connection, released together, several rounds so
that both orders happen.
"""

import threading

import pytest
from django.db import connection

from bookings import services
from bookings.models import Assignment, BookingChange, Gig
from experts.services import consent_withdraw
from tests.bookings.factories import bookable_expert, offer, request_booking
from tests.factories import CoordinatorFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROUNDS = 6
A = Assignment.Status


def _race(assignment: Assignment) -> dict[str, str]:
    start = threading.Barrier(2)
    results: dict[str, str] = {}
    expert = assignment.expert

    def run(name: str, action) -> None:
        try:
            start.wait()
            action()
            results[name] = "done"
        except services.BookingError as exc:
            results[name] = str(exc)
        except Exception as exc:  # anything else would be a 500 in a view
            results[name] = f"CRASH {exc!r}"
        finally:
            connection.close()

    threads = [
        threading.Thread(
            target=run,
            args=("accept", lambda: services.assignment_accept(assignment=assignment, by=None)),
        ),
        threading.Thread(
            target=run,
            args=("withdraw", lambda: consent_withdraw(expert=expert, by=expert.user)),
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_accepting_while_consent_is_withdrawn_ends_consistent(settings):
    settings.LANGUAGE_CODE = "en"
    coordinator = CoordinatorFactory()
    outcomes = set()
    for _round in range(ROUNDS):
        expert = bookable_expert()
        (assignment,) = offer(request_booking(), [expert], by=coordinator)
        results = _race(assignment)
        assert results["withdraw"] == "done", results
        assert not expert.consents.filter(withdrawn_at__isnull=True).exists()
        assignment.refresh_from_db()
        statuses = list(
            BookingChange.objects.filter(assignment=assignment, gig=None)
            .order_by("pk")
            .values_list("to_status", flat=True)
        )
        if results["accept"] == "done":
            # accepted first, then the withdrawal took the expert off the unconfirmed booking
            assert assignment.status == A.WITHDRAWN
            assert statuses == [A.OFFERED, A.ACCEPTED, A.WITHDRAWN]
            outcomes.add("accepted, then withdrawn")
        else:
            assert "CRASH" not in results["accept"], results
            assert assignment.status == A.EXPIRED
            assert statuses == [A.OFFERED, A.EXPIRED]
            outcomes.add("refused")
        assert not Gig.objects.filter(expert=expert, status__in=Gig.LIVE).exists()
    assert outcomes  # at least one round ran; which orders happened is up to the database
