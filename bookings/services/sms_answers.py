"""Answers by text message (issue 17): the bookings app's handler for ``KYLLÄ 4821`` /
``EI 4821`` (registered in ``BookingsConfig.ready``; ``expertbank.services.sms_inbound`` calls it
with the person found by their own number).

The code is the assignment's ``sms_code``, looked up among the sender's own live assignments
only, so a code is worthless from any other number. On an open offer YES accepts and NO
declines, exactly as the answer page's buttons do (the same services, the same refusals); on an
accepted gig (the 48-hour reminder carries the code) NO withdraws without blame and YES is
thanked. An answered offer's code no longer opens anything: single use.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from bookings.models import Assignment
from bookings.services.common import BookingError
from bookings.services.staffing import assignment_accept, assignment_decline, assignment_withdraw
from expertbank.models import User

Offer = Assignment.Status


def sms_answer(*, user: User, answer: str, code: str) -> str | None:
    assignment = (
        Assignment.objects.filter(expert__user=user, sms_code=code, status__in=Assignment.LIVE)
        .select_related("booking")
        .order_by("-pk")
        .first()
    )
    if assignment is None:
        return None
    booking = assignment.booking
    when = (
        date_format(timezone.localtime(booking.first_start), "SHORT_DATETIME_FORMAT")
        if booking.first_start
        else ""
    )
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
        if answer == "yes":
            return _("Thank you! You are on the gig of %(date)s. See you there.") % {"date": when}
        assignment_withdraw(assignment=assignment, by=user)
        return _(
            "You are off the gig of %(date)s. The coordinator was told and will find someone "
            "else. Take care!"
        ) % {"date": when}
    except BookingError as exc:
        return str(exc)
