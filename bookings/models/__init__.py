"""Bookings: organisations and their units, the terms of a booking, and the booking lifecycle.

A ``Booking`` is one request from one unit for N experts; it has ``Occurrence``s; an
``Assignment`` is one expert on the booking; a ``Gig`` is one expert at one occurrence (the unit
of overlap, reminders, reporting, fees and billing). Status changes only through
``bookings.services`` and each one leaves a ``StatusChange`` row.
"""

from bookings.models.bookings import (
    Assignment,
    Booking,
    CalendarToken,
    Gig,
    Occurrence,
    StatusChange,
)
from bookings.models.organisations import Membership, Organisation, Unit, validate_ovt
from bookings.models.reports import CheckIn, Expense, Feedback, GigReport
from bookings.models.terms import MONEY, FundingSource, PriceList, PriceRow, PriceUnit, money

__all__ = [
    "MONEY",
    "Assignment",
    "Booking",
    "CalendarToken",
    "CheckIn",
    "Expense",
    "Feedback",
    "FundingSource",
    "Gig",
    "GigReport",
    "Membership",
    "Occurrence",
    "Organisation",
    "PriceList",
    "PriceRow",
    "PriceUnit",
    "StatusChange",
    "Unit",
    "money",
    "validate_ovt",
]
