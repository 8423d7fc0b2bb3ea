"""Finding the experts: offers, answers, expiry, confirmation, withdrawal and replacement."""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from bookings.matching import ExclusionReason as Why
from bookings.matching import rank_candidates, refusals
from bookings.models import Assignment, Booking, Gig, Occurrence
from bookings.selectors.requests import shown_names
from bookings.selectors.schedule import next_start
from bookings.selectors.staffing import COVERED_NOTE, seats_filled
from bookings.services import notify
from bookings.services.common import (
    BookingError,
    booking_is_panel,
    change_status,
    ensure_free,
    is_overlap_violation,
    lock_assignment,
    lock_assignments,
    lock_booking,
    lock_gigs,
    overlap_error,
    plan_gig,
    record,
    require,
)
from expertbank.models import User
from experts.models import Expert

Status = Booking.Status
Offer = Assignment.Status


# The database's guard of the codes of open offers, and how often a clash is retried.
SMS_CODE_UNIQUE = "assignment_sms_code_unique_open"
SMS_CODE_TRIES = 5


def sms_code_new(expert: Expert) -> str:
    """A short code for answering by text message ("KYLLÄ 4821"): four digits, not used by any
    open offer (the database's constraint says so too) nor by the expert's own live offers and
    gigs, so that an answer from the expert's number points at one assignment only."""
    taken = set(
        Assignment.objects.filter(
            Q(status=Offer.OFFERED) | Q(expert=expert, status__in=Assignment.LIVE)
        )
        .exclude(sms_code="")
        .values_list("sms_code", flat=True)
    )
    while True:
        code = str(1000 + secrets.randbelow(9000))
        if code not in taken:
            return code


def _check_deadline(booking: Booking, answer_by: datetime) -> None:
    now = timezone.now()
    first = next_start(booking, now=now)
    if first is None:
        raise BookingError(
            _("The booking has no times in the future. Reschedule it before sending offers.")
        )
    if answer_by <= now:
        raise BookingError(_("The answer deadline must be in the future."))
    if answer_by > first:
        raise BookingError(
            _("The answer deadline must be before the first time, %(start)s.")
            % {"start": date_format(timezone.localtime(first), "DATETIME_FORMAT")}
        )


def _check_candidates(booking: Booking, experts: list[Expert]) -> None:
    """Only experts who may take the booking can be offered it: the matching rules (consent,
    status, calendar, caps, monthly limits, rest days, extracts, disclosure) hold here, not only
    on the ranked page (``bookings.matching.refusals``, which accepting asks too)."""
    why = refusals(booking, experts=experts)
    refused = [
        f"{expert.name} ({why[expert.pk][0].text})" for expert in experts if expert.pk in why
    ]
    if refused:
        raise BookingError(
            _("%(names)s cannot be offered this booking. Reload the list of candidates.")
            % {"names": ", ".join(refused)}
        )


def _offer(
    booking: Booking,
    expert: Expert,
    *,
    answer_by: datetime,
    by: User,
    note: str,
    replacement_for: Assignment | None = None,
    partner_of: Assignment | None = None,
    send: bool = True,
) -> Assignment:
    for attempt in range(SMS_CODE_TRIES):
        try:
            # A savepoint: an offer made at the same moment may take the same code; then only
            # this row is undone and another code is drawn.
            with transaction.atomic():
                assignment = Assignment.objects.create(
                    booking=booking,
                    expert=expert,
                    answer_by=answer_by,
                    offered_by=by,
                    offer_note=note.strip(),
                    replacement_for=replacement_for,
                    partner_of=partner_of,
                    sms_code=sms_code_new(expert),
                )
            break
        except IntegrityError as exc:
            if SMS_CODE_UNIQUE not in str(exc) or attempt == SMS_CODE_TRIES - 1:
                raise
    record(assignment, booking=booking, by=by, from_status="", to_status=Offer.OFFERED)
    if send:
        notify.offer(assignment)
    return assignment


