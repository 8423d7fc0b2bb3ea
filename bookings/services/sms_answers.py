"""Answers by text message (issue 17): the bookings app's handler for ``KYLLÄ 4821`` /
``EI 4821`` (registered in ``BookingsConfig.ready``; ``expertbank.services.sms_inbound`` calls it
with the one person whose own number sent the text).

The four digits people type are bound to that person: the code is the assignment's ``sms_code``,
looked up among the sender's own assignments only, so a code is worthless from any other number.
It opens an assignment only while it is live — an offer not yet answered and not past its
deadline, or an accepted gig with a planned time still to come — and each answer counts once:

- an open offer: YES accepts and NO declines, exactly as the answer page's buttons do (the same
  services, the same refusals);
- an accepted gig (the 48-hour reminder carries the code): NO withdraws without blame; a YES is
  the offer answered again and gets "already answered";
- an offer already declined, expired or withdrawn from: "already answered", and nothing changes.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from bookings.models import Assignment, Gig
from bookings.services.common import BookingError
from bookings.services.staffing import assignment_accept, assignment_decline, assignment_withdraw
from expertbank.models import User

Offer = Assignment.Status


def _when(assignment: Assignment) -> str:
    first = assignment.booking.first_start
    return date_format(timezone.localtime(first), "SHORT_DATETIME_FORMAT") if first else ""


def sms_assignment(*, user: User, code: str) -> Assignment | None:
    """The sender's own assignment the code points at: a live one first, else the latest that
    carried it (to say it was already answered)."""
    coming = Gig.objects.filter(
        assignment=OuterRef("pk"), status=Gig.Status.PLANNED, start__gt=timezone.now()
    )
    own = (
        Assignment.objects.filter(expert__user=user, sms_code=code)
        .select_related("booking")
        .annotate(coming=Exists(coming))
        .order_by("-pk")
    )
    for assignment in own:
        if assignment.status == Offer.OFFERED or (
            assignment.status == Offer.ACCEPTED and assignment.coming
        ):
            return assignment
    return own.first()


def _already(assignment: Assignment) -> str:
    when = _when(assignment)
    if assignment.status == Offer.ACCEPTED and assignment.coming:
        return _("Already answered. You are on the gig of %(date)s. See you there!") % {
            "date": when
        }
    if assignment.status == Offer.DECLINED:
        return _("Already answered. You declined the gig offer of %(date)s.") % {"date": when}
    if assignment.status == Offer.WITHDRAWN:
        return _("Already answered. You are off the gig of %(date)s.") % {"date": when}
    if assignment.status == Offer.EXPIRED:
        return _("The offer of %(date)s has ended, so the answer was not recorded.") % {
            "date": when
        }
    return _("The gig of %(date)s is over: there is nothing to answer.") % {"date": when}


def sms_answer(*, user: User, answer: str, code: str) -> str | None:
    """Answer ``code`` for ``user`` as if clicked (see the module); None when no assignment of
    theirs ever carried the code."""
    assignment = sms_assignment(user=user, code=code)
    if assignment is None:
        return None
    when = _when(assignment)
    try:
        if assignment.status == Offer.OFFERED and answer == "yes":
            assignment_accept(assignment=assignment, by=user)
            return _(
                "Thank you! You accepted the gig on %(date)s. The details are on your page."
            ) % {"date": when}
        if assignment.status == Offer.OFFERED:
            assignment_decline(assignment=assignment, by=user)
            return _("Thank you for answering. You declined the gig offer of %(date)s.") % {
                "date": when
            }
        if assignment.status == Offer.ACCEPTED and assignment.coming and answer == "no":
            assignment_withdraw(assignment=assignment, by=user)
            return _(
                "You are off the gig of %(date)s. The coordinator was told and will find someone "
                "else. Take care!"
            ) % {"date": when}
        return _already(assignment)
    except BookingError as exc:
        return str(exc)
