"""What is true about a booking's money, in one sentence, for the booking's pages.

Bookings keep no invoices: the app that does (invoicing, which imports bookings, never the other
way) tells by defining ``booking_money_notes(bookings) -> {booking id: sentence}`` on its
AppConfig ("Invoiced on 3.11.2026, invoice 2026-0042", "Paid on 20.11.2026 (invoice
2026-0042)", "Not yet invoiced", "Credited on …"). A booking charged to a funded project that no
app speaks for says so. Only delivered and closed bookings are asked about; each app reads all
the bookings of a page at once, so a list costs the same queries for one booking or fifty.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.apps import apps
from django.utils.translation import gettext as _

from bookings.models import Booking, FundingSource

ASKED_FOR = (Booking.Status.DELIVERED, Booking.Status.CLOSED)


def money_notes(bookings: Iterable[Booking]) -> dict[int, str]:
    """Per booking id, the sentence about its money (delivered and closed bookings only)."""
    asked: Sequence[Booking] = [b for b in bookings if b.status in ASKED_FOR]
    if not asked:
        return {}
    notes: dict[int, str] = {}
    for config in apps.get_app_configs():
        contribute = getattr(config, "booking_money_notes", None)
        if contribute is not None:
            notes.update(contribute(asked))
    funded = {b.funding_source_id for b in asked if b.pk not in notes and b.funding_source_id}
    if funded:
        sources = FundingSource.objects.in_bulk(funded)
        for booking in asked:
            if booking.pk not in notes and booking.funding_source_id in sources:
                notes[booking.pk] = _("Charged to %(source)s") % {
                    "source": sources[booking.funding_source_id]
                }
    return notes


def attach_money_notes(bookings: Sequence[Booking]) -> None:
    """Set ``money_note`` on each booking of a page (what ``booking_next_step`` says)."""
    notes = money_notes(bookings)
    for booking in bookings:
        booking.money_note = notes.get(booking.pk, "")


def money_note(booking: Booking) -> str:
    """The sentence of one booking (``attach_money_notes`` first for a list)."""
    if not hasattr(booking, "money_note"):
        booking.money_note = money_notes([booking]).get(booking.pk, "")
    return booking.money_note
