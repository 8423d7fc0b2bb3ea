"""Reads with rules in them, one module per part: time and clashes (``schedule``), the unit's
requests (``requests``), the coordinator's staffing (``staffing``), the expert's gigs (``gigs``),
the work after a gig (``after``), feedback (``feedback``) and earnings against the caps
(``earnings``). Money is not read here: every money rule is in ``bookings.money``.

The names below are the parts' public reads, gathered for ``from bookings import selectors``.
"""

from bookings.selectors.after import (
    TOOK_PLACE,
    ReportView,
    coordinator_checkins,
    coordinator_gigs,
    debriefs_waiting,
    expert_gigs_to_report,
    gig_has_ended,
    report_reminders_due,
    report_view_counts,
    report_view_q,
    reports_waiting,
)
from bookings.selectors.feedback import (
    coordinator_feedback,
    expert_released_feedback,
    feedback_open,
    feedback_waiting,
    may_give_feedback,
    member_feedback,
    released_feedback_for_gig,
)
from bookings.selectors.gigs import (
    calendar_gigs,
    expert_gigs,
    expert_open_offers,
    expert_past_gigs,
    expert_upcoming_gigs,
)
from bookings.selectors.requests import (
    booking_next_step,
    bookings_for_member,
    member_units,
    shown_names,
    unit_booking_list,
    with_accepted_experts,
)
from bookings.selectors.schedule import (
    buffer_minutes,
    clash_q,
    clashing_gigs,
    next_start,
    slot_needs,
    times_clash,
    travel_buffer,
    upcoming_occurrences,
)
from bookings.selectors.staffing import (
    booking_history,
    coordinator_booking_list,
    coordinators,
    gigs_without_consent,
    offers_waiting,
    ready_to_confirm,
    short_of_experts,
    with_counts,
)

__all__ = [
    "TOOK_PLACE",
    "ReportView",
    "booking_history",
    "booking_next_step",
    "bookings_for_member",
    "buffer_minutes",
    "calendar_gigs",
    "clash_q",
    "clashing_gigs",
    "coordinator_booking_list",
    "coordinator_checkins",
    "coordinator_feedback",
    "coordinator_gigs",
    "coordinators",
    "debriefs_waiting",
    "expert_gigs",
    "expert_gigs_to_report",
    "expert_open_offers",
    "expert_past_gigs",
    "expert_released_feedback",
    "expert_upcoming_gigs",
    "feedback_open",
    "feedback_waiting",
    "gig_has_ended",
    "gigs_without_consent",
    "may_give_feedback",
    "member_feedback",
    "member_units",
    "next_start",
    "offers_waiting",
    "ready_to_confirm",
    "released_feedback_for_gig",
    "report_reminders_due",
    "report_view_counts",
    "report_view_q",
    "reports_waiting",
    "short_of_experts",
    "shown_names",
    "slot_needs",
    "times_clash",
    "travel_buffer",
    "unit_booking_list",
    "upcoming_occurrences",
    "with_accepted_experts",
    "with_counts",
]
