"""Every booking transition is one service function here, with its predicate beside it
(``booking_can_confirm`` next to ``booking_confirm``): views ask the predicate whether to offer an
action, the service refuses with a message when it no longer holds.

Each top-level service runs in ``transaction.atomic(durable=True)``, locks the rows it changes
(``select_for_update()``, booking first, then its assignments and gigs by pk), checks the allowed
source states, writes a ``BookingChange`` row and raises ``BookingError`` with a message for the
person; a refused transition changes nothing. Messages are queued in the same transaction and
delivered when it commits. (``gigs_mark_paid`` alone is not durable: the fee payment run calls it
inside its own transaction.)

The parts: ``requests`` (a unit's request, rejection, cancellation), ``staffing`` (offers,
answers, confirmation, withdrawal, replacement), ``schedule`` (moving a time, delivery,
closing), ``terms`` (re-pricing, changing what a price depends on, funding), ``reports`` (the work
after a gig: reports, approval, check-ins, the reminder), ``feedback``, ``payments`` (the one
meaning of paid), ``members``, ``calendar`` and ``links``; ``consent`` is what a withdrawn consent
does to the expert's bookings (called by the expert pool, inside its transaction).
"""

from bookings.services.calendar import calendar_token_get, calendar_token_reset
from bookings.services.common import BookingError
from bookings.services.feedback import feedback_give, feedback_release
from bookings.services.links import answer_token, answer_url, assignment_from_answer_token
from bookings.services.members import member_invite
from bookings.services.payments import (
    gig_can_be_paid,
    gig_can_write_off,
    gig_write_off,
    gigs_mark_paid,
    payable_gigs,
)
from bookings.services.reports import (
    cancellation_settle,
    checkin_arrange,
    gig_can_settle,
    report_approve,
    report_can_approve,
    report_reminders_send,
    report_return,
    report_submit,
)
from bookings.services.requests import (
    booking_can_cancel,
    booking_can_edit,
    booking_cancel,
    booking_edit,
    booking_is_panel,
    booking_panel_refusal,
    booking_reject,
    booking_request,
)
from bookings.services.schedule import (
    booking_can_close,
    booking_can_deliver,
    booking_close,
    booking_deliver,
    bookings_deliver_due,
    gig_time_confirm,
    occurrence_reschedule,
)
from bookings.services.staffing import (
    assignment_accept,
    assignment_can_replace,
    assignment_decline,
    assignment_replace,
    assignment_withdraw,
    booking_can_confirm,
    booking_confirm,
    booking_cover_mode,
    booking_offer,
    cover_next,
    offers_expire,
    panel_withdraw_refusal,
    reserve_list,
)
from bookings.services.terms import (
    booking_can_change,
    booking_can_reprice,
    booking_change,
    booking_fund,
    booking_panel_change_refusal,
    booking_reprice,
)

__all__ = [
    "BookingError",
    "answer_token",
    "answer_url",
    "assignment_accept",
    "assignment_can_replace",
    "assignment_decline",
    "assignment_from_answer_token",
    "assignment_replace",
    "assignment_withdraw",
    "booking_can_cancel",
    "booking_can_change",
    "booking_can_close",
    "booking_can_confirm",
    "booking_can_deliver",
    "booking_can_edit",
    "booking_can_reprice",
    "booking_cancel",
    "booking_change",
    "booking_close",
    "booking_confirm",
    "booking_cover_mode",
    "booking_deliver",
    "booking_edit",
    "booking_fund",
    "booking_is_panel",
    "booking_offer",
    "booking_panel_change_refusal",
    "booking_panel_refusal",
    "booking_reject",
    "booking_reprice",
    "booking_request",
    "bookings_deliver_due",
    "calendar_token_get",
    "calendar_token_reset",
    "cancellation_settle",
    "checkin_arrange",
    "cover_next",
    "feedback_give",
    "feedback_release",
    "gig_can_be_paid",
    "gig_can_settle",
    "gig_can_write_off",
    "gig_time_confirm",
    "gig_write_off",
    "gigs_mark_paid",
    "member_invite",
    "occurrence_reschedule",
    "offers_expire",
    "panel_withdraw_refusal",
    "payable_gigs",
    "report_approve",
    "report_can_approve",
    "report_reminders_send",
    "report_return",
    "report_submit",
    "reserve_list",
]