@transaction.atomic(durable=True)
def booking_offer(
    *,
    booking: Booking,
    experts: Iterable[Expert],
    answer_by: datetime,
    by: User,
    note: str = "",
) -> list[Assignment]:
    """Offer the booking to one or more candidates, each to answer by ``answer_by``.

    Only ranked candidates (``bookings.matching.rank_candidates``) can be offered; a new
    request moves to ``staffing``. More experts than seats may be offered: the first to accept
    get the seats.
    """
    booking = lock_booking(booking.pk)
    require(
        booking,
        {Status.REQUESTED, Status.STAFFING},
        _(
            "Offers can be sent for a new request or a booking that is looking for experts; "
            "this booking is %(status)s."
        ),
    )
    experts = sorted({expert.pk: expert for expert in experts}.values(), key=lambda e: e.pk)
    if not experts:
        raise BookingError(_("Choose at least one expert."))
    _check_deadline(booking, answer_by)
    _check_candidates(booking, experts)
    if booking.status == Status.REQUESTED:
        change_status(booking, Status.STAFFING, booking=booking, by=by)
    return [_offer(booking, expert, answer_by=answer_by, by=by, note=note) for expert in experts]


def _require_open_offer(assignment: Assignment, booking: Booking) -> None:
    answered = {
        Offer.ACCEPTED: _("You have already accepted this offer."),
        Offer.DECLINED: _(
            "You have declined this offer. If you changed your mind, contact the coordinator."
        ),
        Offer.EXPIRED: _(
            "This offer is no longer open. If you still want the gig, contact the coordinator."
        ),
        Offer.WITHDRAWN: _("You are no longer on this booking."),
    }
    if assignment.status in answered:
        raise BookingError(answered[assignment.status])
    if booking.status not in (Status.STAFFING, Status.CONFIRMED):
        raise BookingError(
            _("This booking is no longer looking for experts (it is %(status)s).")
            % {"status": booking.get_status_display()}
        )
    if assignment.answer_by <= timezone.now():
        raise BookingError(
            _(
                "The time to answer this offer ended on %(date)s. If you still want the gig, "
                "contact the coordinator."
            )
            % {"date": date_format(timezone.localtime(assignment.answer_by), "DATETIME_FORMAT")}
        )


# What the expert can do about each reason an offer cannot be accepted (the reason itself, from
# the matching rules, says what is wrong).
def _advice() -> dict[str, str]:
    return {
        Why.NO_CONSENT: _(
            "You have not consented to the current privacy notice. Give your consent on your "
            "Privacy page, then accept the offer again."
        ),
        Why.NOT_ACTIVE: _("Only an active expert can take gigs. Contact the coordinator."),
        Why.NOT_CERTIFIED: _("Only a certified expert can take gigs. Contact the coordinator."),
        Why.CRIMINAL_RECORD: _(
            "The audience is under 18, so the coordinator needs a valid criminal-record extract "
            "from you first."
        ),
        Why.BLACKOUT: _(
            "You have marked these days as unavailable. If you can come after all, change your "
            "unavailable days on your page and accept again."
        ),
        Why.NO_SLOT: _(
            "Your weekly available times do not cover this time. If you can come, change them on "
            "your page and accept again."
        ),
        Why.MONTHLY_LIMIT: _(
            "This gig would go over the number of gigs a month you have set. Contact the "
            "coordinator if you want to change it."
        ),
        Why.EARNINGS_CAP: _(
            "This gig would go over your earnings cap. Contact the coordinator if you want to "
            "change it."
        ),
        Why.REST_DAYS: _(
            "You need rest days around a heavy gig. Contact the coordinator if you want to "
            "change them."
        ),
        Why.EVENING: _(
            "You said no evenings on your Access and support page, and this gig ends after "
            "18.00. If you can come after all, change it there and accept again."
        ),
        Why.TOO_LONG: _(
            "This gig is longer than the longest gig you can take (your Access and support "
            "page). If you can come after all, change it there and accept again."
        ),
    }


def assignment_check_can_accept(
    assignment: Assignment,
    *,
    booking: Booking,
    occurrences: list[Occurrence],
    now: datetime,
) -> None:
    """Refuse the answer when the expert may no longer take the booking: every rule that
    offering checked (``bookings.matching.refusals``) is asked again at the moment of
    accepting, for the times that have not begun."""
    found = refusals(
        booking,
        experts=[assignment.expert],
        occurrences=occurrences,
        answering=assignment,
        now=now,
    ).get(assignment.expert_id)
    if not found:
        return
    reason = found[0]
    if reason.code == Why.BUSY:
        # A clash is the calendar's rule, said as everywhere else (which gig, the travel buffer):
        # here when the other gig was committed after this accept's own check ran.
        ensure_free(
            expert=assignment.expert, times=[(o.start, o.end) for o in occurrences], own=True
        )
        raise overlap_error(own=True)
    advice = _advice().get(reason.code, _("Contact the coordinator if you think this is wrong."))
    raise BookingError(
        _("You cannot accept this offer now: %(reason)s. %(advice)s")
        % {"reason": reason.text, "advice": advice}
    )


