"""The invoicing tests stand on the bookings' fixtures: the general price row, a unit member,
an English-reading coordinator and a bookable expert."""

from tests.bookings.conftest import anna, booker, coordinator, terms

__all__ = ["anna", "booker", "coordinator", "terms"]
