"""Administration for coordinators. What the services own is read-only here: statuses, money,
a booking's terms and what its price and staffing depend on (unit, kind of work, audience,
seats, funding) change only through the coordinator's booking pages, which check the rules, keep
the history and send the messages. A price row that a booking's terms came from can no longer be
changed or deleted, only ended and followed by a new row; every change of a price list or a
funding source is kept in its history."""

from bookings.admin import after, bookings, panels, terms  # noqa: F401 (registers the admins)