def assignment_accept(*, assignment: Assignment, by: User | None) -> Assignment:
    """The expert takes an open offer: planned gigs at every time that has not begun.

    Refused when the offer is not open, the seats are already filled, a gig would clash with one
    the expert already holds (with the travel buffer), or the expert may no longer take the
    booking by any rule of offering (``assignment_check_can_accept``: consent, status, extracts,
    days off, weekly times, rest days, monthly limit, earnings caps, disclosure, language, areas).
    A refused answer changes nothing: the offer stays open until its deadline, so an expert who
    can fix the reason (consent again, days off) may still accept. The database's exclusion
    constraint decides between answers that arrive at the same moment; the loser gets the same
    clear message.
    """
    try:
        return _assignment_accept(assignment_id=assignment.pk, by=by)
    except IntegrityError as exc:
        if is_overlap_violation(exc):
            raise overlap_error(own=True) from exc
        raise


@transaction.atomic(durable=True)
def _assignment_accept(*, assignment_id: int, by: User | None) -> Assignment:
    booking_id = Assignment.objects.values_list("booking_id", flat=True).get(pk=assignment_id)
    booking = lock_booking(booking_id)
    assignment = lock_assignment(assignment_id)
    accepted = seats_filled(booking)
    partner = assignment.partner_of_id is not None  # fills no seat (a pair counts once)
    if partner:
        _require_pair_live(assignment)
    elif accepted >= booking.experts_wanted and assignment.status in (
        Offer.OFFERED,
        Offer.EXPIRED,
    ):
        # The offer was closed (or is about to be) because the seats were filled.
        raise BookingError(
            _("All the experts this booking needs have already been found. Thank you!")
        )
    _require_open_offer(assignment, booking)
    now = timezone.now()
    occurrences = list(booking.occurrences.filter(start__gt=now).order_by("start"))
    if not occurrences:
        raise BookingError(_("This booking has no times left, so the offer cannot be accepted."))
    ensure_free(expert=assignment.expert, times=[(o.start, o.end) for o in occurrences], own=True)
    assignment_check_can_accept(assignment, booking=booking, occurrences=occurrences, now=now)
    assignment.answered_at = now
    assignment.booking = booking
    change_status(assignment, Offer.ACCEPTED, booking=booking, by=by, fields=["answered_at"])
    for occurrence in occurrences:
        plan_gig(assignment=assignment, occurrence=occurrence, by=by)
    if not partner and accepted + 1 >= booking.experts_wanted:
        # The last seat is filled: the others still asked are thanked and let go at once (by
        # the system: the history does not say the accepting expert closed them).
        offers_close_covered(booking, by=None)
    if booking.status == Status.CONFIRMED:  # a replacement joins a confirmed booking
        notify.confirmed_expert(booking, assignment)
        notify.experts_changed(booking, shown_names(booking), assignment)
    return assignment


@transaction.atomic(durable=True)
def assignment_decline(*, assignment: Assignment, by: User | None, reason: str = "") -> Assignment:
    """The expert says no to an offer; the coordinator sees the answer."""
    booking = lock_booking(assignment.booking_id)
    assignment = lock_assignment(assignment.pk)
    if assignment.status == Offer.DECLINED:
        raise BookingError(_("You have already declined this offer."))
    require(
        assignment,
        {Offer.OFFERED},
        _("This offer can no longer be answered; it is %(status)s."),
    )
    assignment.answered_at = timezone.now()
    change_status(
        assignment,
        Offer.DECLINED,
        booking=booking,
        by=by,
        note=reason.strip(),
        fields=["answered_at"],
    )
    _cover_after(assignment, booking)
    pair_end(assignment, booking=booking, by=by)
    return assignment


@transaction.atomic(durable=True)
def offers_expire(*, now: datetime | None = None) -> int:
    """Offers not answered by their deadline expire; the coordinators who sent them are told."""
    now = now or timezone.now()
    expired = list(
        Assignment.objects.select_for_update(of=("self",))
        .filter(status=Offer.OFFERED, answer_by__lte=now)
        .select_related("booking", "expert__user", "offered_by")
        .order_by("pk")[:1000]
    )
    note = _("No answer by the deadline.")
    per_booking: dict[int, list[Assignment]] = defaultdict(list)
    for assignment in expired:
        change_status(assignment, Offer.EXPIRED, booking=assignment.booking, by=None, note=note)
        per_booking[assignment.booking_id].append(assignment)
    for assignments in per_booking.values():
        notify.offers_expired(assignments[0].booking, assignments)
        if any(a.replacement_for_id for a in assignments):
            booking = lock_booking(assignments[0].booking_id)
            for assignment in assignments:
                _cover_after(assignment, booking)
        for assignment in assignments:
            pair_end(assignment, booking=assignment.booking, by=None)
    return len(expired)


