"""The impact loop: 30 and 90 days after a booking's last time the unit is asked "What changed
because of it?" (``impact_question``, found by a sweep like the other reminders), and a member of
the unit answers once per day mark, choosing whether the experts may read the answer."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from bookings.models import Booking, ImpactAnswer
from bookings.selectors.impact import ASKED_STATUSES, DAY_MARKS, impact_open_marks, took_place
from bookings.selectors.requests import bookings_for_member
from bookings.services.common import BookingError, lock_booking
from bookings.services.notify import unit_recipients
from expertbank.models import User
from expertbank.reminders import SweepResult, key_expression, sweep
from expertbank.services.notifications import message_send

IMPACT_HOUR = 9
# A question due longer ago than this is not looked at (no flood of old questions).
IMPACT_WINDOW = timedelta(days=14)
MAX_TEXT = 2000


def impact_answer(
    *,
    booking: Booking,
    by: User,
    day_mark: int,
    text: str,
    change: str = "",
    share_with_experts: bool = False,
) -> ImpactAnswer:
    """A member of the booking's organisation answers the question of ``day_mark``, once."""
    try:
        return _impact_answer(
            booking_id=booking.pk,
            by=by,
            day_mark=day_mark,
            text=text,
            change=change,
            share=share_with_experts,
        )
    except IntegrityError as exc:  # two answers at the same moment: the constraint caught one
        raise BookingError(_("This question has already been answered. Thank you!")) from exc


@transaction.atomic(durable=True)
def _impact_answer(
    *, booking_id: int, by: User, day_mark: int, text: str, change: str, share: bool
) -> ImpactAnswer:
    booking = lock_booking(booking_id)
    if not bookings_for_member(by).filter(pk=booking.pk).exists():
        raise BookingError(_("You can answer only about your own organisation's bookings."))
    if day_mark not in DAY_MARKS:
        raise BookingError(_("There is no such question."))
    if day_mark not in impact_open_marks(booking):
        raise BookingError(
            _("This question opens %(days)d days after the booking's last time.")
            % {"days": day_mark}
        )
    text = (text or "").strip()
    if not text:
        raise BookingError(_("Tell us in a few words what changed (or that nothing did yet)."))
    if len(text) > MAX_TEXT:
        raise BookingError(_("Keep the answer under %(max)d characters.") % {"max": MAX_TEXT})
    if change and change not in ImpactAnswer.Change.values:
        raise BookingError(_("Choose one of the options, or none."))
    if ImpactAnswer.objects.filter(booking=booking, day_mark=day_mark).exists():
        raise BookingError(_("This question has already been answered. Thank you!"))
    return ImpactAnswer.objects.create(
        booking=booking,
        day_mark=day_mark,
        text=text,
        change=change,
        share_with_experts=share,
        answered_by=by,
    )


def impact_questions_send(*, now: datetime | None = None) -> SweepResult:
    """Ask the booking unit the impact question 30 and 90 days after the booking's last time
    (from 9.00 local time), once per booking, day mark and recipient; not when it was answered.
    The 30-day question is skipped, not sent, once the 90-day one is due."""
    now = timezone.localtime(now or timezone.now())
    if now.hour < IMPACT_HOUR:
        return SweepResult()
    today = timezone.make_aware(datetime.combine(now.date(), time(0)))
    result = SweepResult()
    for mark in DAY_MARKS:
        answered = ImpactAnswer.objects.filter(booking=OuterRef("pk"), day_mark=mark)
        due = (
            Booking.objects.filter(
                status__in=ASKED_STATUSES,
                last_end__lt=today - timedelta(days=mark - 1),
                last_end__gte=today - timedelta(days=mark - 1) - IMPACT_WINDOW,
            )
            .filter(took_place(), ~Exists(answered))
            .select_related("unit")
        )

        def send(booking: Booking, key: str, mark=mark) -> None:
            context = {
                "booking": booking,
                "day_mark": mark,
                "url": settings.SITE_URL + reverse("bookings:impact", args=[booking.pk, mark]),
            }
            for user in unit_recipients(booking):
                message_send(
                    kind="impact_question", key=f"{key}u{user.pk}", to_user=user, context=context
                )

        def late(booking: Booking, mark=mark) -> bool:
            return mark == 30 and booking.last_end + timedelta(days=90) <= now

        result += sweep(
            due,
            kind="impact_question",
            key=key_expression("impact:", F("pk"), f":{mark}:"),
            send=send,
            late=late,
            prefix=True,
        )
    return result


__all__ = ["impact_answer", "impact_questions_send"]
