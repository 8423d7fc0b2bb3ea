"""Pairs (issue 17): a new expert's first gigs beside an experienced one.

The coordinator offers a pair in one step (``booking_offer_pair``): the new expert is offered the
seat, the experienced partner is offered a place beside them (``Assignment.partner_of``); both get
the offer and answer on their own. The pair fills one seat, both are paid their fees, and the
unit is billed for one expert (``bookings.money.billed_to_unit``). When the new expert's offer or
place ends, the partner's ends too (``staffing.pair_end``). The coordinator records the pair's
debrief once for both (``pair_debrief_record``); both read it on their gig page.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from bookings.models import Assignment, Booking, BookingChange
from bookings.selectors.pairs import PARTNER_MIN_GIGS, gigs_done, pair_head, pair_progress
from bookings.services import notify
from bookings.services.common import (
    BookingError,
    change_status,
    lock_assignment,
    lock_booking,
    record,
    require,
)
from bookings.services.staffing import _check_candidates, _check_deadline, _offer
from expertbank.models import User
from experts.models import Expert

Status = Booking.Status


def pair_refusal(booking: Booking, *, expert: Expert, partner: Expert) -> str:
    """Why ``expert`` and ``partner`` cannot be offered ``booking`` as a pair (empty: they can):
    the new expert's next gig is one of their first gigs in a pair, the partner is experienced
    (not in pairs, ``PARTNER_MIN_GIGS`` gigs done) and they share an experience area. Whether
    each may take the booking at all is the matching rules' (``refusals``)."""
    if expert.pk == partner.pk:
        return _("Choose two different experts for a pair.")
    progress = pair_progress([expert, partner])
    mine = progress.get(expert.pk)
    if mine is None or not mine.next_in_pair:
        return _("%(name)s is not doing first gigs in a pair.") % {"name": expert.name}
    if partner.pk in progress:
        return _("%(name)s is still doing first gigs in a pair themselves.") % {
            "name": partner.name
        }
    done = gigs_done([partner.pk]).get(partner.pk, (0, 0))[0]
    if done < PARTNER_MIN_GIGS:
        return _("%(name)s has done %(done)s gigs; a partner needs at least %(min)s.") % {
            "name": partner.name,
            "done": done,
            "min": PARTNER_MIN_GIGS,
        }
    if not expert.areas.filter(pk__in=partner.areas.values("pk")).exists():
        return _("%(new)s and %(partner)s share no experience area.") % {
            "new": expert.name,
            "partner": partner.name,
        }
    return ""


@transaction.atomic(durable=True)
def booking_offer_pair(
    *,
    booking: Booking,
    expert: Expert,
    partner: Expert,
    answer_by: datetime,
    by: User,
    note: str = "",
) -> list[Assignment]:
    """Offer the booking to a new expert in pairs and an experienced partner beside them, in
    one step. Both must be candidates (the matching rules) and a pair (``pair_refusal``);
    otherwise nothing is offered. Returns [the new expert's offer, the partner's]."""
    booking = lock_booking(booking.pk)
    require(
        booking,
        {Status.REQUESTED, Status.STAFFING},
        _(
            "Offers can be sent for a new request or a booking that is looking for experts; "
            "this booking is %(status)s."
        ),
    )
    _check_deadline(booking, answer_by)
    refusal = pair_refusal(booking, expert=expert, partner=partner)
    if refusal:
        raise BookingError(refusal)
    _check_candidates(booking, sorted([expert, partner], key=lambda e: e.pk))
    if booking.status == Status.REQUESTED:
        change_status(booking, Status.STAFFING, booking=booking, by=by)
    # Both rows first, then both messages: each offer names the other of the pair.
    new_offer = _offer(booking, expert, answer_by=answer_by, by=by, note=note, send=False)
    partner_offer = _offer(
        booking, partner, answer_by=answer_by, by=by, note=note, partner_of=new_offer, send=False
    )
    notify.offer(new_offer)
    notify.offer(partner_offer)
    return [new_offer, partner_offer]


@transaction.atomic(durable=True)
def pair_debrief_record(*, assignment: Assignment, note: str, by: User) -> Assignment:
    """The coordinator records the pair's debrief once for both (kept on the new expert's
    assignment); both experts read it on their gig page. Only a pair's assignment has one."""
    booking = lock_booking(assignment.booking_id)
    head = lock_assignment(pair_head(assignment).pk)
    if not head.partners.exists():
        raise BookingError(_("This expert is not in a pair on this booking."))
    note = note.strip()
    if not note:
        raise BookingError(_("Write the debrief note first."))
    head.pair_debrief = note
    head.save(update_fields=["pair_debrief"])
    record(
        head,
        booking=booking,
        by=by,
        kind=BookingChange.Kind.DETAILS,
        note=_("Shared debrief of the pair recorded."),
    )
    return head