def covered_note() -> str:
    """Why an offer closed when the booking's seats were filled, in the active language."""
    return str(COVERED_NOTE)


def offers_close_covered(
    booking: Booking, *, by: User | None, assignments: list[Assignment] | None = None
) -> list[Assignment]:
    """Every seat of the (locked) booking is filled: its offers still open are closed at once
    (``expired``, with the note of ``covered_note``) and each expert gets a kind message
    (``booking_offer_closed`` with that reason). They no longer count as waiting anywhere."""
    if assignments is None:
        assignments = lock_assignments(booking)
    note = covered_note()
    status = {a.pk: a.status for a in assignments}
    # An experienced partner's offer stays open while the new expert it pairs has a seat.
    closed = [
        a
        for a in assignments
        if a.status == Offer.OFFERED
        and not (a.partner_of_id and status.get(a.partner_of_id) == Offer.ACCEPTED)
    ]
    for assignment in closed:
        change_status(assignment, Offer.EXPIRED, booking=booking, by=by, note=note)
        notify.offer_closed(assignment, COVERED_NOTE)  # in the expert's language
    for assignment in closed:
        pair_end(assignment, booking=booking, by=by)  # a partner who had accepted leaves too
    return closed


def booking_can_confirm(booking: Booking, *, accepted: int) -> bool:
    """A booking looking for experts can be confirmed once every seat is filled."""
    return booking.status == Status.STAFFING and accepted >= booking.experts_wanted


@transaction.atomic(durable=True)
def booking_confirm(*, booking: Booking, by: User) -> Booking:
    """Confirm a booking whose every seat is filled: never with fewer experts, never twice.

    Offers still open are closed, and the experts and the unit get their confirmations.
    """
    booking = lock_booking(booking.pk)
    if booking.status == Status.CONFIRMED:
        raise BookingError(_("This booking is already confirmed."))
    require(
        booking,
        {Status.STAFFING},
        _("Only a booking that is looking for experts can be confirmed; this one is %(status)s."),
    )
    assignments = lock_assignments(booking)
    accepted = [a for a in assignments if a.status == Offer.ACCEPTED]
    seated = sum(1 for a in accepted if a.partner_of_id is None)  # a pair fills one seat
    if not booking_can_confirm(booking, accepted=seated):
        raise BookingError(
            _(
                "Only %(found)s of the %(wanted)s experts have accepted. A booking is confirmed "
                "when every seat is filled: send more offers or wait for answers."
            )
            % {"found": seated, "wanted": booking.experts_wanted}
        )
    change_status(booking, Status.CONFIRMED, booking=booking, by=by)
    offers_close_covered(booking, by=by, assignments=assignments)
    for assignment in accepted:
        notify.confirmed_expert(booking, assignment)
    notify.confirmed_unit(booking, [a.expert.shown_name for a in accepted])
    return booking


def panel_withdraw_refusal(*, own: bool) -> str:
    """Why nobody withdraws from a customer panel's meetings booking (issue 17): a member who
    cannot come simply does not come (the attendance decides the fee), and a member leaves the
    panel on the panel's page; a withdrawal would leave every meeting and offer the seat to
    experts who are not members."""
    if own:
        return _(
            "This is a customer panel's meeting: you don't need to cancel. If you can't come, "
            "tell the organiser. Only those who come are paid, and nothing counts against you."
        )
    return _(
        "This is a customer panel's meetings booking: a member leaves the panel on the "
        "panel's page."
    )


