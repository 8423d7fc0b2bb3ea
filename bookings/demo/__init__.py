"""Demo data of bookings: organisations, units and members, price lists and a funding source
(``organisations``); bookings of every kind in every status (``bookings``); then the work after
the gigs (``after``): reports, check-ins and feedback; and the reminders in the message log
(``reminders``); the standing customer panel (``panels``); two new experts in pairs
(``pairs``); an offer waiting for the expert who chose plain language (``plain``)."""

from __future__ import annotations

from collections.abc import Callable

from bookings.demo import after, pairs, panels, plain, reminders, texts
from bookings.demo.bookings import SPECS, Builder
from bookings.demo.organisations import funding, organisations, price_lists
from bookings.models import Booking


def seed(*, log: Callable[[str], None]) -> None:
    units = organisations(log)
    price_lists()
    source = funding()
    texts.discreet(log=log)
    builder = Builder(log=log)
    for spec in SPECS:
        unit = units[spec.unit]
        if Booking.objects.filter(unit=unit, title=spec.title).exists():
            continue
        builder.build(spec, unit, source)
        log(f"created booking {spec.title}")
    pairs.seed(builder, units, log=log)
    after.seed(builder, log=log)
    reminders.seed(log=log)
    texts.sms_answer(builder, log=log)
    texts.discreet_messages(log=log)
    plain.seed(builder, log=log)
    panels.seed(log=log)
