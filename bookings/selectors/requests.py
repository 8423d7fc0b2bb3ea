"""The unit's side of a request: which bookings a member sees, the names of the experts as they
consented to be shown, and the status in words with the next step."""

from __future__ import annotations

from django.db.models import Case, F, Prefetch, Q, QuerySet, Subquery, Value, When
from django.utils.translation import gettext as _

from bookings.models import Assignment, Booking, Membership, Unit
from bookings.settlement import money_note
from expertbank.models import User


def member_units(user: User) -> QuerySet[Unit]:
    return Unit.objects.filter(memberships__user=user).select_related("organisation").distinct()


def bookings_for_member(user: User) -> QuerySet[Booking]:
    """The bookings of every unit of the organisations the user is a member in."""
    organisations = Membership.objects.filter(user=user).values("unit__organisation_id")
    return Booking.objects.filter(unit__organisation_id__in=Subquery(organisations))


def with_accepted_experts(bookings: QuerySet[Booking]) -> QuerySet[Booking]:
    """Prefetch the accepted assignments with their experts into ``accepted_assignments``."""
    accepted = Assignment.objects.filter(status=Assignment.Status.ACCEPTED).select_related(
        "expert__user"
    )
    return bookings.prefetch_related(
        Prefetch("assignments", queryset=accepted, to_attr="accepted_assignments")
    )


def unit_booking_list(user: User) -> QuerySet[Booking]:
    """The organisation's bookings: the open ones first, soonest first; then the rest, newest."""
    is_open = Q(status__in=Booking.OPEN)
    bookings = bookings_for_member(user).annotate(
        closed=Case(When(is_open, then=Value(0)), default=Value(1)),
        upcoming=Case(When(is_open, then=F("first_start"))),
    )
    return with_accepted_experts(
        bookings.select_related("unit__organisation", "work_kind")
    ).order_by(
        "closed",
        F("upcoming").asc(nulls_last=True),
        F("first_start").desc(nulls_last=True),
        "-pk",
    )


def _accepted(booking: Booking):
    assignments = getattr(booking, "accepted_assignments", None)
    if assignments is None:
        assignments = booking.assignments.filter(status=Assignment.Status.ACCEPTED).select_related(
            "expert__user"
        )
    return assignments


def shown_names(booking: Booking) -> list[str]:
    """How the booking's accepted experts are named to the unit (alias or name, as consented);
    both of a pair are named."""
    return [assignment.expert.shown_name for assignment in _accepted(booking)]


def support_on_booking(booking: Booking, *, for_unit: bool) -> list[tuple[str, list[str]]]:
    """(name, needs) of each expert on the booking with access or support needs.

    For the unit (``for_unit``): the accepted experts by their shown name, and only the needs
    each chose to share. For the coordinators: everyone offered or accepted, every need."""
    statuses = [Assignment.Status.ACCEPTED] if for_unit else list(Assignment.LIVE)
    assignments = (
        booking.assignments.filter(status__in=statuses, expert__support__isnull=False)
        .select_related("expert__user", "expert__support")
        .order_by("pk")
    )
    found = []
    for assignment in assignments:
        expert = assignment.expert
        if for_unit:
            needs = expert.support.shared_texts()
            name = expert.shown_name
        else:
            needs = expert.support.texts()
            name = expert.name
        if needs:
            found.append((name, needs))
    return found


def booking_next_step(booking: Booking) -> str:
    """The status in words with the next step, as the unit sees it; a delivered or closed
    booking says what is true about its money (``bookings.settlement``: ``attach_money_notes``
    first for a list)."""
    status = Booking.Status
    if booking.status == status.REQUESTED:
        return _("Waiting for the coordinator to look for experts")
    if booking.status == status.STAFFING:
        # A pair fills one seat: the experienced partner is not counted as found.
        found = sum(1 for a in _accepted(booking) if a.partner_of_id is None)
        return _("Waiting for experts: %(found)s of %(wanted)s found") % {
            "found": found,
            "wanted": booking.experts_wanted,
        }
    if booking.status == status.CONFIRMED:
        names = shown_names(booking)
        if len(names) < booking.experts_wanted:
            return _("Confirmed: %(names)s; a replacement is being looked for") % {
                "names": ", ".join(names) or "–"
            }
        return _("Confirmed: %(names)s") % {"names": ", ".join(names)}
    if booking.status == status.DELIVERED:
        note = money_note(booking)
        return _("Done. Thank you! %(money)s") % {"money": note} if note else _("Done. Thank you!")
    if booking.status == status.CLOSED:
        note = money_note(booking)
        return _("Done: %(money)s") % {"money": note} if note else _("Done and settled")
    if booking.status == status.REJECTED:
        return _("Not possible: see the reason on the booking")
    return _("Cancelled")