@transaction.atomic(durable=True)
def assignment_withdraw(*, assignment: Assignment, by: User, reason: str = "") -> Assignment:
    """An expert who accepted leaves the booking (their own choice or the coordinator's).

    Their planned gigs that have not begun are cancelled without a fee. If the booking was
    confirmed it stays confirmed but short of an expert until a replacement accepts.
    """
    booking = lock_booking(assignment.booking_id)
    assignment = lock_assignment(assignment.pk)
    if booking_is_panel(booking):
        raise BookingError(panel_withdraw_refusal(own=by == assignment.expert.user))
    if assignment.status == Offer.WITHDRAWN:
        raise BookingError(_("This expert has already withdrawn."))
    require(
        assignment,
        {Offer.ACCEPTED},
        _("Only an expert who has accepted can withdraw; this offer is %(status)s."),
    )
    require(
        booking,
        {Status.STAFFING, Status.CONFIRMED},
        _("Nobody can withdraw from a %(status)s booking."),
    )
    reason = reason.strip()
    own = by == assignment.expert.user
    if own:
        _require_not_begun(assignment)
    take_off(assignment, booking=booking, by=by, reason=reason)
    if own:
        notify.withdrawn(assignment, reason)
        if booking.cover_automatically and assignment.partner_of_id is None:
            cover_next(booking, withdrawn=assignment)
    else:
        notify.released(assignment, reason)
    pair_end(assignment, booking=booking, by=by)
    return assignment


def _require_not_begun(assignment: Assignment) -> None:
    """An expert withdraws only from what is still to come: not from a gig under way, nor from a
    booking whose every time has begun."""
    now = timezone.now()
    gigs = assignment.gigs.filter(status=Gig.Status.PLANNED)
    begun = gigs.filter(start__lte=now)
    under_way = begun.filter(end__gt=now).exists()
    if under_way or (begun.exists() and not gigs.filter(start__gt=now).exists()):
        raise BookingError(
            _(
                "The gig has already started, so you can no longer withdraw from it here. If "
                "something happened, call the coordinator."
            )
        )


# Cover without blame: the seat of an expert who withdrew is offered to the next candidates
# by the ranking, one at a time, each to answer within a day (or half the time left), the ones
# offered least recently first. Nobody is offered within the last two hours.
RESERVE_SIZE = 5
COVER_ANSWER_WITHIN = timedelta(hours=24)
COVER_LAST_CALL = timedelta(hours=2)


def reserve_list(booking: Booking, *, now: datetime | None = None) -> list[Expert]:
    """The booking's reserve: the best ``RESERVE_SIZE`` candidates by the ranking who have not
    been on the booking, the one offered any gig least recently (or never) first."""
    now = now or timezone.now()
    been = set(booking.assignments.values_list("expert_id", flat=True))
    ranked = [c.expert for c in rank_candidates(booking, now=now).ranked if c.expert.pk not in been]
    top = ranked[:RESERVE_SIZE]
    last = dict(
        Assignment.objects.filter(expert__in=top)
        .values("expert_id")
        .annotate(last=Max("offered_at"))
        .values_list("expert_id", "last")
        .order_by()
    )
    order = {expert.pk: index for index, expert in enumerate(top)}
    return sorted(
        top,
        key=lambda e: (e.pk in last, last.get(e.pk) or now, order[e.pk]),
    )


def cover_next(booking: Booking, *, withdrawn: Assignment) -> Assignment | None:
    """Offer the (locked) booking's seat left by ``withdrawn`` to the first of the reserve list,
    by the system. When nobody is left and the first time is within 36 hours (or time has run
    out), the unit and the coordinators are told that no replacement was found; further away,
    the coordinators read it in the digest and can still offer the seat by hand."""
    now = timezone.now()
    accepted = seats_filled(booking)
    if booking.status not in (Status.STAFFING, Status.CONFIRMED):
        return None
    if accepted >= booking.experts_wanted:
        return None
    if withdrawn.replacements.filter(status__in=Assignment.LIVE).exists():
        return None
    first = next_start(booking, now=now)
    if first is not None and first - now > COVER_LAST_CALL:
        answer_by = min(now + COVER_ANSWER_WITHIN, now + (first - now) / 2)
        for expert in reserve_list(booking, now=now):
            return _offer(
                booking,
                expert,
                answer_by=answer_by,
                by=None,
                note="",
                replacement_for=withdrawn,
            )
    if first is not None and first - now > notify.URGENT_WITHIN:
        # Nobody on the list now, but there is time: the coordinators read it in the daily
        # digest and the work queue ("short of experts"); the unit is not told yet.
        return None
    notify.cover_none(booking, withdrawn)
    return None


def _cover_after(assignment: Assignment, booking: Booking) -> None:
    """A replacement offer of an automatically covered booking was declined or expired: the
    next on the reserve list is asked."""
    if assignment.replacement_for_id is not None and booking.cover_automatically:
        cover_next(booking, withdrawn=assignment.replacement_for)


