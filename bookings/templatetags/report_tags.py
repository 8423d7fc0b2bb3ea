"""Template helpers for the work after a gig: what still needs a report, feedback stars, and the
feedback a page may show. Nothing here reads check-ins: those are for coordinator pages only."""

from __future__ import annotations

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from bookings.models import Gig, GigReport
from bookings.selectors import after as selectors_after
from bookings.selectors import feedback as selectors_feedback
from bookings.selectors.impact import booking_impact_answers, impact_open_marks

register = template.Library()

REPORT_CLASSES = {
    GigReport.Status.SUBMITTED: "text-bg-info",
    GigReport.Status.RETURNED: "text-bg-warning",
    GigReport.Status.APPROVED: "text-bg-primary",
}


@register.filter
def needs_report(gig: Gig) -> bool:
    """A planned gig whose time has ended: the expert should report it."""
    return gig.status == Gig.Status.PLANNED and gig.end <= timezone.now()


@register.filter
def report_class(status: str) -> str:
    return REPORT_CLASSES.get(status, "text-bg-secondary")


@register.filter
def stars(rating: int | None) -> str:
    """★★★★☆ with the number for screen readers."""
    if not rating:
        return "–"
    rating = int(rating)
    return format_html(
        '<span aria-hidden="true" class="text-warning">{}</span>'
        '<span class="visually-hidden">{}</span>',
        "★" * rating + "☆" * (5 - rating),
        _("%(rating)s out of 5") % {"rating": rating},
    )


@register.simple_tag
def released_feedback(gig: Gig) -> list:
    """The released feedback an expert may read on their gig (once it took place)."""
    return selectors_feedback.released_feedback_for_gig(gig)


@register.simple_tag
def gigs_to_report(user) -> list:
    """The user's ended gigs that wait for a report (for the expert's gig list)."""
    expert = getattr(user, "expert", None)
    if expert is None:
        return []
    return list(selectors_after.expert_gigs_to_report(expert)[:20])


@register.simple_tag
def feedback_state(booking, user) -> dict:
    """For the unit's booking page: can feedback be given, and did this person give it."""
    given = selectors_feedback.member_feedback(booking, user)
    return {
        "open": given is None and selectors_feedback.feedback_open(booking),
        "given": given,
    }


@register.simple_tag
def impact_state(booking) -> list[dict]:
    """For the unit's booking page: the "What changed?" questions open for the booking (30 and
    90 days after its last time), each with its answer if given."""
    marks = impact_open_marks(booking)
    answers = booking_impact_answers(booking) if marks else {}
    return [{"mark": mark, "answer": answers.get(mark)} for mark in marks]
