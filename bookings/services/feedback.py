"""The unit's feedback on a booking, and its release to the experts by a coordinator."""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.models import Feedback, Gig
from bookings.selectors.after import TOOK_PLACE
from bookings.selectors.feedback import feedback_open
from bookings.selectors.requests import bookings_for_member
from bookings.services.common import BookingError, lock_booking
from expertbank.models import User
from expertbank.services.notifications import message_send


def feedback_give(*, booking, by: User, rating: int, text: str = "") -> Feedback:
    """A member of the booking's organisation gives feedback, once, after the work took place.

    Feedback opens when the booking is delivered or one of its gigs has taken place. The experts
    see it only after a coordinator releases it.
    """
    try:
        return _feedback_give(booking_id=booking.pk, by=by, rating=rating, text=text)
    except IntegrityError as exc:  # two sends at the same moment: the constraint caught one
        raise BookingError(
            _("You have already given feedback on this booking. Thank you!")
        ) from exc


@transaction.atomic(durable=True)
def _feedback_give(*, booking_id: int, by: User, rating: int, text: str) -> Feedback:
    booking = lock_booking(booking_id)
    if not bookings_for_member(by).filter(pk=booking.pk).exists():
        raise BookingError(_("You can give feedback only on your own organisation's bookings."))
    if not feedback_open(booking):
        raise BookingError(
            _("You can give feedback once the expert has been with you. Come back after the gig.")
        )
    if not 1 <= rating <= 5:
        raise BookingError(_("Choose a rating from 1 to 5."))
    if Feedback.objects.filter(booking=booking, given_by=by).exists():
        raise BookingError(_("You have already given feedback on this booking. Thank you!"))
    return Feedback.objects.create(booking=booking, given_by=by, rating=rating, text=text.strip())


@transaction.atomic(durable=True)
def feedback_release(*, feedback: Feedback, by: User) -> Feedback:
    """Show the feedback to the experts of the booking; each of them is told once."""
    feedback = (
        Feedback.objects.select_for_update(of=("self",))
        .select_related("booking")
        .get(pk=feedback.pk)
    )
    if feedback.released_at is not None:
        raise BookingError(_("This feedback is already shown to the experts."))
    feedback.released_at, feedback.released_by = timezone.now(), by
    feedback.save(update_fields=["released_at", "released_by"])
    booking = feedback.booking
    took_part = (
        Gig.objects.filter(booking=booking, status__in=TOOK_PLACE, end__lte=timezone.now())
        .select_related("expert__user")
        .order_by("start", "pk")
    )
    told: set[int] = set()
    for gig in took_part:
        if gig.expert_id in told or not gig.expert.user.is_active:
            continue
        told.add(gig.expert_id)
        message_send(
            kind="feedback_released",
            key=f"feedback-released:{feedback.pk}:e{gig.expert_id}",
            to_user=gig.expert.user,
            context={
                "booking": booking,
                "url": settings.SITE_URL + reverse("bookings_expert:feedback"),
            },
        )
    return feedback