@transaction.atomic(durable=True)
def booking_cover_mode(*, booking: Booking, automatic: bool, by: User) -> Booking:
    """The coordinator switches between finding cover automatically and being asked first."""
    booking = lock_booking(booking.pk)
    if booking.cover_automatically != automatic:
        booking.cover_automatically = automatic
        booking.save(update_fields=["cover_automatically", "updated_at"])
    return booking


def _require_pair_live(assignment: Assignment) -> None:
    """An experienced partner accepts only while the new expert of the pair is still offered
    the booking or on it."""
    if assignment.partner_of.status not in Assignment.LIVE:
        raise BookingError(
            _(
                "%(name)s, whom you were asked to partner, is no longer on this booking, so "
                "the pair will not go. Thank you!"
            )
            % {"name": assignment.partner_of.expert.name}
        )


def pair_end(assignment: Assignment, *, booking: Booking, by: User | None) -> list[Assignment]:
    """A new expert's offer or place ended (declined, expired, withdrew, taken off): their
    experienced partner (issue 17) has nobody to partner, so the partner's open offer closes
    and an accepted partner leaves the booking, each with a message saying why. A partner
    leaving changes nothing for the new expert, who can be given another partner."""
    if assignment.partner_of_id is not None or assignment.status in Assignment.LIVE:
        return []
    note = _("%(name)s, the new expert of the pair, is no longer on this booking.") % {
        "name": assignment.expert.name
    }
    ended = list(
        Assignment.objects.select_for_update(of=("self",))
        .filter(partner_of=assignment, status__in=Assignment.LIVE)
        .select_related("expert__user", "booking")
        .order_by("pk")
    )
    for partner in ended:
        with translation.override(partner.expert.user.language or None):
            told = _("%(name)s, the new expert of the pair, is no longer on this booking.") % {
                "name": assignment.expert.name
            }
        if partner.status == Offer.OFFERED:
            change_status(partner, Offer.EXPIRED, booking=booking, by=by, note=note)
            notify.offer_closed(partner, told)
        else:
            take_off(partner, booking=booking, by=by, reason=note)
            notify.released(partner, told)
    return ended


def take_off(assignment: Assignment, *, booking: Booking, by: User | None, reason: str) -> None:
    """An accepted expert leaves the (locked) booking: their planned gigs that have not begun are
    cancelled without a fee and the assignment is withdrawn, each with its history row."""
    gigs = lock_gigs(assignment.gigs.filter(status=Gig.Status.PLANNED, start__gt=timezone.now()))
    for gig in gigs:
        gig.fee_amount = 0
        change_status(
            gig, Gig.Status.CANCELLED, booking=booking, by=by, note=reason, fields=["fee_amount"]
        )
    change_status(assignment, Offer.WITHDRAWN, booking=booking, by=by, note=reason)


def assignment_can_replace(assignment: Assignment, *, booking: Booking, accepted: int) -> bool:
    """The seat of an expert who withdrew can be offered to another while the booking is short
    of experts and no replacement is on offer or accepted yet."""
    return (
        booking.status in (Status.STAFFING, Status.CONFIRMED)
        and accepted < booking.experts_wanted
        and assignment.status == Offer.WITHDRAWN
        and assignment.partner_of_id is None  # a partner held no seat
        and not any(r.status in Assignment.LIVE for r in assignment.replacements.all())
    )


@transaction.atomic(durable=True)
def assignment_replace(
    *,
    assignment: Assignment,
    expert: Expert,
    answer_by: datetime,
    by: User,
    note: str = "",
) -> Assignment:
    """Offer the seat of an expert who withdrew to another candidate."""
    booking = lock_booking(assignment.booking_id)
    require(
        booking,
        {Status.STAFFING, Status.CONFIRMED},
        _("A replacement can be found only for a booking before delivery; this one is %(status)s."),
    )
    assignment = lock_assignment(assignment.pk)
    require(
        assignment,
        {Offer.WITHDRAWN},
        _("Only an expert who has withdrawn can be replaced; this offer is %(status)s."),
    )
    if assignment.partner_of_id is not None:
        raise BookingError(
            _("An experienced partner held no seat of their own, so nobody replaces them.")
        )
    if assignment.replacements.filter(status__in=Assignment.LIVE).exists():
        raise BookingError(_("A replacement has already been offered for this expert."))
    accepted = seats_filled(booking)
    if accepted >= booking.experts_wanted:
        raise BookingError(_("The booking already has all its experts."))
    _check_deadline(booking, answer_by)
    _check_candidates(booking, [expert])
    return _offer(
        booking, expert, answer_by=answer_by, by=by, note=note, replacement_for=assignment
    )
