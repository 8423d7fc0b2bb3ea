"""The work queue's rows read only the columns they show (``expertbank.queue.first_rows``): on
the demo, every panel's rows equal the rows read whole, as before, and no row loads a column it
left out (each would cost a query a row)."""

from __future__ import annotations

from django.db.models import Model
from django.test import RequestFactory
from django.utils import timezone, translation

import bookings.queue
import expertbank.queue
import invoicing.fee_queue
import invoicing.queue
from bookings.models import Assignment, Booking, Gig
from expertbank.demo import DEMO_DOMAIN
from expertbank.models import User
from experts.models import ConsentRecord
from invoicing.models import FeeStatement, IncomesRegisterReport

USING_FIRST_ROWS = (bookings.queue, expertbank.queue, invoicing.fee_queue, invoicing.queue)


def _panels() -> list[tuple[str, int, list[tuple[str, str, str]]]]:
    request = RequestFactory().get("/coordinator/")
    request.user = User.objects.get(email=f"koordinaattori@{DEMO_DOMAIN}")
    with translation.override("en"):
        return [
            (str(panel.title), panel.count, [(r.label, r.url, r.note) for r in panel.rows])
            for panel in expertbank.queue.queue_panels(request)
        ]


def _fill_the_panels_the_demo_leaves_empty() -> None:
    """A gig without consent, a booking ready to confirm, a statement held, a report due: states
    set directly, as only their rows are under test here."""
    now = timezone.now()
    gig = Gig.objects.filter(
        status=Gig.Status.PLANNED, start__gt=now, booking__status=Booking.Status.CONFIRMED
    ).first()
    ConsentRecord.objects.filter(expert=gig.expert_id).update(withdrawn_at=now)
    ready = (
        Booking.objects.filter(
            status=Booking.Status.CONFIRMED, assignments__status=Assignment.Status.ACCEPTED
        )
        .exclude(pk=gig.booking_id)
        .first()
    )
    Booking.objects.filter(pk=ready.pk).update(status=Booking.Status.STAFFING)
    FeeStatement.objects.filter(pk=FeeStatement.objects.order_by("pk")[0].pk).update(
        status=FeeStatement.Status.HELD
    )
    IncomesRegisterReport.objects.filter(
        pk=IncomesRegisterReport.objects.order_by("pk")[0].pk
    ).update(status=IncomesRegisterReport.Status.DUE)


def _read_whole(queryset, *fields, rows=5):
    """The rows as the panels read them before: every column of every table joined."""
    return list(queryset[:rows])


def test_the_queue_rows_read_only_their_columns_and_equal_the_rows_read_whole(monkeypatch):
    def deferred_load(self, *args, **kwargs):
        raise AssertionError(f"a queue row read a column it left out: {self!r} {kwargs}")

    _fill_the_panels_the_demo_leaves_empty()
    with monkeypatch.context() as patched:
        patched.setattr(Model, "refresh_from_db", deferred_load)
        shown = _panels()
    for module in USING_FIRST_ROWS:
        monkeypatch.setattr(module, "first_rows", _read_whole)
    assert shown == _panels()
    # The demo fills most panels, those whose rows join the most tables among them.
    filled = {title for title, _count, rows in shown if rows}
    assert {
        "New booking requests",
        "Reports to approve",
        "Check-ins asking for a debrief",
        "Feedback to release",
        "Offers waiting for an answer",
        "Overdue invoices",
        "Expiring documents",
        "Experts without work supervision",
        "Coming gigs of experts without consent",
        "Ready to confirm",
        "Fee statements held back",
        "Incomes Register reports due",
    } <= filled, filled
