"""The one meaning of "paid": ``Gig.paid_on``, the day the money reached the expert.

Earnings caps, closing a booking and every report read ``paid_on``; the database refuses a
``paid`` status without it. ``gigs_mark_paid`` is the only way to set it (the fee payment run
calls it when a coordinator confirms a payment batch); ``gig_write_off`` settles a gig that will
never be paid. Both write the booking's history and close a delivered booking once every gig that
carries money is settled.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from bookings.models import Booking, BookingChange, Gig
from bookings.services.common import BookingError, Kind, entry, lock_gigs, record
from bookings.services.schedule import close_if_settled, close_settled
from expertbank.formatting import euros
from expertbank.models import User

Status = Gig.Status

# Gigs whose money is due to the expert: approved ones (fee, or expenses only), and late-cancelled
# ones with the expert's cancellation fee once their amounts are fixed.
PAYABLE = Q(status=Status.APPROVED) | Q(
    status=Status.CANCELLED, late_cancelled=True, fee_amount__gt=0, billable_amount__isnull=False
)


def payable_gigs():
    """Gigs due to be paid and not yet paid or written off."""
    return Gig.objects.filter(PAYABLE, paid_on__isnull=True, written_off=False)


def gig_can_be_paid(gig: Gig) -> bool:
    return payable_gigs().filter(pk=gig.pk).exists()


def _lock(gig_ids: Iterable[int]) -> tuple[list[Booking], list[Gig]]:
    """The bookings of the gigs, then the gigs, each locked in id order (no deadlocks)."""
    ids = sorted(set(gig_ids))
    booking_ids = sorted(set(Gig.objects.filter(pk__in=ids).values_list("booking_id", flat=True)))
    bookings = list(
        Booking.objects.select_for_update(of=("self",)).filter(pk__in=booking_ids).order_by("pk")
    )
    gigs = lock_gigs(Gig.objects.filter(pk__in=ids))
    return bookings, gigs


# Not durable on purpose: the fee payment run confirms its batch and marks the gigs paid in one
# transaction. The rows are locked here either way.
@transaction.atomic
def gigs_mark_paid(*, gigs: Iterable[Gig], paid_on: date, by: User | None) -> list[Gig]:
    """Record that the money of ``gigs`` reached the experts on ``paid_on``.

    All or nothing: each gig must be approved (it becomes ``paid``) or cancelled late with the
    expert's fee fixed (it stays cancelled), and not paid or written off already. The date cannot
    be in the future. Each gig gets a history row; delivered bookings whose every gig that carries
    money is now settled are closed.
    """
    if paid_on > timezone.localdate():
        raise BookingError(_("The payment date cannot be in the future."))
    bookings, locked = _lock(gig.pk for gig in gigs)
    if not locked:
        raise BookingError(_("Choose at least one gig to mark paid."))
    payable = set(
        payable_gigs().filter(pk__in=[gig.pk for gig in locked]).values_list("pk", flat=True)
    )
    refused = [gig for gig in locked if gig.pk not in payable]
    if refused:
        raise BookingError(
            _(
                "These gigs cannot be marked paid (already paid, written off, or not approved): "
                "%(gigs)s."
            )
            % {"gigs": ", ".join(str(gig) for gig in refused)}
        )
    by_id = {booking.pk: booking for booking in bookings}
    note = _("Paid on %(date)s: %(amount)s.")
    day = date_format(paid_on, "SHORT_DATE_FORMAT")
    history = []
    for gig in locked:
        booking = by_id[gig.booking_id]
        gig.paid_on = paid_on
        text = note % {"date": day, "amount": euros(gig.fee_amount)}
        if gig.status == Status.APPROVED:
            gig.status = Status.PAID
            history.append(
                entry(
                    gig,
                    booking=booking,
                    by=by,
                    from_status=Status.APPROVED,
                    to_status=Status.PAID,
                    note=text,
                )
            )
        else:
            history.append(entry(gig, booking=booking, by=by, kind=Kind.PAID, note=text))
    # One update for the approved gigs (now paid) and one for the late-cancelled ones (they stay
    # cancelled), a few hundred at a time; then every history row in one insert.
    for status in (Status.PAID, Status.CANCELLED):
        ids = [gig.pk for gig in locked if gig.status == status]
        for first in range(0, len(ids), 500):
            Gig.objects.filter(pk__in=ids[first : first + 500]).update(
                status=status, paid_on=paid_on
            )
    BookingChange.objects.bulk_create(history, batch_size=1000)
    close_settled(bookings, by=by)
    return locked


def gig_can_write_off(gig: Gig) -> bool:
    """A gig that carries money not yet paid can be written off instead."""
    return gig.paid_on is None and not gig.written_off and gig_can_be_paid(gig)


@transaction.atomic(durable=True)
def gig_write_off(*, gig: Gig, by: User, reason: str) -> Gig:
    """Settle a gig without paying it (the expert gave up the fee afterwards, say), with a reason.

    Only a gig that could be paid; its amounts stay as they were for the books. A delivered
    booking whose every gig that carries money is now settled closes.
    """
    reason = reason.strip()
    if not reason:
        raise BookingError(_("Say why the gig is written off: the history keeps it."))
    bookings, locked = _lock([gig.pk])
    gig, booking = locked[0], bookings[0]
    if not gig_can_write_off(gig):
        raise BookingError(
            _(
                "Only an approved gig, or one cancelled late with a fee, that is not paid yet "
                "can be written off."
            )
        )
    gig.written_off = True
    gig.save(update_fields=["written_off"])
    record(gig, booking=booking, by=by, kind=Kind.WRITTEN_OFF, note=reason)
    close_if_settled(booking, by=by)
    return gig


def gig_can_move_payment(gig: Gig) -> bool:
    """A fee not yet paid or written off can still be moved to a later month."""
    return gig.paid_on is None and not gig.written_off


def gig_payment_defer(*, gig: Gig, not_before: date, by: User | None) -> Gig:
    """Pay ``gig`` no sooner than ``not_before`` (the expert's wish): its fee then counts
    towards the earnings caps in that month. Inside the caller's transaction (the fee payment's
    ``fee_defer`` decides whether the fee can still move), with a history row."""
    bookings, locked = _lock([gig.pk])
    gig, booking = locked[0], bookings[0]
    if not gig_can_move_payment(gig):
        raise BookingError(_("This fee is already paid, so it can no longer be moved."))
    before = gig.pay_not_before
    gig.pay_not_before = not_before
    gig.save(update_fields=["pay_not_before"])
    record(
        gig,
        booking=booking,
        by=by,
        kind=Kind.PAYMENT_MOVED,
        changes={
            "pay_not_before": [
                before.strftime("%d.%m.%Y") if before else "",
                not_before.strftime("%d.%m.%Y"),
            ]
        },
    )
    return gig
