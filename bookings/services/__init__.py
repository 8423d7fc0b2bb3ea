"""Every booking transition is one service function here.

Each top-level service runs in ``transaction.atomic(durable=True)``, locks the rows it changes
(``select_for_update()``, booking first, then its assignments and gigs by pk), checks the allowed
source states, writes a ``StatusChange`` row and raises ``BookingError`` with a message for the
person; a refused transition changes nothing. Messages are queued in the same transaction and
delivered when it commits.
"""

from bookings.services.calendar import calendar_token_get, calendar_token_reset
from bookings.services.common import BookingError, format_time_range
from bookings.services.links import answer_token, answer_url, assignment_from_answer_token
from bookings.services.members import member_invite
from bookings.services.requests import (
    booking_cancel,
    booking_fund,
    booking_reject,
    booking_request,
)
from bookings.services.schedule import (
    booking_close,
    booking_deliver,
    bookings_deliver_due,
    gig_time_confirm,
    occurrence_reschedule,
)
from bookings.services.staffing import (
    assignment_accept,
    assignment_decline,
    assignment_replace,
    assignment_withdraw,
    booking_confirm,
    booking_offer,
    offers_expire,
)

__all__ = [
    "BookingError",
    "answer_token",
    "answer_url",
    "assignment_accept",
    "assignment_decline",
    "assignment_from_answer_token",
    "assignment_replace",
    "assignment_withdraw",
    "booking_cancel",
    "booking_close",
    "booking_confirm",
    "booking_deliver",
    "booking_fund",
    "booking_offer",
    "booking_reject",
    "booking_request",
    "bookings_deliver_due",
    "calendar_token_get",
    "calendar_token_reset",
    "format_time_range",
    "gig_time_confirm",
    "member_invite",
    "occurrence_reschedule",
    "offers_expire",
]
