"""Bookings: organisations and their units, the terms of a booking, and the booking lifecycle.

A ``Booking`` is one request from one unit for N experts; it has ``Occurrence``s; an
``Assignment`` is one expert on the booking; a ``Gig`` is one expert at one occurrence (the unit
of overlap, reminders, reporting, fees and billing). Status changes only through
``bookings.services`` and each one leaves a ``BookingChange`` row. A booking's money terms are
frozen on it as ``BookingTerms``; every money rule reading them lives in ``bookings.money``.
"""

from bookings.models.bookings import (
    Assignment,
    Booking,
    BookingChange,
    CalendarToken,
    Gig,
    Occurrence,
)
from bookings.models.impact import ImpactAnswer
from bookings.models.organisations import Membership, Organisation, Unit, validate_ovt
from bookings.models.panels import (
    Panel,
    PanelApplication,
    PanelAttendance,
    PanelChange,
    PanelMeeting,
    PanelMember,
)
from bookings.models.reports import CheckIn, Expense, Feedback, GigReport
from bookings.models.terms import (
    TERMS_FIELDS,
    BookingTerms,
    FundingSource,
    MileageRate,
    PriceList,
    PriceRow,
    PriceTerms,
    PriceUnit,
    TermsChange,
)

__all__ = [
    "TERMS_FIELDS",
    "Assignment",
    "Booking",
    "BookingChange",
    "BookingTerms",
    "CalendarToken",
    "CheckIn",
    "Expense",
    "Feedback",
    "FundingSource",
    "Gig",
    "GigReport",
    "ImpactAnswer",
    "Membership",
    "MileageRate",
    "Occurrence",
    "Organisation",
    "Panel",
    "PanelApplication",
    "PanelAttendance",
    "PanelChange",
    "PanelMeeting",
    "PanelMember",
    "PriceList",
    "PriceRow",
    "PriceTerms",
    "PriceUnit",
    "TermsChange",
    "Unit",
    "validate_ovt",
]
